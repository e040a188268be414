//! Deck statistics: card counts, the review forecast, accuracy, streak and
//! hardest cards.
//!
//! This module owns the numbers `pmquiz stats` shows. It is pure: it works on
//! the card schedules and the [`DeckHistory`] that [`crate::store::Store`]
//! loads, and takes the current time and the learner's [`Days`] (time zone
//! and day start) as arguments. "Days" (streak, forecast) are those days,
//! each moment in its own offset, so they are right across daylight-saving
//! changes; the answer windows ("last 7 days", "last 30 days") are rolling,
//! ending at `now`.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use serde::Serialize;

use crate::day::Days;
#[cfg(test)]
use crate::schedule::CardState;
use crate::schedule::{CardDue, DueAt, Phase};

/// How many days [`DeckStats::due_per_day`] covers.
pub const FORECAST_DAYS: usize = 14;
/// How many cards [`DeckStats::hardest`] lists at most.
pub(crate) const HARDEST_CARDS: usize = 5;
/// Length in days of the rolling window of [`DeckStats::last_7_days`].
pub(crate) const SHORT_WINDOW_DAYS: i64 = 7;
/// Length in days of the rolling window of [`DeckStats::last_30_days`].
pub(crate) const LONG_WINDOW_DAYS: i64 = 30;

/// Answers given in a time window, and how many of them were right.
///
/// The answer windows are rolling and end at `now`: a window of `days` days counts an answer
/// given at `t` when `now - days < t <= now`. Answers after `now` count in neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AnswerCount {
    pub answers: usize,
    pub correct: usize,
}

impl std::ops::Add for AnswerCount {
    type Output = AnswerCount;

    fn add(self, other: AnswerCount) -> AnswerCount {
        AnswerCount {
            answers: self.answers + other.answers,
            correct: self.correct + other.correct,
        }
    }
}

/// How often one card was answered and missed, over all time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardTally {
    pub card_id: String,
    pub answers: u64,
    pub misses: u64,
}

/// The review history of one deck, summarised for statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeckHistory {
    /// Answers in the last [`SHORT_WINDOW_DAYS`] days, up to `now` (see [`AnswerCount`]).
    pub last_7_days: AnswerCount,
    /// Answers in the last [`LONG_WINDOW_DAYS`] days, up to `now`.
    pub last_30_days: AnswerCount,
    /// Practice answers (see [`AnswerWindow::practice`]) in the same two windows.
    pub practice_7_days: usize,
    pub practice_30_days: usize,
    /// Answers and misses per card, over all time, in any order, of at least every card that
    /// can be among [`DeckStats::hardest`]. The store loads only a few of the most missed
    /// cards (see [`crate::store::Store::deck_history`]); a longer list is fine.
    pub tallies: Vec<CardTally>,
    /// Days (the learner's [`Days`]) on which the deck was studied, newest
    /// first, without repeats. The store loads only the latest run of
    /// consecutive days, which is all the streak needs; a longer list is fine.
    pub study_days: Vec<NaiveDate>,
    /// `(question kind, reviews, right)`: answers to cards in review in the last 30 days.
    pub reached: Vec<(String, usize, usize)>,
}

/// Answers in a time window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnswerWindow {
    /// Reviews: answers that moved a card's schedule.
    pub answers: usize,
    pub correct: usize,
    /// `correct / answers`, from 0 to 1; `None` without answers.
    pub accuracy: Option<f64>,
    /// Practice: a question asked again in the same session after a miss (learn mode). Not
    /// counted in `answers`, `correct` or `accuracy`.
    pub practice: usize,
}

/// A card that is often missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HardCard {
    pub card_id: String,
    /// What the card asks, in a line (its question, term, statement or row), when the caller
    /// has the deck at hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub misses: u64,
    pub answers: u64,
}

