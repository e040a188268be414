//! `pmquiz review`: ask the cards that are due, missed and most overdue first.

use super::history::{History, open_store};
use super::study::{Recorder, Study, drive, filter};
use super::{Context, OK};
use crate::cli::{Format, ReviewArgs};
use crate::deck::DeckSource;
use crate::library::OpenDeck;
use crate::quiz::{Filter, generate_for};
use crate::schedule::DueAt;
use crate::session::Session;
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::collections::HashMap;

pub(super) fn run(cx: &Context, args: &ReviewArgs) -> anyhow::Result<u8> {
    // Settings problems are reported before anything is asked.
    cx.config()?;
    let decks = cx.decks_or_all(&args.deck)?;
    let deck_ids: Vec<String> = decks.iter().map(|d| d.id().to_string()).collect();
    // Answers given on other devices first, so that what is due here reflects them.
    let store = if args.session.no_save {
        open_store(cx, &decks)?
    } else {
        super::sync::open_for_session(cx, &decks)?
    };
    let now = cx.now()?;
    // Cards in review are due from the start of their due day, in the learner's days.
    let days = cx.days()?;
    let at = DueAt::new(now, &days);

    let due = due_cards(&store, &decks, &deck_ids, at, args.limit)?;
    let seed = args.session.seed.unwrap_or_else(rand::random);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let filter = filter(&args.session, &[])?;
    let questions = generate_for(&decks, &due, args.limit, &filter, &mut rng);
    // Nothing to ask: either no due card is left in its deck, or the chosen kinds cannot ask
    // the ones that are.
    let askable = || {
        !generate_for(
            &decks,
            &due,
            1,
            &Filter::default(),
            &mut ChaCha8Rng::seed_from_u64(seed),
        )
        .is_empty()
    };
    if questions.is_empty() && !args.session.kinds.is_empty() && askable() {
        anyhow::bail!(
            "{} cards are due, but none can be asked as the chosen --kinds",
            store.count_due(&deck_ids, at)?
        );
    }

    if questions.is_empty() {
        let next = store.upcoming(&deck_ids, at)?.first(&days);
        // What the first review of tomorrow asks: the cards due when tomorrow starts.
        let tomorrow = store.count_due(&deck_ids, DueAt::new(at.day_end, &days))?;
        let message = nothing_due(now, next, tomorrow);
        match args.session.format {
            Format::Text => println!("{message}"),
            Format::Json => println!(
                "{}",
                serde_json::json!({
                    "total": 0, "answered": 0, "correct": 0, "results": [],
                    "message": message,
                    "next_review": next.map(|t| t.to_rfc3339()),
                    "due_tomorrow": tomorrow,
                })
            ),
        }
        return Ok(OK);
    }

    let mut history = if args.session.no_save {
        None
    } else {
        Some(History::new(cx, store, &args.session)?)
    };
    // No replay line: answering moves the cards, so the same command asks other cards.
    let study = Study {
        opts: &args.session,
        seed,
        replay: None,
        decks: &decks,
        counts: true,
    };
    let code = drive(
        Session::new(questions, args.session.mode, seed),
        &study,
        history.as_mut().map(|h| h as &mut dyn Recorder),
    )?;
    if let Some(history) = &history {
        super::sync::auto_after(cx, history.store());
    }
    Ok(code)
}

/// The first `limit` due cards still in their decks, in the order they are asked: `(deck
/// index, card id)`. Cards removed from their deck drop out of review (their history stays), so
/// the history is asked for `limit` cards first, and for more only when some of those are gone.
fn due_cards(
    store: &Store,
    decks: &[OpenDeck],
    deck_ids: &[String],
    at: DueAt,
    limit: usize,
) -> anyhow::Result<Vec<(usize, String)>> {
    let deck_index: HashMap<&str, usize> =
        decks.iter().enumerate().map(|(i, d)| (d.id(), i)).collect();
    let mut fetch = limit;
    loop {
        let rows = store.due(deck_ids, at, Some(fetch))?;
        let fetched = rows.len();
        let due: Vec<(usize, String)> = rows
            .into_iter()
            .filter_map(|d| deck_index.get(d.deck_id.as_str()).map(|&i| (i, d.card_id)))
            .collect();
        let mut present = 0;
        for (i, deck) in decks.iter().enumerate() {
            let ids: Vec<&str> = due
                .iter()
                .filter(|(d, _)| *d == i)
                .map(|(_, id)| id.as_str())
                .collect();
            if !ids.is_empty() {
                present += deck.find(&ids).iter().flatten().count();
            }
        }
        if present >= limit || fetched < fetch {
            return Ok(due);
        }
        fetch = fetch.saturating_mul(4);
    }
}

/// "in 3 h", "in 12 min", "in 2 days".
pub(super) fn until(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let d = (then - now).max(Duration::zero());
    if d < Duration::hours(1) {
        format!("in {} min", d.num_minutes().max(1))
    } else if d < Duration::hours(48) {
        format!("in {} h", d.num_hours())
    } else {
        format!("in {} days", d.num_days())
    }
}

fn nothing_due(now: DateTime<Utc>, next: Option<DateTime<Utc>>, tomorrow: usize) -> String {
    let cards = |n: usize| {
        if n == 1 {
            "1 card".to_string()
        } else {
            format!("{n} cards")
        }
    };
    match next {
        None => "Nothing is due, and no card is scheduled yet: answer some questions with `pmquiz run` first.".to_string(),
        Some(next) => format!(
            "Nothing is due. Next review {}; {} due tomorrow.",
            until(now, next),
            cards(tomorrow)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn describes_when_the_next_review_is() {
        let now = Utc.with_ymd_and_hms(2026, 1, 31, 9, 0, 0).unwrap();
        assert_eq!(until(now, now + Duration::minutes(10)), "in 10 min");
        assert_eq!(until(now, now + Duration::hours(3)), "in 3 h");
        assert_eq!(until(now, now + Duration::days(4)), "in 4 days");
        assert_eq!(
            nothing_due(now, Some(now + Duration::hours(3)), 12),
            "Nothing is due. Next review in 3 h; 12 cards due tomorrow."
        );
    }
}
