//! Anki's review log as pmquiz history. Pure: the package reader gives the `revlog` rows, this
//! module decides what each becomes, and which of them a card's schedule rests on.
//!
//! Every graded row (ease 1 to 4: Again, Hard, Good, Easy) becomes an answer with that rating,
//! at the row's time (its id, in milliseconds), taking its recorded time. Rows of reviews in a
//! filtered deck without rescheduling ("cramming", type 3 with no ease factor) become practice:
//! kept, without moving the schedule. Rows without a grade (type 4, a due date set by hand or a
//! reset to new; type 5, rescheduled after an FSRS change) are not answers.
//!
//! The schedule is pmquiz's FSRS replayed over the graded rows that Anki's own FSRS uses for the
//! card's memory state: cramming left out, and nothing before the card's last reset to new, or
//! (when Anki's log of the card starts later than its learning steps) before its first review
//! graded a day or more apart.

use crate::schedule::Rating;
use crate::store::ImportedAnswer;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::ops::Range;
use std::time::Duration;

/// One row of Anki's `revlog` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Revlog {
    /// When the review was done, in milliseconds since the Unix epoch.
    pub(crate) id: i64,
    /// The Anki card reviewed.
    pub(crate) cid: i64,
    /// The button: 1 Again, 2 Hard, 3 Good, 4 Easy; 0 for rows that are not reviews.
    pub(crate) ease: u8,
    /// The interval given: days when positive, seconds when negative.
    pub(crate) ivl: i32,
    /// The ease factor (or FSRS difficulty) after the review; 0 marks resets and cramming.
    pub(crate) factor: i32,
    /// Time taken, in milliseconds.
    pub(crate) time: i32,
    /// 0 learning, 1 review, 2 relearning, 3 filtered deck, 4 manual, 5 rescheduled.
    pub(crate) kind: u8,
}

const LEARNING: u8 = 0;
const FILTERED: u8 = 3;
const MANUAL: u8 = 4;

impl Revlog {
    fn rating(&self) -> Option<Rating> {
        Rating::try_from(self.ease).ok()
    }

    /// A review in a filtered deck that does not reschedule.
    fn is_cramming(&self) -> bool {
        self.kind == FILTERED && self.factor == 0
    }

    /// The card was reset to new ("Forget", "Reset").
    fn is_reset(&self) -> bool {
        self.kind == MANUAL && self.factor == 0
    }

    /// Graded a day or more after the step before it.
    fn interday(&self) -> bool {
        self.ivl >= 1 || self.ivl <= -86_400
    }

    fn at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.id)
    }
}

/// The rows, grouped by card for lookups, and when the collection's days start.
pub(crate) struct RevlogIndex {
    rows: Vec<Revlog>,
    by_card: HashMap<i64, Range<usize>>,
    day_start: i64,
}

impl RevlogIndex {
    /// `created` is the collection's creation time (`col.crt`, Unix seconds): Anki sets it to
    /// the start of a day, so its time of day is when Anki's days start (4 am local time unless
    /// the learner changed it).
    pub(crate) fn new(mut rows: Vec<Revlog>, created: i64) -> Self {
        rows.sort_unstable_by_key(|r| (r.cid, r.id));
        let mut by_card: HashMap<i64, Range<usize>> = HashMap::new();
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].cid != rows[start].cid {
                by_card.insert(rows[start].cid, start..i);
                start = i;
            }
        }
        RevlogIndex {
            rows,
            by_card,
            day_start: created.rem_euclid(86_400),
        }
    }

    /// How many rows the log has.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// When the collection's days start, in seconds after midnight UTC.
    pub(crate) fn day_start(&self) -> i64 {
        self.day_start
    }

    /// One card's rows, oldest first.
    fn of(&self, cid: i64) -> &[Revlog] {
        self.by_card
            .get(&cid)
            .map_or(&[][..], |r| &self.rows[r.clone()])
    }
}

/// What a pmquiz card takes from the review log of the Anki cards it stands for: its answers
/// (oldest first), and for each Anki card the graded reviews its schedule rests on.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CardHistory {
    pub(crate) answers: Vec<ImportedAnswer>,
    pub(crate) reviews: Vec<Vec<(DateTime<Utc>, Rating)>>,
}

/// The history of a pmquiz card that stands for the Anki cards `cids` (a term asked both ways
/// stands for both of its Anki cards: their answers are merged by time, and each keeps its own
/// reviews, so that the term is due when Anki would ask either card).
pub(crate) fn card_history(index: &RevlogIndex, cids: &[i64]) -> CardHistory {
    let mut out = CardHistory::default();
    for &cid in cids {
        let rows = index.of(cid);
        for row in rows {
            let (Some(at), Some(rating)) = (row.at(), row.rating()) else {
                continue;
            };
            let duration = Duration::from_millis(u64::try_from(row.time).unwrap_or(0));
            out.answers.push(ImportedAnswer {
                answered_at: at,
                rating: (!row.is_cramming()).then_some(rating),
                duration,
            });
        }
        let reviews: Vec<_> = scheduling_rows(rows)
            .iter()
            .filter_map(|r| Some((r.at()?, r.rating()?)))
            .collect();
        if !reviews.is_empty() {
            out.reviews.push(reviews);
        }
    }
    if cids.len() > 1 {
        out.answers.sort_by_key(|a| a.answered_at);
    }
    out
}