/// Statistics of one deck at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeckStats {
    /// Cards currently in the deck.
    pub cards: usize,
    /// Cards never answered (or forgotten with `pmquiz forget`).
    pub new: usize,
    /// Cards in learning or relearning: recently missed or just started.
    pub learning: usize,
    /// Cards in review.
    pub review: usize,
    /// Cards due now (including overdue).
    pub due_now: usize,
    /// Cards due within the next 7 days, including those due now.
    pub due_within_7_days: usize,
    /// Answers in the last 7 days (rolling).
    pub last_7_days: AnswerWindow,
    /// Answers in the last 30 days (rolling).
    pub last_30_days: AnswerWindow,
    /// Consecutive days studied up to today; a streak whose last day is
    /// yesterday still counts (it is not broken until today ends).
    pub streak_days: u32,
    /// Whether the deck was studied today.
    pub studied_today: bool,
    /// Up to five current cards with the most misses, most missed first.
    pub hardest: Vec<HardCard>,
    /// Reviews due on each of the next 14 days; day 0 is today and also
    /// holds everything already overdue.
    pub due_per_day: [usize; FORECAST_DAYS],
    /// Of the answers to cards in review in the last 30 days, how many were right: the
    /// retention actually reached, overall and per question kind.
    pub reached: Reached,
}

/// Answers to cards in review and how many were right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Recall {
    pub reviews: usize,
    pub right: usize,
    /// `right / reviews`; `None` without reviews.
    pub rate: Option<f64>,
}

impl Recall {
    fn new(reviews: usize, right: usize) -> Recall {
        Recall {
            reviews,
            right,
            rate: (reviews > 0).then(|| right as f64 / reviews as f64),
        }
    }
}

impl std::ops::Add for Recall {
    type Output = Recall;

    fn add(self, other: Recall) -> Recall {
        Recall::new(self.reviews + other.reviews, self.right + other.right)
    }
}

/// The retention reached: answers to cards in review, overall and per question kind (`flash`,
/// `mcq`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reached {
    pub overall: Recall,
    pub by_kind: std::collections::BTreeMap<String, Recall>,
}

impl Reached {
    /// From `(kind, reviews, right)` rows.
    pub fn from_rows(rows: &[(String, usize, usize)]) -> Reached {
        let mut reached = Reached::default();
        for (kind, reviews, right) in rows {
            let recall = Recall::new(*reviews, *right);
            reached.overall = reached.overall + recall;
            let entry = reached.by_kind.entry(kind.clone()).or_default();
            *entry = *entry + recall;
        }
        reached
    }

    /// Both tallies together.
    pub fn add(&mut self, other: &Reached) {
        self.overall = self.overall + other.overall;
        for (kind, recall) in &other.by_kind {
            let entry = self.by_kind.entry(kind.clone()).or_default();
            *entry = *entry + *recall;
        }
    }
}

/// Statistics of a deck.
///
/// `cards` has one entry for every card currently in the deck: its phase and due time
/// ([`CardDue`]), or `None` for a card never answered. `in_deck` tells whether a card id is
/// one of them. `history` comes from [`crate::store::Store::deck_history`]. Card counts, the
/// forecast and the hardest cards cover only the cards in the deck; answer counts cover the
/// whole history, including cards since removed from the deck.
pub(crate) fn deck_stats<Tz: TimeZone>(
    cards: &[Option<CardDue>],
    in_deck: impl Fn(&str) -> bool,
    history: &DeckHistory,
    now: DateTime<Utc>,
    days: &Days<Tz>,
) -> DeckStats {
    let today = days.day_of(now);
    let mut stats = DeckStats {
        cards: cards.len(),
        new: 0,
        learning: 0,
        review: 0,
        due_now: 0,
        due_within_7_days: 0,
        last_7_days: window(history.last_7_days, history.practice_7_days),
        last_30_days: window(history.last_30_days, history.practice_30_days),
        streak_days: 0,
        studied_today: false,
        hardest: Vec::new(),
        due_per_day: [0; FORECAST_DAYS],
        reached: Reached::from_rows(&history.reached),
    };

    let due_now = DueAt::new(now, days);
    // Due within the next seven of the learner's days, today included.
    let week_ahead = DueAt {
        now: now + TimeDelta::days(7),
        day_end: days.start_of(today + chrono::Days::new(7)),
    };
    let after_forecast = today + chrono::Days::new(FORECAST_DAYS as u64);
    for card in cards {
        let Some(state) = card.filter(|s| s.phase != Phase::New) else {
            stats.new += 1;
            continue;
        };
        match state.phase {
            Phase::Learning | Phase::Relearning => stats.learning += 1,
            _ => stats.review += 1,
        }
        if due_now.is_due_card(state) {
            stats.due_now += 1;
        }
        if week_ahead.is_due_card(state) {
            stats.due_within_7_days += 1;
        }
        // Most due times are long past or beyond the forecast, which their UTC date tells
        // without a time zone lookup per card.
        let day = match days.day_of_bounds(state.due) {
            Some((_, latest)) if latest <= today => 0,
            Some((earliest, _)) if earliest >= after_forecast => FORECAST_DAYS as i64,
            _ => (days.day_of(state.due) - today).num_days().max(0),
        };
        if let Some(slot) = usize::try_from(day)
            .ok()
            .and_then(|d| stats.due_per_day.get_mut(d))
        {
            *slot += 1;
        }
    }

    (stats.streak_days, stats.studied_today) = streak(&history.study_days, today);
    stats.hardest = hardest(in_deck, &history.tallies);
    stats
}

