//! Spaced-repetition scheduling: when each card is asked again.
//!
//! This module owns the ratings a quiz answer maps to, the per-card schedule
//! ([`CardState`]) and the [`Scheduler`] that turns one review into the next
//! state. It is pure: every function takes the current time as an argument and
//! never reads the clock, so the same inputs always give the same schedule.
//!
//! The memory model (stability and difficulty) is FSRS, computed by the `fsrs`
//! crate with its default parameters. FSRS counts time in whole days, so short
//! "learning steps" are layered on top, as Anki does:
//!
//! | phase before          | rating     | phase after  | due in                       |
//! |-----------------------|------------|--------------|------------------------------|
//! | new                   | Again      | learning     | 1 minute                     |
//! | new                   | Hard       | learning     | 6 minutes                    |
//! | new                   | Good, Easy | review       | FSRS interval (≥ 1 day)      |
//! | learning              | Again      | learning     | 1 minute                     |
//! | relearning            | Again      | relearning   | 10 minutes                   |
//! | learning, relearning  | Hard       | unchanged    | 10 minutes                   |
//! | learning, relearning  | Good, Easy | review       | FSRS interval (≥ 1 day)      |
//! | review                | Again      | relearning   | 10 minutes, lapses + 1       |
//! | review                | Hard, Good, Easy | review | FSRS interval (≥ 1 day)    |
//!
//! FSRS intervals are rounded to whole days and kept between 1 and
//! [`MAX_INTERVAL_DAYS`] days. The time since the last review is given to FSRS
//! in the learner's days ([`Scheduler::counting_days`]), as Anki does: a card
//! answered in the evening and again the next morning has had one day, and
//! two answers on the same day count as the same day, for which FSRS uses its
//! short-term stability formula. Without the learner's days (tests, tools),
//! whole periods of 24 hours are counted instead.
//!
//! A card in review is asked from the start of the day its interval ends on, in
//! the learner's days (their time zone, days starting at `day_starts_at`, 4 am
//! by default), as Anki does: answered right at 9 pm with an interval of one
//! day, it is due from 4 am the next day, with every other card of that day
//! ([`DueAt`]). The schedule itself, FSRS's state and the exact `due`, is the
//! same; only the moment it is asked from moves. Learning and relearning steps
//! stay in minutes.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::day::Days;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use fsrs::{DEFAULT_PARAMETERS, FSRS, ItemState, MemoryState};
use serde::{Deserialize, Serialize};

use crate::quiz::{Grade, Kind, Outcome, Verdict};

/// A right answer that took longer than this is rated [`Rating::Hard`].
pub(crate) const SLOW_ANSWER: Duration = Duration::from_secs(25);

/// The longest interval pmquiz schedules: about a hundred years.
pub(crate) const MAX_INTERVAL_DAYS: i64 = 36_500;

/// Lowest desired retention accepted (inclusive).
const MIN_RETENTION: f32 = 0.7;
/// Highest desired retention accepted (inclusive).
const MAX_RETENTION: f32 = 0.99;

const LEARN_AGAIN_STEP: TimeDelta = TimeDelta::minutes(1);
const LEARN_HARD_STEP: TimeDelta = TimeDelta::minutes(6);
const RELEARN_STEP: TimeDelta = TimeDelta::minutes(10);

/// How well a card was recalled, on FSRS's four-point scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum Rating {
    /// Not recalled: a wrong answer.
    Again = 1,
    /// Recalled with effort: a typo or a slow answer.
    Hard = 2,
    /// Recalled.
    Good = 3,
    /// Recalled at once.
    Easy = 4,
}

impl Rating {
    /// All ratings, from worst to best.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// Lowercase name, as shown to the user and written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    /// The rating's number (1 = Again … 4 = Easy).
    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

impl TryFrom<u8> for Rating {
    type Error = ScheduleError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            1 => Ok(Rating::Again),
            2 => Ok(Rating::Hard),
            3 => Ok(Rating::Good),
            4 => Ok(Rating::Easy),
            _ => Err(ScheduleError::InvalidRating(value)),
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a card is in its learning life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Never answered.
    New,
    /// Answered, but not yet remembered for a day: asked again within minutes.
    Learning,
    /// Remembered: asked again after an FSRS interval of days.
    Review,
    /// Forgotten after having been in review: asked again within minutes.
    Relearning,
}

impl Phase {
    /// Lowercase name, as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::New => "new",
            Phase::Learning => "learning",
            Phase::Review => "review",
            Phase::Relearning => "relearning",
        }
    }
}

impl FromStr for Phase {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(Phase::New),
            "learning" => Ok(Phase::Learning),
            "review" => Ok(Phase::Review),
            "relearning" => Ok(Phase::Relearning),
            other => Err(ScheduleError::InvalidPhase(other.to_string())),
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The schedule of one card after at least one review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    pub phase: Phase,
    /// FSRS stability: days until recall probability falls to 90 %.
    pub stability: f32,
    /// FSRS difficulty, from 1 (easy) to 10 (hard).
    pub difficulty: f32,
    /// When the card should be asked again.
    pub due: DateTime<Utc>,
    /// When the card was last answered.
    pub last_review: DateTime<Utc>,
    /// How many times the card was answered.
    pub reps: u32,
    /// How many times the card was forgotten after reaching review.
    pub lapses: u32,
}

impl CardState {
    /// When the card is asked from: a card in review from the start of the learner's day it
    /// falls due on, as Anki counts review cards; a card in learning or relearning at its
    /// minute. The stored `due` keeps FSRS's interval to the minute; only this moment moves.
    pub fn due_from<Tz: TimeZone>(&self, days: &Days<Tz>) -> DateTime<Utc> {
        match self.phase {
            Phase::Review => days.start_of(days.day_of(self.due)),
            _ => self.due,
        }
    }
}

