//! `pmquiz stats`: progress per deck from the schedule and the answer history.

use super::history::open_store;
use super::{Context, OK};
use crate::cli::{Format, StatsArgs};
use crate::day::Days;
use crate::deck::DeckSource;
use crate::deck::plural;
use crate::quiz::Kind;
use crate::schedule::CardDue;
use crate::stats::{DeckStats, Reached, deck_stats};
use crate::store::{Store, StoreError};
use crate::ui::text::truncate;
use chrono::{DateTime, Duration, TimeZone, Utc};
use console::style;
use std::collections::HashMap;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

pub(crate) fn run(cx: &Context, args: &StatsArgs) -> anyhow::Result<u8> {
    cx.config()?;
    let decks = cx.decks_or_all(args.deck.as_slice())?;
    let store = open_store(cx, &decks)?;
    let now = cx.now()?;
    let days = cx.days()?;
    let desired = cx.retention(None)?.get();
    let parameters = if cx.parameters()?.is_default() {
        "default"
    } else {
        "fitted"
    };
    let mut all = Vec::new();
    for deck in &decks {
        all.push((deck, of_deck(&store, deck, now, &days)?));
    }
    match args.format {
        Format::Json => {
            let list: Vec<_> = all
                .iter()
                .map(|(deck, stats)| {
                    let mut v = serde_json::to_value(stats).expect("stats serialize");
                    v["deck_id"] = deck.id().into();
                    v["name"] = deck.name().into();
                    v["desired_retention"] = desired.into();
                    v["parameters"] = parameters.into();
                    v
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        Format::Text => {
            crate::ui::configure_colors();
            let mut reached = Reached::default();
            for (_, stats) in &all {
                reached.add(&stats.reached);
            }
            print!("{}", render_scheduler(parameters, desired, &reached));
            let today = days.day_of(now);
            for (deck, stats) in &all {
                print!("{}", render(deck.id(), deck.name(), stats, today, desired));
            }
        }
    }
    Ok(OK)
}

/// The scheduler in use and the retention reached over every deck shown.
fn render_scheduler(parameters: &str, desired: f32, reached: &Reached) -> String {
    let mut out = String::new();
    let which = if parameters == "fitted" {
        "parameters fitted by `pmquiz optimize` (config.toml)"
    } else {
        "FSRS's default parameters"
    };
    let _ = writeln!(
        out,
        "{} FSRS-6 with {which}, desired retention {:.0}%",
        style("scheduler").bold(),
        desired * 100.0
    );
    if let Some(rate) = reached.overall.rate {
        let kinds: Vec<String> = reached
            .by_kind
            .iter()
            .filter_map(|(kind, r)| {
                let label = kind
                    .parse::<Kind>()
                    .map_or_else(|_| kind.clone(), |k| k.label().to_string());
                r.rate.map(|rate| format!("{label} {:.0}%", rate * 100.0))
            })
            .collect();
        let _ = writeln!(
            out,
            "{} {:.0}% of {} to cards in review were right in 30 days ({})",
            style("reached  ").bold(),
            rate * 100.0,
            plural(reached.overall.reviews, "answer"),
            kinds.join(", ")
        );
    }
    out.push('\n');
    out
}

/// The statistics of one deck: its current cards with their schedules, and its history.
pub fn of_deck<Tz: TimeZone>(
    store: &Store,
    deck: &impl DeckSource,
    now: DateTime<Utc>,
    days: &Days<Tz>,
) -> Result<DeckStats, StoreError> {
    let ids = deck.review_ids();
    // Where each review id is in `ids` (the first place, should an id repeat), by its bytes.
    // The schedules are looked up by the ids borrowed from the rows, and the store asks
    // whether a card is still in the deck. foldhash rather than the standard SipHash: 100 000 ids are hashed
    // twice each, and nothing here comes from outside the learner's own files.
    let mut place: HashMap<&[u8], usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.iter().enumerate() {
        place.entry(id.as_bytes()).or_insert(i);
    }
    let mut schedules: Vec<Option<CardDue>> = vec![None; ids.len()];
    store.for_each_card_due(deck.id(), |card_id, due| {
        if let Some(&i) = place.get(card_id) {
            schedules[i] = Some(due);
        }
    })?;
    let in_deck = |id: &str| place.contains_key(id.as_bytes());
    let history = store.deck_history(deck.id(), now, days, in_deck)?;
    let mut stats = deck_stats(&schedules, in_deck, &history, now, days);
    // The few hardest cards are named by what they ask, not only by their ids.
    let hard: Vec<&str> = stats.hardest.iter().map(|h| h.card_id.as_str()).collect();
    let slots = deck.find(&hard);
    for (h, slot) in stats.hardest.iter_mut().zip(slots) {
        h.text = slot.and_then(|slot| {
            let card = deck.card(slot.card)?;
            Some(card.gist(slot.row.map(|r| r as usize)))
        });
    }
    Ok(stats)
}

fn percent(accuracy: Option<f64>) -> String {
    accuracy.map_or_else(|| "-".to_string(), |a| format!("{:.0}% right", a * 100.0))
}

fn render(id: &str, name: &str, s: &DeckStats, today: chrono::NaiveDate, desired: f32) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        style(id).bold(),
        style(format!("· {name}")).dim()
    );
    let _ = writeln!(
        out,
        "  cards      {} ({} new, {} learning, {} in review)",
        s.cards, s.new, s.learning, s.review
    );
    let _ = writeln!(
        out,
        "  due        {} now, {} within 7 days",
        s.due_now, s.due_within_7_days
    );
    let _ = writeln!(
        out,
        "  answers    {} in 7 days ({}), {} in 30 days ({})",
        s.last_7_days.answers,
        percent(s.last_7_days.accuracy),
        s.last_30_days.answers,
        percent(s.last_30_days.accuracy)
    );
    if s.last_30_days.practice > 0 {
        let _ = writeln!(
            out,
            "  practice   {} in 7 days, {} in 30 days (learn-mode retries, not counted above)",
            s.last_7_days.practice, s.last_30_days.practice
        );
    }
    if let Some(rate) = s.reached.overall.rate {
        let _ = writeln!(
            out,
            "  reached    {:.0}% of {} in review right in 30 days (desired {:.0}%)",
            rate * 100.0,
            plural(s.reached.overall.reviews, "answer"),
            desired * 100.0
        );
    }
    let days = if s.streak_days == 1 { "day" } else { "days" };
    let _ = writeln!(out, "  streak     {} {days} in a row", s.streak_days);
    if !s.hardest.is_empty() {
        let _ = writeln!(out, "  hardest");
        let width = crate::ui::screen_width();
        for h in &s.hardest {
            let mut line = format!(
                "    {:<28} {} in {}",
                h.card_id,
                plural(h.misses as usize, "miss"),
                plural(h.answers as usize, "answer")
            );
            if let Some(text) = &h.text {
                let room = width.saturating_sub(line.width() + 2);
                if room >= 12 {
                    line = format!("{line}  {}", style(truncate(text, room)).dim());
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let max = s.due_per_day.iter().copied().max().unwrap_or(0);
    if max > 0 {
        let _ = writeln!(out, "  due over the next 14 days");
        for (i, &n) in s.due_per_day.iter().enumerate() {
            let day = today + Duration::days(i as i64);
            let width = if n == 0 { 0 } else { (n * 30).div_ceil(max) };
            let label = if i == 0 {
                "today ".to_string()
            } else {
                day.format("%a %d").to_string()
            };
            let _ = writeln!(
                out,
                "    {label:<6} {} {n}",
                style("█".repeat(width)).cyan()
            );
        }
    }
    out.push('\n');
    out
}