/// The rows of one card (oldest first) that Anki's FSRS computes the card's memory state from,
/// as Anki's `reviews_for_fsrs` chooses them when scheduling.
fn scheduling_rows(rows: &[Revlog]) -> Vec<Revlog> {
    let mut first_of_last_learning: Option<usize> = None;
    let mut first_interday_grade: Option<usize> = None;
    for (i, row) in rows.iter().enumerate().rev() {
        if row.is_cramming() {
            continue;
        }
        let graded = row.rating().is_some();
        if graded && row.interday() {
            first_interday_grade = Some(i);
        }
        if graded && row.kind == LEARNING {
            first_of_last_learning = Some(i);
        } else if row.is_reset() {
            if first_of_last_learning.is_some() || first_interday_grade.is_some() {
                break;
            }
            // Reset and never graded since: the card is new.
            return Vec::new();
        } else if first_of_last_learning.is_some() {
            break;
        }
    }
    let Some(start) = first_of_last_learning.or(first_interday_grade) else {
        return Vec::new();
    };
    rows[start..]
        .iter()
        .filter(|r| r.rating().is_some() && !r.is_cramming())
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn row(day: i64, ease: u8, kind: u8, ivl: i32, factor: i32) -> Revlog {
        Revlog {
            id: 1_740_000_000_000 + day * DAY,
            cid: 7,
            ease,
            ivl,
            factor,
            time: 4_000,
            kind,
        }
    }

    fn days(rows: &[Revlog]) -> Vec<i64> {
        rows.iter()
            .map(|r| (r.id - 1_740_000_000_000) / DAY)
            .collect()
    }

    #[test]
    fn cramming_and_ungraded_rows_do_not_schedule() {
        let rows = vec![
            row(0, 3, 0, -600, 2500),
            row(0, 3, 0, 1, 2500),
            row(1, 3, 1, 3, 2500),
            row(2, 3, 3, -60, 0),  // cramming
            row(3, 0, 4, 9, 2500), // due date set by hand
            row(4, 1, 1, 1, 2300),
            row(5, 0, 5, 8, 2300), // rescheduled
        ];
        assert_eq!(days(&scheduling_rows(&rows)), [0, 0, 1, 4]);
        let index = RevlogIndex::new(rows, 1_740_974_400);
        let h = card_history(&index, &[7]);
        // Every graded row is an answer; the cramming one is practice.
        assert_eq!(h.answers.len(), 5);
        assert_eq!(h.answers.iter().filter(|a| a.rating.is_none()).count(), 1);
        assert_eq!(h.answers[0].duration, Duration::from_secs(4));
        assert_eq!(h.reviews.len(), 1);
        assert_eq!(h.reviews[0].len(), 4);
        assert_eq!(h.reviews[0][3].1, Rating::Again);
    }

    #[test]
    fn a_reset_starts_the_schedule_again() {
        let rows = vec![
            row(0, 3, 0, 1, 2500),
            row(3, 3, 1, 5, 2500),
            row(8, 0, 4, 0, 0), // reset to new
            row(9, 1, 0, -60, 2500),
            row(9, 3, 0, 1, 2500),
        ];
        assert_eq!(days(&scheduling_rows(&rows)), [9, 9]);
        // Reset and not studied since: new.
        assert!(scheduling_rows(&rows[..3]).is_empty());
    }

    #[test]
    fn a_log_without_learning_steps_starts_at_the_first_interday_review() {
        let rows = vec![
            row(0, 3, 1, -600, 2500), // a same-day step of an older scheduler
            row(1, 3, 1, 4, 2500),
            row(5, 4, 1, 12, 2600),
        ];
        assert_eq!(days(&scheduling_rows(&rows)), [1, 5]);
    }

    #[test]
    fn both_cards_of_a_reversed_note_keep_their_reviews() {
        let mut a = row(0, 3, 0, 1, 2500);
        let mut b = row(1, 1, 0, -60, 2500);
        b.cid = 8;
        a.cid = 7;
        let index = RevlogIndex::new(vec![b, a], 1_740_974_400);
        assert_eq!(index.day_start(), 4 * 3600);
        let h = card_history(&index, &[8, 7]);
        let ratings = |i: usize| h.reviews[i].iter().map(|r| r.1).collect::<Vec<_>>();
        assert_eq!(
            (ratings(0), ratings(1)),
            (vec![Rating::Again], vec![Rating::Good])
        );
        // The answers of both, by time.
        assert_eq!(h.answers[0].rating, Some(Rating::Good));
    }
}