/// Which cards are due at a moment: a card in review when its due day has begun in the
/// learner's days ([`CardState::due_from`]), a card in learning or relearning when its step
/// has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueAt {
    /// The moment.
    pub now: DateTime<Utc>,
    /// The start of the learner's next day: a card in review due before it is due.
    pub day_end: DateTime<Utc>,
}

impl DueAt {
    /// Due at `now`, in the learner's `days`.
    pub fn new<Tz: TimeZone>(now: DateTime<Utc>, days: &Days<Tz>) -> Self {
        DueAt {
            now,
            day_end: days.next_day_start(now),
        }
    }

    /// Whether a card with this schedule is due.
    pub fn is_due(&self, state: &CardState) -> bool {
        self.is_due_card(CardDue::from(state))
    }

    /// Whether a card of this phase and due time is due.
    pub fn is_due_card(&self, card: CardDue) -> bool {
        match card.phase {
            Phase::New => false,
            Phase::Review => card.due < self.day_end,
            Phase::Learning | Phase::Relearning => card.due <= self.now,
        }
    }
}

/// The part of a card's schedule that decides when it is asked: its phase and due time. All
/// that deck statistics count ([`crate::stats::deck_stats`]), and cheaper to read from the
/// store than a whole [`CardState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardDue {
    pub phase: Phase,
    pub due: DateTime<Utc>,
}

impl From<&CardState> for CardDue {
    fn from(state: &CardState) -> Self {
        CardDue {
            phase: state.phase,
            due: state.due,
        }
    }
}

/// The desired retention: the probability of recalling a card when it is due, from 0.7 to
/// 0.99 (both included). Every retention pmquiz uses (the `--retention` flag, `retention` in
/// config.toml) is checked here, once.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f32")]
pub struct Retention(f32);

impl Retention {
    /// The retention used when the user sets none.
    pub const DEFAULT: Retention = Retention(0.9);

    pub fn new(value: f32) -> Result<Retention, ScheduleError> {
        if (MIN_RETENTION..=MAX_RETENTION).contains(&value) {
            Ok(Retention(value))
        } else {
            Err(ScheduleError::InvalidRetention(value))
        }
    }

    pub fn get(self) -> f32 {
        self.0
    }
}

impl TryFrom<f32> for Retention {
    type Error = ScheduleError;

    fn try_from(value: f32) -> Result<Self, Self::Error> {
        Retention::new(value)
    }
}

impl FromStr for Retention {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value: f32 = s.trim().parse().map_err(|e| format!("{e}"))?;
        Retention::new(value).map_err(|e| e.to_string())
    }
}

impl Default for Retention {
    fn default() -> Self {
        Retention::DEFAULT
    }
}

/// The lowest and highest value FSRS-6 accepts for each of its 21 parameters (the ranges the
/// `fsrs` crate keeps them in while fitting; outside them the model misbehaves).
const PARAMETER_RANGES: [(f32, f32); 21] = [
    (0.001, 100.0),
    (0.001, 100.0),
    (0.001, 100.0),
    (0.001, 100.0),
    (1.0, 10.0),
    (0.001, 4.0),
    (0.001, 4.0),
    (0.001, 0.75),
    (0.0, 4.5),
    (0.0, 0.8),
    (0.001, 3.5),
    (0.001, 5.0),
    (0.001, 0.25),
    (0.001, 0.9),
    (0.0, 4.0),
    (0.0, 1.0),
    (1.0, 6.0),
    (0.0, 2.0),
    (0.0, 2.0),
    (0.0, 0.8),
    (0.1, 0.8),
];

/// The parameters of the FSRS-6 memory model: 21 numbers. pmquiz uses FSRS's defaults, or the
/// ones `pmquiz optimize` fitted to the learner's history (`parameters` in config.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Vec<f32>")]
pub struct Parameters([f32; 21]);

impl Parameters {
    /// FSRS-6's default parameters, fitted to many learners' reviews.
    pub fn fsrs_default() -> Parameters {
        Parameters(DEFAULT_PARAMETERS)
    }

    /// Checks a list of parameters: 21 finite numbers, each in its range.
    pub fn new(values: &[f32]) -> Result<Parameters, ScheduleError> {
        let values: [f32; 21] = values.try_into().map_err(|_| {
            ScheduleError::InvalidParameters(format!(
                "expected 21 numbers (FSRS-6), found {}",
                values.len()
            ))
        })?;
        for (i, (&w, &(low, high))) in values.iter().zip(&PARAMETER_RANGES).enumerate() {
            if !(low..=high).contains(&w) {
                return Err(ScheduleError::InvalidParameters(format!(
                    "parameter {} is {w}, outside its range {low} to {high}",
                    i + 1
                )));
            }
        }
        Ok(Parameters(values))
    }

    pub fn values(&self) -> &[f32; 21] {
        &self.0
    }

    /// Whether these are FSRS's defaults.
    pub fn is_default(&self) -> bool {
        self.0 == DEFAULT_PARAMETERS
    }

    /// The probability of recalling a card with memory `stability` (days) after `days`
    /// (FSRS-6's forgetting curve with these parameters' decay).
    pub fn recall_probability(&self, stability: f32, days: f32) -> f32 {
        fsrs::current_retrievability(
            MemoryState {
                stability: stability.max(0.001),
                difficulty: 5.0,
            },
            days.max(0.0),
            self.0[20],
        )
    }
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters::fsrs_default()
    }
}