/// [`deck_stats`] of cards listed with their ids and whole schedules.
#[cfg(test)]
pub(crate) fn deck_stats_for<Tz: TimeZone>(
    cards: &[(String, Option<CardState>)],
    history: &DeckHistory,
    now: DateTime<Utc>,
    days: &Days<Tz>,
) -> DeckStats {
    let ids: HashSet<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
    let schedules: Vec<Option<CardDue>> = cards
        .iter()
        .map(|(_, state)| state.as_ref().map(CardDue::from))
        .collect();
    deck_stats(&schedules, |id| ids.contains(id), history, now, days)
}

fn window(count: AnswerCount, practice: usize) -> AnswerWindow {
    let AnswerCount { answers, correct } = count;
    AnswerWindow {
        answers,
        correct,
        accuracy: (answers > 0).then(|| correct as f64 / answers as f64),
        practice,
    }
}

/// (streak length, studied today) from the days studied.
fn streak(study_days: &[NaiveDate], today: NaiveDate) -> (u32, bool) {
    let days: HashSet<NaiveDate> = study_days.iter().copied().collect();
    let studied_today = days.contains(&today);
    let mut day = if studied_today {
        today
    } else {
        match today.pred_opt() {
            Some(yesterday) if days.contains(&yesterday) => yesterday,
            _ => return (0, false),
        }
    };
    let mut run = 0u32;
    while days.contains(&day) {
        run += 1;
        match day.pred_opt() {
            Some(prev) => day = prev,
            None => break,
        }
    }
    (run, studied_today)
}