impl TryFrom<Vec<f32>> for Parameters {
    type Error = ScheduleError;

    fn try_from(values: Vec<f32>) -> Result<Self, Self::Error> {
        Parameters::new(&values)
    }
}

/// Errors from building a scheduler or parsing scheduling values.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "desired retention must be from {MIN_RETENTION} to {MAX_RETENTION} \
         (for example 0.9), got {0}"
    )]
    InvalidRetention(f32),
    #[error("unknown rating {0}: expected 1 (again), 2 (hard), 3 (good) or 4 (easy)")]
    InvalidRating(u8),
    #[error("unknown card phase {0:?}: expected new, learning, review or relearning")]
    InvalidPhase(String),
    #[error("invalid FSRS parameters: {0}")]
    InvalidParameters(String),
}

/// Computes the next [`CardState`] of a card from a review.
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    desired_retention: f32,
    /// The learner's day of a moment, when days elapsed are counted in them.
    day_of: Option<DayOf>,
}

/// The learner's day of a moment ([`Days::day_of`]), kept without its time-zone type.
#[derive(Clone)]
struct DayOf(std::sync::Arc<dyn Fn(DateTime<Utc>) -> chrono::NaiveDate + Send + Sync>);

impl fmt::Debug for DayOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DayOf")
    }
}

impl Scheduler {
    /// A scheduler with FSRS's default parameters that aims for
    /// `desired_retention`.
    pub fn new(desired_retention: Retention) -> Self {
        Scheduler::with_parameters(&Parameters::fsrs_default(), desired_retention)
    }

    /// A scheduler with the given FSRS parameters that aims for `desired_retention`.
    pub fn with_parameters(parameters: &Parameters, desired_retention: Retention) -> Self {
        let fsrs = FSRS::new(parameters.values()).expect("FSRS takes checked parameters");
        Scheduler {
            fsrs,
            desired_retention: desired_retention.get(),
            day_of: None,
        }
    }

    /// Counts the days elapsed between reviews in the learner's `days`: the number of day
    /// starts between them. A card is due from the start of its due day ([`DueAt`]), so it is
    /// often answered less than 24 hours after a review a day earlier; counted in whole 24-hour
    /// periods, FSRS would take that for a same-day review and hardly grow its memory.
    pub fn counting_days<Tz>(mut self, days: Days<Tz>) -> Self
    where
        Tz: TimeZone + Send + Sync + 'static,
        Tz::Offset: Send + Sync,
    {
        self.day_of = Some(DayOf(std::sync::Arc::new(move |t| days.day_of(t))));
        self
    }

    /// The state of a card after it was rated `rating` at `now`.
    ///
    /// `previous` is the card's state before this review, `None` for a card
    /// never answered. See the module documentation for the phases and steps.
    /// The result is always due strictly after `now`.
    pub fn review(
        &self,
        previous: Option<&CardState>,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> CardState {
        match &self.day_of {
            Some(DayOf(day_of)) => self.review_counting(previous, rating, now, |from, to| {
                u32::try_from((day_of(to) - day_of(from)).num_days()).unwrap_or(0)
            }),
            None => self.review_counting(previous, rating, now, whole_days_between),
        }
    }

    /// [`Scheduler::review`], with the days elapsed since the last review counted by `days`.
    fn review_counting(
        &self,
        previous: Option<&CardState>,
        rating: Rating,
        now: DateTime<Utc>,
        days: impl Fn(DateTime<Utc>, DateTime<Utc>) -> u32,
    ) -> CardState {
        let previous = previous.filter(|p| p.phase != Phase::New);
        let (memory, days_elapsed) = match previous {
            Some(p) => (sane_memory(p), days(p.last_review, now)),
            None => (None, 0),
        };
        let item = self.next_item(memory, days_elapsed, rating);
        let memory = item.memory;
        let interval = review_interval(item.interval);

        let prev_phase = previous.map_or(Phase::New, |p| p.phase);
        let (phase, step, lapse) = match (prev_phase, rating) {
            (Phase::New, Rating::Again) => (Phase::Learning, Some(LEARN_AGAIN_STEP), false),
            (Phase::New, Rating::Hard) => (Phase::Learning, Some(LEARN_HARD_STEP), false),
            (Phase::Learning, Rating::Again) => (Phase::Learning, Some(LEARN_AGAIN_STEP), false),
            (Phase::Relearning, Rating::Again) => (Phase::Relearning, Some(RELEARN_STEP), false),
            (p @ (Phase::Learning | Phase::Relearning), Rating::Hard) => {
                (p, Some(RELEARN_STEP), false)
            }
            (Phase::Review, Rating::Again) => (Phase::Relearning, Some(RELEARN_STEP), true),
            (_, _) => (Phase::Review, None, false),
        };
        let due = now + step.unwrap_or(interval);

        CardState {
            phase,
            stability: memory.stability,
            difficulty: memory.difficulty,
            due,
            last_review: now,
            reps: previous.map_or(0, |p| p.reps).saturating_add(1),
            lapses: previous
                .map_or(0, |p| p.lapses)
                .saturating_add(u32::from(lapse)),
        }
    }

    /// The schedule a card has after the given reviews, oldest first: each review is scheduled
    /// from the state the one before left, as answering them one by one would. `None` when
    /// there is no review. Used to bring in history recorded elsewhere (Anki's review log).
    ///
    /// `day_start` counts the days between reviews the way the history's own tool did: with
    /// `Some(offset)`, by calendar days that start `offset` seconds after midnight UTC (Anki
    /// starts its days at a fixed hour, 4 am local time by default); with `None`, by whole
    /// periods of 24 hours, as [`Scheduler::review`] does.
    pub(crate) fn replay(
        &self,
        reviews: impl IntoIterator<Item = (DateTime<Utc>, Rating)>,
        day_start: Option<i64>,
    ) -> Option<CardState> {
        let calendar = |offset: i64| {
            move |from: DateTime<Utc>, to: DateTime<Utc>| {
                let day = |t: DateTime<Utc>| (t.timestamp() - offset).div_euclid(86_400);
                u32::try_from(day(to) - day(from)).unwrap_or(0)
            }
        };
        let mut state: Option<CardState> = None;
        for (at, rating) in reviews {
            state = Some(match day_start {
                Some(offset) => self.review_counting(state.as_ref(), rating, at, calendar(offset)),
                None => self.review(state.as_ref(), rating, at),
            });
        }
        state
    }

    /// FSRS's next memory state and interval for this rating.
    fn next_item(
        &self,
        memory: Option<MemoryState>,
        days_elapsed: u32,
        rating: Rating,
    ) -> ItemState {
        let states = self
            .fsrs
            .next_states(memory, self.desired_retention, days_elapsed)
            // FSRS only fails on a non-finite memory state; `sane_memory`
            // filters those out, and a fresh card always succeeds.
            .or_else(|_| self.fsrs.next_states(None, self.desired_retention, 0))
            .expect("FSRS schedules a new card with checked parameters");
        let mut item = match rating {
            Rating::Again => states.again,
            Rating::Hard => states.hard,
            Rating::Good => states.good,
            Rating::Easy => states.easy,
        };
        // FSRS clamps stability; difficulty is clamped to 1..=10 except on
        // its first-review path, so keep both in range here too.
        item.memory.stability = finite_or(item.memory.stability, 0.001).clamp(0.001, 36_500.0);
        item.memory.difficulty = finite_or(item.memory.difficulty, 5.0).clamp(1.0, 10.0);
        item
    }
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new(Retention::DEFAULT)
    }
}

/// How a judged quiz answer becomes a rating. A flashcard's rating is always the learner's own
/// grade; this is for the answers pmquiz judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatingMap {
    /// A wrong answer is [`Rating::Again`]; a right answer with a typo, or one that took longer
    /// than [`SLOW_ANSWER`], is [`Rating::Hard`]; any other right answer is [`Rating::Good`].
    /// pmquiz never infers [`Rating::Easy`] from a quiz answer.
    #[default]
    Standard,
    /// As [`RatingMap::Standard`], except that a right answer recognised among given options
    /// (multiple choice, true/false), which a guess can also give, is [`Rating::Hard`] for a
    /// card in review. A card in learning is rated as usual: Hard keeps a learning card in its
    /// learning steps, so a card asked only by recognition would never leave them. Not the
    /// default: see docs/scheduling.md.
    RecognitionHard,
}

impl RatingMap {
    /// The rating of a judged answer; `recognition` when it was picked among given options.
    pub fn rating(self, recognition: bool, correct: bool, with_typo: bool, slow: bool) -> Rating {
        match (correct, with_typo || slow) {
            (false, _) => Rating::Again,
            (true, true) => Rating::Hard,
            (true, false) if recognition && self == RatingMap::RecognitionHard => Rating::Hard,
            (true, false) => Rating::Good,
        }
    }
}

/// The scheduler rating of an answer of kind `kind` that took `elapsed`, to a card that was in
/// `phase`: the learner's own grade on a flashcard; otherwise as `map` says.
pub(crate) fn rating_of(
    map: RatingMap,
    kind: Kind,
    phase: Phase,
    outcome: &Outcome,
    elapsed: Duration,
) -> Rating {
    match outcome.grade {
        Some(Grade::Again) => Rating::Again,
        Some(Grade::Hard) => Rating::Hard,
        Some(Grade::Good) => Rating::Good,
        Some(Grade::Easy) => Rating::Easy,
        None => map.rating(
            matches!(kind, Kind::Mcq | Kind::Tf) && phase == Phase::Review,
            outcome.verdict.is_right(),
            outcome.verdict == Verdict::RightWithTypo,
            is_slow(elapsed),
        ),
    }
}

/// Whether an answer that took `took` counts as slow.
pub(crate) fn is_slow(took: Duration) -> bool {
    took > SLOW_ANSWER
}

fn finite_or(value: f32, fallback: f32) -> f32 {
    if value.is_finite() { value } else { fallback }
}

/// The stored memory state if it is usable by FSRS; a damaged state (NaN,
/// infinite, not positive) restarts the card's memory as if it were new.
fn sane_memory(state: &CardState) -> Option<MemoryState> {
    let ok = |v: f32| v.is_finite() && v > 0.0;
    (ok(state.stability) && ok(state.difficulty)).then_some(MemoryState {
        stability: state.stability,
        difficulty: state.difficulty,
    })
}