fn hardest(in_deck: impl Fn(&str) -> bool, tallies: &[CardTally]) -> Vec<HardCard> {
    // Only the missed cards (usually a handful) are looked up: no set of every card id is
    // built.
    let mut hard: Vec<HardCard> = tallies
        .iter()
        .filter(|t| t.misses > 0 && in_deck(&t.card_id))
        .map(|t| HardCard {
            card_id: t.card_id.clone(),
            text: None,
            misses: t.misses,
            answers: t.answers,
        })
        .collect();
    // Most misses first; among equals, the larger share of misses (fewer
    // answers) first; then by id so the order is stable.
    hard.sort_by(|a, b| {
        b.misses
            .cmp(&a.misses)
            .then(a.answers.cmp(&b.answers))
            .then_with(|| a.card_id.cmp(&b.card_id))
    });
    hard.truncate(HARDEST_CARDS);
    hard
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn now() -> DateTime<Utc> {
        // 10:00 UTC on a Wednesday.
        Utc.with_ymd_and_hms(2025, 5, 14, 10, 0, 0).unwrap()
    }

    fn utc() -> Days<FixedOffset> {
        Days::new(FixedOffset::east_opt(0).unwrap(), 0)
    }

    fn state(phase: Phase, due: DateTime<Utc>) -> Option<CardState> {
        Some(CardState {
            phase,
            stability: 3.0,
            difficulty: 5.0,
            due,
            last_review: due - TimeDelta::days(3),
            reps: 2,
            lapses: 0,
        })
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn counts_phases_and_due_cards() {
        let n = now();
        let cards = vec![
            ("a".to_string(), None),
            (
                "b".to_string(),
                state(Phase::Learning, n - TimeDelta::minutes(5)),
            ),
            (
                "c".to_string(),
                state(Phase::Relearning, n + TimeDelta::minutes(5)),
            ),
            (
                "d".to_string(),
                state(Phase::Review, n - TimeDelta::days(3)),
            ),
            (
                "e".to_string(),
                state(Phase::Review, n + TimeDelta::days(6)),
            ),
            (
                "f".to_string(),
                state(Phase::Review, n + TimeDelta::days(20)),
            ),
            ("g".to_string(), state(Phase::New, n)),
        ];
        let s = deck_stats_for(&cards, &DeckHistory::default(), n, &utc());
        assert_eq!(s.cards, 7);
        assert_eq!((s.new, s.learning, s.review), (2, 2, 3));
        assert_eq!(s.due_now, 2);
        assert_eq!(s.due_within_7_days, 4);
        assert_eq!(s.last_7_days.answers, 0);
        assert_eq!(s.last_7_days.accuracy, None);
        assert_eq!(s.streak_days, 0);
        assert!(s.hardest.is_empty());
    }

    #[test]
    fn cards_in_review_count_as_due_from_the_start_of_their_day() {
        let n = now(); // Wednesday 10:00 UTC
        let cards = vec![
            // Due at 23:00 today: due now, whatever the hour.
            (
                "tonight".to_string(),
                state(Phase::Review, n + TimeDelta::hours(13)),
            ),
            // Due at 02:00 on Thursday: still Wednesday's with days from 4 am.
            (
                "night".to_string(),
                state(Phase::Review, n + TimeDelta::hours(16)),
            ),
            // A step in five minutes is not due yet.
            (
                "step".to_string(),
                state(Phase::Learning, n + TimeDelta::minutes(5)),
            ),
            // Due on the seventh day from now (Tuesday 23:00): within the seven days.
            (
                "tuesday".to_string(),
                state(Phase::Review, n + TimeDelta::days(6) + TimeDelta::hours(13)),
            ),
            // Wednesday next week at 05:00: not within them.
            (
                "next-week".to_string(),
                state(Phase::Review, n + TimeDelta::days(6) + TimeDelta::hours(19)),
            ),
        ];
        let four = Days::new(FixedOffset::east_opt(0).unwrap(), 4);
        let s = deck_stats_for(&cards, &DeckHistory::default(), n, &four);
        assert_eq!(s.due_now, 2);
        assert_eq!(s.due_within_7_days, 4);
        // The forecast counts the step too: it comes due today.
        assert_eq!(&s.due_per_day[..8], [3, 0, 0, 0, 0, 0, 1, 1]);
        // With days from midnight, the card due at 2 am is Thursday's.
        let s = deck_stats_for(&cards, &DeckHistory::default(), n, &utc());
        assert_eq!(s.due_now, 1);
    }

    #[test]
    fn forecast_puts_overdue_on_day_zero_and_uses_local_days() {
        let n = now(); // 10:00 UTC
        let cards = vec![
            (
                "overdue".to_string(),
                state(Phase::Review, n - TimeDelta::days(40)),
            ),
            (
                "later-today".to_string(),
                state(Phase::Review, n + TimeDelta::hours(13)),
            ),
            (
                "tomorrow".to_string(),
                state(Phase::Review, n + TimeDelta::hours(15)),
            ),
            (
                "day13".to_string(),
                state(Phase::Review, n + TimeDelta::days(13)),
            ),
            (
                "day14".to_string(),
                state(Phase::Review, n + TimeDelta::days(14)),
            ),
            ("new".to_string(), None),
        ];
        let s = deck_stats_for(&cards, &DeckHistory::default(), n, &utc());
        let mut expected = [0; FORECAST_DAYS];
        expected[0] = 2;
        expected[1] = 1;
        expected[13] = 1;
        assert_eq!(s.due_per_day, expected);

        // At UTC-12 it is 22:00 the day before, so 13 h ahead is tomorrow.
        let west = Days::new(FixedOffset::west_opt(12 * 3600).unwrap(), 0);
        let s = deck_stats_for(&cards, &DeckHistory::default(), n, &west);
        assert_eq!(s.due_per_day[0], 1);
        assert_eq!(s.due_per_day[1], 2);
    }

    #[test]
    fn forecast_days_follow_daylight_saving() {
        // Saturday noon in Berlin (CET, +1); the clocks go forward that night.
        let now = Utc.with_ymd_and_hms(2026, 3, 28, 11, 0, 0).unwrap();
        let at = |h| Utc.with_ymd_and_hms(2026, 3, 29, h, 30, 0).unwrap();
        let cards = vec![
            // 23:30 CEST on Sunday: tomorrow.
            ("sunday".to_string(), state(Phase::Review, at(21))),
            // 00:30 CEST on Monday (23:30 at Saturday's offset): the day after.
            ("monday".to_string(), state(Phase::Review, at(22))),
        ];
        let berlin = Days::new(chrono_tz::Europe::Berlin, 0);
        let s = deck_stats_for(&cards, &DeckHistory::default(), now, &berlin);
        assert_eq!(&s.due_per_day[..3], [0, 1, 1]);
    }

    #[test]
    fn accuracy_over_rolling_windows() {
        // The store counts the windows (see `Store::deck_history` and its tests for the
        // boundaries); the stats turn the counts into accuracies.
        let history = DeckHistory {
            last_7_days: AnswerCount {
                answers: 3,
                correct: 2,
            },
            last_30_days: AnswerCount {
                answers: 5,
                correct: 3,
            },
            ..DeckHistory::default()
        };
        let s = deck_stats_for(&[], &history, now(), &utc());
        assert_eq!(s.last_7_days.answers, 3);
        assert_eq!(s.last_7_days.correct, 2);
        assert!((s.last_7_days.accuracy.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.last_30_days.answers, 5);
        assert_eq!(s.last_30_days.correct, 3);
        assert_eq!(s.last_30_days.accuracy, Some(0.6));

        // Answers, none right: 0 %, not "no accuracy".
        let history = DeckHistory {
            last_30_days: AnswerCount {
                answers: 4,
                correct: 0,
            },
            ..DeckHistory::default()
        };
        let s = deck_stats_for(&[], &history, now(), &utc());
        assert_eq!(s.last_7_days.accuracy, None);
        assert_eq!(s.last_30_days.accuracy, Some(0.0));
    }

    #[test]
    fn answer_counts_add_up() {
        let a = AnswerCount {
            answers: 3,
            correct: 1,
        };
        let b = AnswerCount {
            answers: 4,
            correct: 4,
        };
        assert_eq!(
            a + b,
            AnswerCount {
                answers: 7,
                correct: 5
            }
        );
        assert_eq!(a + AnswerCount::default(), a);
    }

    #[test]
    fn streak_continues_from_today_or_yesterday() {
        let n = now(); // 2025-05-14
        let with_days = |days: Vec<NaiveDate>| DeckHistory {
            study_days: days,
            ..DeckHistory::default()
        };
        let s = deck_stats_for(
            &[],
            &with_days(vec![day(2025, 5, 14), day(2025, 5, 13), day(2025, 5, 12)]),
            n,
            &utc(),
        );
        assert_eq!((s.streak_days, s.studied_today), (3, true));

        let s = deck_stats_for(
            &[],
            &with_days(vec![day(2025, 5, 13), day(2025, 5, 12), day(2025, 5, 10)]),
            n,
            &utc(),
        );
        assert_eq!((s.streak_days, s.studied_today), (2, false));

        let s = deck_stats_for(&[], &with_days(vec![day(2025, 5, 12)]), n, &utc());
        assert_eq!((s.streak_days, s.studied_today), (0, false));

        // A day studied in the future (clock trouble) neither counts nor breaks.
        let s = deck_stats_for(
            &[],
            &with_days(vec![day(2025, 5, 20), day(2025, 5, 14)]),
            n,
            &utc(),
        );
        assert_eq!((s.streak_days, s.studied_today), (1, true));
    }

    #[test]
    fn hardest_cards_rank_by_misses_and_skip_removed_cards() {
        let tally = |id: &str, answers, misses| CardTally {
            card_id: id.to_string(),
            answers,
            misses,
        };
        let history = DeckHistory {
            tallies: vec![
                tally("a", 10, 1),
                tally("b", 10, 5),
                tally("c", 6, 5),
                tally("gone", 50, 40),
                tally("d", 3, 0),
                tally("e", 4, 2),
                tally("f", 9, 3),
                tally("g", 2, 2),
            ],
            ..DeckHistory::default()
        };
        let cards: Vec<(String, Option<CardState>)> = ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .map(|id| (id.to_string(), None))
            .collect();
        let s = deck_stats_for(&cards, &history, now(), &utc());
        let ids: Vec<&str> = s.hardest.iter().map(|h| h.card_id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "f", "g", "e"]);
        assert_eq!(
            s.hardest[0],
            HardCard {
                card_id: "c".into(),
                text: None,
                misses: 5,
                answers: 6
            }
        );
    }

    #[test]
    fn serializes_to_json() {
        let s = deck_stats_for(
            &[("a".to_string(), None)],
            &DeckHistory::default(),
            now(),
            &utc(),
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["new"], 1);
        assert_eq!(json["due_per_day"].as_array().unwrap().len(), FORECAST_DAYS);
        assert!(json["last_7_days"]["accuracy"].is_null());
        assert_eq!(json["streak_days"], 0);
    }
}