/// Whole days from `from` to `to`, rounded down; 0 if `to` is not later.
fn whole_days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
    let days = (to - from).num_days().max(0);
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// An FSRS interval in days as a whole number of days between 1 and
/// [`MAX_INTERVAL_DAYS`].
fn review_interval(interval_days: f32) -> TimeDelta {
    let days = if interval_days.is_finite() {
        (interval_days.round() as i64).clamp(1, MAX_INTERVAL_DAYS)
    } else {
        1
    };
    TimeDelta::days(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
    }

    fn sched() -> Scheduler {
        Scheduler::new(Retention::new(0.9).unwrap())
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A card in review due at `due`.
    fn reviewed(due: &str) -> CardState {
        CardState {
            phase: Phase::Review,
            stability: 3.0,
            difficulty: 5.0,
            due: utc(due),
            last_review: utc(due) - TimeDelta::days(3),
            reps: 2,
            lapses: 0,
        }
    }

    #[test]
    fn a_review_card_is_due_from_the_start_of_its_day_in_each_time_zone() {
        use chrono::FixedOffset;
        use chrono_tz::{America::New_York, Asia::Kolkata};
        // Due at 15:00 UTC on 10 March 2026.
        let card = reviewed("2026-03-10T15:00:00Z");
        let due_at = |days: &dyn Fn(DateTime<Utc>) -> DueAt, at: &str| days(utc(at)).is_due(&card);

        // UTC, days from 4 am: due from 04:00 that day.
        let utc4 = Days::new(FixedOffset::east_opt(0).unwrap(), 4);
        assert_eq!(card.due_from(&utc4), utc("2026-03-10T04:00:00Z"));
        let at = |t: DateTime<Utc>| DueAt::new(t, &utc4);
        assert!(!due_at(&at, "2026-03-10T03:59:59Z"));
        assert!(due_at(&at, "2026-03-10T04:00:00Z"));

        // New York (EDT since 8 March, UTC-4): 11 am local, due from 4 am local (08:00 UTC).
        let ny = Days::new(New_York, 4);
        assert_eq!(card.due_from(&ny), utc("2026-03-10T08:00:00Z"));
        let at = |t: DateTime<Utc>| DueAt::new(t, &ny);
        assert!(!due_at(&at, "2026-03-10T07:59:00Z"));
        assert!(due_at(&at, "2026-03-10T08:00:00Z"));

        // Kolkata (UTC+5:30, no daylight saving): 8:30 pm local, due from 4 am local, which is
        // 22:30 UTC the day before.
        let kolkata = Days::new(Kolkata, 4);
        assert_eq!(card.due_from(&kolkata), utc("2026-03-09T22:30:00Z"));
        // With days from midnight, from 18:30 UTC the day before.
        assert_eq!(
            card.due_from(&Days::new(Kolkata, 0)),
            utc("2026-03-09T18:30:00Z")
        );
        // Due at 2 am local (before 4 am): it belongs to the day before, and is due from
        // that day's start.
        let night = reviewed("2026-03-10T20:30:00Z");
        assert_eq!(night.due_from(&kolkata), utc("2026-03-09T22:30:00Z"));
        assert_eq!(
            night.due_from(&Days::new(Kolkata, 0)),
            utc("2026-03-10T18:30:00Z")
        );
    }

    #[test]
    fn the_day_boundary_follows_daylight_saving_changes() {
        use chrono_tz::Europe::Berlin;
        let berlin = Days::new(Berlin, 4);
        // Berlin springs forward on 29 March 2026: 4 am is 03:00 UTC that day, 02:00 UTC the
        // day after.
        assert_eq!(
            reviewed("2026-03-28T12:00:00Z").due_from(&berlin),
            utc("2026-03-28T03:00:00Z")
        );
        assert_eq!(
            reviewed("2026-03-30T12:00:00Z").due_from(&berlin),
            utc("2026-03-30T02:00:00Z")
        );
        // A card due at 03:30 local on the 29th (01:30 UTC) is still the 28th's.
        assert_eq!(
            reviewed("2026-03-29T01:30:00Z").due_from(&berlin),
            utc("2026-03-28T03:00:00Z")
        );
        // Autumn: 25 October, back to UTC+1.
        assert_eq!(
            reviewed("2026-10-26T12:00:00Z").due_from(&berlin),
            utc("2026-10-26T03:00:00Z")
        );
    }

    #[test]
    fn only_the_moment_a_review_is_asked_moves_not_its_schedule() {
        use chrono_tz::Europe::Berlin;
        let days = Days::new(Berlin, 4);
        // Two cards answered right yesterday, one at 8 am and one at 9 pm (Berlin, UTC+2).
        let morning = sched().review(None, Rating::Good, utc("2026-06-01T06:00:00Z"));
        let evening = sched().review(None, Rating::Good, utc("2026-06-01T19:00:00Z"));
        // FSRS gives both the same memory and interval; the exact due times stay 13 hours apart.
        assert_eq!(
            (morning.stability, morning.difficulty),
            (evening.stability, evening.difficulty)
        );
        assert_eq!(evening.due - morning.due, TimeDelta::hours(13));
        // Both are asked from 4 am of the same day.
        assert_eq!(morning.due_from(&days), evening.due_from(&days));
        assert_eq!(
            days.day_of(morning.due_from(&days)),
            days.day_of(morning.due)
        );
        let start = morning.due_from(&days);
        assert!(start <= morning.due);
        assert!(DueAt::new(start, &days).is_due(&evening));
        assert!(!DueAt::new(start - TimeDelta::seconds(1), &days).is_due(&morning));
        // The next review sees the same schedule whatever the day boundary: it depends on the
        // stored state and the time of answering only.
        let next = sched().review(Some(&morning), Rating::Good, start);
        assert_eq!(next, sched().review(Some(&morning), Rating::Good, start));
        assert_eq!(next.last_review, start);
    }

    #[test]
    fn learning_steps_stay_in_minutes() {
        let days = Days::new(chrono::FixedOffset::east_opt(0).unwrap(), 4);
        let now = utc("2026-06-01T21:00:00Z");
        let missed = sched().review(None, Rating::Again, now);
        assert_eq!(missed.phase, Phase::Learning);
        assert_eq!(missed.due_from(&days), missed.due);
        assert!(!DueAt::new(now, &days).is_due(&missed));
        assert!(DueAt::new(now + TimeDelta::minutes(1), &days).is_due(&missed));
        let relearning = CardState {
            phase: Phase::Relearning,
            ..missed.clone()
        };
        assert_eq!(relearning.due_from(&days), relearning.due);
    }

    #[test]
    fn retention_bounds_are_enforced() {
        for bad in [0.0, 0.5, 0.69, 0.995, 1.0, 1.5, f32::NAN, f32::INFINITY] {
            let err = Retention::new(bad).unwrap_err();
            assert!(err.to_string().contains("desired retention"), "{err}");
            assert!(format!("{bad}").parse::<Retention>().is_err(), "{bad}");
        }
        for good in [0.7, 0.71, 0.8, 0.9, 0.99] {
            assert_eq!(Retention::new(good).map(Retention::get), Ok(good));
            assert_eq!(
                format!("{good}").parse::<Retention>().ok(),
                Retention::new(good).ok()
            );
        }
    }

    #[test]
    fn days_elapsed_are_counted_in_the_learner_s_days() {
        use crate::day::Days;
        let days = Days::new(Utc, 4);
        let plain = sched();
        let counting = sched().counting_days(days);
        let evening = Utc.with_ymd_and_hms(2025, 3, 1, 20, 0, 0).unwrap();
        let first = plain.review(None, Rating::Good, evening);
        // Due from 4 am the next day; answered at 8 am, 12 hours later: one day has passed.
        let morning = evening + TimeDelta::hours(12);
        let a_day_later = evening + TimeDelta::hours(24);
        let counted = counting.review(Some(&first), Rating::Good, morning);
        let full_day = plain.review(Some(&first), Rating::Good, a_day_later);
        assert_eq!(
            (counted.stability, counted.difficulty),
            (full_day.stability, full_day.difficulty)
        );
        // Counted in 24-hour periods it would be a same-day review, which hardly grows memory.
        let same_day = plain.review(Some(&first), Rating::Good, morning);
        assert!(
            same_day.stability < counted.stability,
            "{same_day:?} {counted:?}"
        );
        // Two answers on the same learner's day (before and after midnight, before 4 am).
        let late = Utc.with_ymd_and_hms(2025, 3, 1, 23, 0, 0).unwrap();
        let later = late + TimeDelta::hours(3);
        let a = counting.review(Some(&first), Rating::Good, late);
        let b = counting.review(Some(&first), Rating::Good, later);
        assert_eq!((a.stability, a.difficulty), (b.stability, b.difficulty));
    }

    #[test]
    fn parameters_are_21_numbers_in_range() {
        assert!(Parameters::fsrs_default().is_default());
        assert_eq!(
            Parameters::new(&DEFAULT_PARAMETERS),
            Ok(Parameters::fsrs_default())
        );
        let err = Parameters::new(&DEFAULT_PARAMETERS[..19]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid FSRS parameters: expected 21 numbers (FSRS-6), found 19"
        );
        let mut bad = DEFAULT_PARAMETERS;
        bad[4] = 12.0;
        let err = Parameters::new(&bad).unwrap_err();
        assert!(
            err.to_string()
                .contains("parameter 5 is 12, outside its range 1 to 10"),
            "{err}"
        );
        bad[4] = f32::NAN;
        assert!(Parameters::new(&bad).is_err());
        // Fitted parameters give different schedules from the defaults.
        let mut fitted = DEFAULT_PARAMETERS;
        fitted[2] = 6.0; // the first stability after Good: 6 days instead of 2.3
        let fitted = Parameters::new(&fitted).unwrap();
        let first = Scheduler::with_parameters(&fitted, Retention::DEFAULT).review(
            None,
            Rating::Good,
            t0(),
        );
        assert_eq!(first.due, t0() + TimeDelta::days(6));
        assert!((fitted.recall_probability(6.0, 6.0) - 0.9).abs() < 1e-4);
    }

    #[test]
    fn answers_map_to_ratings_as_documented() {
        let outcome = |verdict, grade| Outcome {
            verdict,
            given: String::new(),
            grade,
            note: None,
        };
        let secs = Duration::from_secs;
        let standard = |kind, verdict, grade, elapsed| {
            rating_of(
                RatingMap::Standard,
                kind,
                Phase::Review,
                &outcome(verdict, grade),
                elapsed,
            )
        };
        assert_eq!(
            standard(Kind::Typed, Verdict::Wrong, None, secs(1)),
            Rating::Again
        );
        assert_eq!(
            standard(Kind::Typed, Verdict::Right, None, secs(1)),
            Rating::Good
        );
        assert_eq!(
            standard(Kind::Mcq, Verdict::Right, None, secs(1)),
            Rating::Good
        );
        assert_eq!(
            standard(Kind::Typed, Verdict::RightWithTypo, None, secs(1)),
            Rating::Hard
        );
        assert_eq!(
            standard(Kind::Typed, Verdict::Right, None, secs(120)),
            Rating::Hard
        );
        assert_eq!(
            standard(Kind::Flash, Verdict::Right, Some(Grade::Easy), secs(120)),
            Rating::Easy
        );
        assert_eq!(
            standard(Kind::Flash, Verdict::Wrong, Some(Grade::Again), secs(1)),
            Rating::Again
        );
        // Recognition rated Hard: right multiple choice and true/false only.
        let hard = |kind, phase, verdict| {
            rating_of(
                RatingMap::RecognitionHard,
                kind,
                phase,
                &outcome(verdict, None),
                secs(1),
            )
        };
        assert_eq!(hard(Kind::Mcq, Phase::Review, Verdict::Right), Rating::Hard);
        assert_eq!(hard(Kind::Tf, Phase::Review, Verdict::Right), Rating::Hard);
        assert_eq!(hard(Kind::Tf, Phase::Review, Verdict::Wrong), Rating::Again);
        assert_eq!(
            hard(Kind::Typed, Phase::Review, Verdict::Right),
            Rating::Good
        );
        assert_eq!(
            hard(Kind::Blank, Phase::Review, Verdict::Right),
            Rating::Good
        );
        // In learning, Hard would keep the card in its steps: recognition counts as usual.
        assert_eq!(
            hard(Kind::Mcq, Phase::Learning, Verdict::Right),
            Rating::Good
        );
        assert_eq!(hard(Kind::Tf, Phase::New, Verdict::Right), Rating::Good);
    }

    #[test]
    fn rating_mapping_matches_documentation() {
        assert_eq!(
            RatingMap::Standard.rating(false, false, false, false),
            Rating::Again
        );
        assert_eq!(
            RatingMap::Standard.rating(false, false, true, true),
            Rating::Again
        );
        assert_eq!(
            RatingMap::Standard.rating(false, true, true, false),
            Rating::Hard
        );
        assert_eq!(
            RatingMap::Standard.rating(false, true, false, true),
            Rating::Hard
        );
        assert_eq!(
            RatingMap::Standard.rating(false, true, true, true),
            Rating::Hard
        );
        assert_eq!(
            RatingMap::Standard.rating(false, true, false, false),
            Rating::Good
        );
        assert!(is_slow(SLOW_ANSWER + Duration::from_millis(1)));
        assert!(!is_slow(SLOW_ANSWER));
    }

    #[test]
    fn rating_and_phase_round_trip() {
        for r in Rating::ALL {
            assert_eq!(Rating::try_from(r.as_u8()), Ok(r));
            assert_eq!(Rating::try_from(r as u8), Ok(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert!(Rating::try_from(0).is_err());
        assert!(Rating::try_from(5).is_err());
        for p in [
            Phase::New,
            Phase::Learning,
            Phase::Review,
            Phase::Relearning,
        ] {
            assert_eq!(p.as_str().parse::<Phase>(), Ok(p));
        }
        assert!("reviewing".parse::<Phase>().is_err());
    }

    #[test]
    fn new_card_learning_steps() {
        let s = sched();
        let now = t0();
        let again = s.review(None, Rating::Again, now);
        assert_eq!(again.phase, Phase::Learning);
        assert_eq!(again.due, now + TimeDelta::minutes(1));
        let hard = s.review(None, Rating::Hard, now);
        assert_eq!(hard.phase, Phase::Learning);
        assert_eq!(hard.due, now + TimeDelta::minutes(6));
        for r in [Rating::Good, Rating::Easy] {
            let st = s.review(None, r, now);
            assert_eq!(st.phase, Phase::Review);
            assert!(st.due >= now + TimeDelta::days(1));
            assert_eq!(st.reps, 1);
            assert_eq!(st.lapses, 0);
            assert_eq!(st.last_review, now);
        }
        let easy = s.review(None, Rating::Easy, now);
        let good = s.review(None, Rating::Good, now);
        assert!(easy.due > good.due);
    }

    #[test]
    fn missed_card_is_due_before_one_answered_right() {
        let s = sched();
        let now = t0();
        let missed = s.review(None, Rating::Again, now);
        let right = s.review(None, Rating::Good, now);
        assert!(missed.due < right.due);

        // Same from review: a lapse is due within minutes, a pass in days.
        let later = right.due;
        let lapsed = s.review(Some(&right), Rating::Again, later);
        let passed = s.review(Some(&right), Rating::Good, later);
        assert!(lapsed.due < passed.due);
        assert_eq!(lapsed.phase, Phase::Relearning);
        assert_eq!(lapsed.due, later + TimeDelta::minutes(10));
        assert_eq!(lapsed.lapses, 1);
        assert_eq!(passed.lapses, 0);
        assert!(lapsed.stability < passed.stability);
    }

    #[test]
    fn relearning_and_learning_steps() {
        let s = sched();
        let now = t0();
        let learning = s.review(None, Rating::Again, now);
        let t1 = learning.due;
        let hard = s.review(Some(&learning), Rating::Hard, t1);
        assert_eq!(hard.phase, Phase::Learning);
        assert_eq!(hard.due, t1 + TimeDelta::minutes(10));
        let again = s.review(Some(&learning), Rating::Again, t1);
        assert_eq!(again.phase, Phase::Learning);
        assert_eq!(again.due, t1 + TimeDelta::minutes(1));
        assert_eq!(again.lapses, 0);
        let graduated = s.review(Some(&hard), Rating::Good, hard.due);
        assert_eq!(graduated.phase, Phase::Review);
        assert!(graduated.due >= hard.due + TimeDelta::days(1));
        assert_eq!(graduated.reps, 3);

        let lapsed = s.review(Some(&graduated), Rating::Again, graduated.due);
        let still = s.review(Some(&lapsed), Rating::Hard, lapsed.due);
        assert_eq!(still.phase, Phase::Relearning);
        assert_eq!(still.due, lapsed.due + TimeDelta::minutes(10));
        let again = s.review(Some(&lapsed), Rating::Again, lapsed.due);
        assert_eq!(again.phase, Phase::Relearning);
        assert_eq!(again.lapses, 1, "only a lapse from review counts");
        let back = s.review(Some(&still), Rating::Easy, still.due);
        assert_eq!(back.phase, Phase::Review);
        assert!(back.due >= still.due + TimeDelta::days(1));
    }

    #[test]
    fn repeated_good_answers_grow_the_interval() {
        let s = sched();
        let mut now = t0();
        let mut state = s.review(None, Rating::Good, now);
        let mut last_interval = state.due - now;
        for _ in 0..8 {
            now = state.due;
            state = s.review(Some(&state), Rating::Good, now);
            let interval = state.due - now;
            assert!(
                interval > last_interval,
                "{interval} should exceed {last_interval}"
            );
            last_interval = interval;
        }
        assert!(last_interval <= TimeDelta::days(MAX_INTERVAL_DAYS));
    }

    #[test]
    fn higher_retention_gives_shorter_intervals() {
        let now = t0();
        let lax = Scheduler::new(Retention::new(0.8).unwrap()).review(None, Rating::Easy, now);
        let strict = Scheduler::new(Retention::new(0.97).unwrap()).review(None, Rating::Easy, now);
        assert!(strict.due < lax.due);
    }

    #[test]
    fn damaged_state_and_backwards_clock_are_handled() {
        let s = sched();
        let now = t0();
        let damaged = CardState {
            phase: Phase::Review,
            stability: f32::NAN,
            difficulty: -3.0,
            due: now,
            last_review: now + TimeDelta::days(3), // in the future
            reps: 4,
            lapses: 0,
        };
        let next = s.review(Some(&damaged), Rating::Good, now);
        assert!(next.stability.is_finite() && next.stability > 0.0);
        assert!(next.difficulty.is_finite() && next.difficulty > 0.0);
        assert!(next.due > now);
        assert_eq!(next.reps, 5);
    }

    #[test]
    fn interval_is_capped() {
        let s = sched();
        let now = t0();
        let huge = CardState {
            phase: Phase::Review,
            stability: 36_500.0,
            difficulty: 1.0,
            due: now,
            last_review: now - TimeDelta::days(36_500),
            reps: 30,
            lapses: 0,
        };
        let next = s.review(Some(&huge), Rating::Easy, now);
        assert!(next.due - now <= TimeDelta::days(MAX_INTERVAL_DAYS));
        assert!(next.due > now);
    }

    #[test]
    fn a_replay_can_count_calendar_days() {
        let s = sched();
        // 23 hours apart, across a day boundary at 4 am UTC: one calendar day, no whole day.
        let first = Utc.with_ymd_and_hms(2026, 1, 10, 9, 0, 0).unwrap();
        let second = first + TimeDelta::hours(23);
        let reviews = [(first, Rating::Good), (second, Rating::Good)];
        let by_hours = s.replay(reviews, None).unwrap();
        let by_days = s.replay(reviews, Some(4 * 3600)).unwrap();
        assert_eq!(
            by_hours,
            s.review(s.replay([reviews[0]], None).as_ref(), Rating::Good, second)
        );
        assert!(
            by_days.stability > by_hours.stability,
            "{by_days:?} {by_hours:?}"
        );
        // Within one calendar day both agree.
        let same_day = [
            (first, Rating::Good),
            (first + TimeDelta::hours(2), Rating::Good),
        ];
        assert_eq!(s.replay(same_day, None), s.replay(same_day, Some(4 * 3600)));
    }

    fn rating_strategy() -> impl Strategy<Value = Rating> {
        prop::sample::select(Rating::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn any_review_sequence_stays_sane(
            steps in prop::collection::vec(
                (rating_strategy(), 0i64..=(400 * 86_400), any::<bool>()),
                1..40,
            ),
            retention in 0.71f32..=0.99,
        ) {
            let s = Scheduler::new(Retention::new(retention).unwrap());
            let mut now = t0();
            let mut state: Option<CardState> = None;
            for (rating, wait_secs, on_time) in steps {
                // Either answer when the card is due, or after a random wait
                // (possibly early, possibly far too late).
                now = match (&state, on_time) {
                    (Some(st), true) => st.due,
                    _ => now + TimeDelta::seconds(wait_secs),
                };
                let next = s.review(state.as_ref(), rating, now);
                prop_assert!(next.due > now);
                prop_assert!(next.due - now <= TimeDelta::days(MAX_INTERVAL_DAYS));
                prop_assert!(next.stability.is_finite() && next.stability > 0.0);
                prop_assert!(next.difficulty.is_finite() && next.difficulty > 0.0);
                prop_assert_eq!(next.last_review, now);
                if rating == Rating::Again {
                    prop_assert!(matches!(next.phase, Phase::Learning | Phase::Relearning));
                    prop_assert!(next.due - now <= TimeDelta::minutes(10));
                } else if rating != Rating::Hard {
                    prop_assert_eq!(next.phase, Phase::Review);
                    prop_assert!(next.due - now >= TimeDelta::days(1));
                }
                state = Some(next);
            }
        }

        #[test]
        fn a_replay_equals_answering_one_by_one(
            steps in prop::collection::vec((rating_strategy(), 1i64..=(60 * 86_400)), 0..30),
        ) {
            let s = sched();
            let mut now = t0();
            let mut reviews = Vec::new();
            let mut state: Option<CardState> = None;
            for (rating, wait_secs) in steps {
                now += TimeDelta::seconds(wait_secs);
                reviews.push((now, rating));
                state = Some(s.review(state.as_ref(), rating, now));
            }
            prop_assert_eq!(s.replay(reviews, None), state);
        }
    }
}
