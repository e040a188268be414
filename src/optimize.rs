//! Fitting the scheduler to the learner: the review history as FSRS training items, fitting
//! FSRS's parameters to them, and the comparison that decides whether the fitted parameters are
//! used. Pure: answers come in as values, and fitting is computation (the `fsrs` crate).
//!
//! The items are built as FSRS's own conversion of Anki's review log builds them: for each card,
//! its answers in time order with the learner's days between them (`delta_t`, 0 for the same
//! day); every answer given on a later day than the one before it ends one item, made of all the
//! card's answers up to it. The model is asked to predict that answer from the ones before.
//!
//! The comparison is a time-ordered split: the items are sorted by the time of their last
//! answer, the parameters are fitted on the older [`TRAIN_SHARE`] and both the defaults and the
//! fitted parameters are evaluated (log loss, RMSE over bins, as the `fsrs` crate computes them)
//! on the newer rest, which the fit never saw. Only when the fitted parameters predict that newer
//! part better are they fitted again on every item and adopted.

use crate::schedule::{Parameters, Rating};
use chrono::NaiveDate;
use fsrs::{CombinedProgressState, ComputeParametersInput, FSRS, FSRSItem, FSRSReview};
use std::sync::{Arc, Mutex};

/// Fewer items than this are too little history to fit 21 parameters and tell whether they are
/// better: `optimize` then changes nothing.
pub(crate) const MIN_ITEMS: usize = 400;

/// The share of items (the oldest) the parameters are fitted on when they are compared with the
/// defaults; the rest is what they are compared on.
pub(crate) const TRAIN_SHARE: f64 = 0.8;

/// One answer of a card's history, as training needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Answer {
    pub(crate) rating: Rating,
    /// The learner's day it was given on.
    pub(crate) day: NaiveDate,
    /// When it was given (milliseconds since the epoch): orders the items in time.
    pub(crate) at_ms: i64,
}

/// Training items and, aligned with them, the card each comes from and the time of its last
/// answer, sorted by that time.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrainingSet {
    pub(crate) items: Vec<FSRSItem>,
    pub(crate) card_ids: Vec<i64>,
    times: Vec<i64>,
    /// Answers read, and cards they belong to.
    pub(crate) answers: usize,
    pub(crate) cards: usize,
}

impl TrainingSet {
    /// Builds the set from each card's answers in time order.
    pub(crate) fn new<'a>(cards: impl IntoIterator<Item = &'a [Answer]>) -> TrainingSet {
        let mut entries: Vec<(i64, i64, FSRSItem)> = Vec::new();
        let mut set = TrainingSet::default();
        for (card, answers) in cards.into_iter().enumerate() {
            set.cards += 1;
            set.answers += answers.len();
            let card = card as i64;
            let mut reviews: Vec<FSRSReview> = Vec::with_capacity(answers.len());
            for (i, answer) in answers.iter().enumerate() {
                let delta_t = match i {
                    0 => 0,
                    _ => (answer.day - answers[i - 1].day).num_days().max(0) as u32,
                };
                reviews.push(FSRSReview {
                    rating: u32::from(answer.rating.as_u8()),
                    delta_t,
                });
                if i > 0 && delta_t > 0 {
                    entries.push((
                        answer.at_ms,
                        card,
                        FSRSItem {
                            reviews: reviews.clone(),
                        },
                    ));
                }
            }
        }
        entries.sort_by_key(|(at, card, _)| (*at, *card));
        for (at, card, item) in entries {
            set.times.push(at);
            set.card_ids.push(card);
            set.items.push(item);
        }
        set
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// The older [`TRAIN_SHARE`] of the items and the newer rest.
    fn split(&self) -> (TrainingSet, TrainingSet) {
        let at = ((self.len() as f64) * TRAIN_SHARE).round() as usize;
        let part = |range: std::ops::Range<usize>| TrainingSet {
            items: self.items[range.clone()].to_vec(),
            card_ids: self.card_ids[range.clone()].to_vec(),
            times: self.times[range].to_vec(),
            answers: 0,
            cards: 0,
        };
        (part(0..at), part(at..self.len()))
    }
}

/// How well a set of parameters predicts answers: lower is better for both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fit {
    pub(crate) log_loss: f32,
    pub(crate) rmse_bins: f32,
}

/// The outcome of comparing fitted parameters with the defaults.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comparison {
    /// Items fitted on, and items compared on.
    pub(crate) train_items: usize,
    pub(crate) test_items: usize,
    /// The parameters in use before (the defaults, or parameters fitted earlier).
    pub(crate) current: Fit,
    /// Parameters fitted on the older part of the history.
    pub(crate) fitted: Fit,
}

impl Comparison {
    /// Whether the fitted parameters predict the newer answers better than the current ones.
    pub(crate) fn fitted_is_better(&self) -> bool {
        self.fitted.log_loss < self.current.log_loss
    }
}

/// Why parameters could not be fitted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OptimizeError {
    #[error(
        "too little history to fit the scheduler: {found} answers given on a later day than the \
         card's previous answer, and optimize needs at least {MIN_ITEMS}. Keep reviewing with \
         `pmquiz review` and try again later; nothing was changed."
    )]
    TooLittleHistory { found: usize },
    #[error("the FSRS optimizer failed: {0}")]
    Fsrs(String),
}

/// Fits FSRS's parameters to `set`. `progress` is shared with whoever shows it.
pub(crate) fn fit(
    set: &TrainingSet,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> Result<Parameters, OptimizeError> {
    let values = fsrs::compute_parameters(ComputeParametersInput {
        train_set: set.items.clone(),
        card_ids: Some(set.card_ids.clone()),
        progress,
        ..ComputeParametersInput::default()
    })
    .map_err(|e| OptimizeError::Fsrs(format!("{e:?}")))?;
    Parameters::new(&values).map_err(|e| OptimizeError::Fsrs(e.to_string()))
}

/// How well `parameters` predict the answers of `set`.
pub(crate) fn evaluate(parameters: &Parameters, set: &TrainingSet) -> Result<Fit, OptimizeError> {
    let fsrs = FSRS::new(parameters.values()).map_err(|e| OptimizeError::Fsrs(format!("{e:?}")))?;
    let evaluation = fsrs
        .evaluate_with_card_ids(set.items.clone(), set.card_ids.clone(), |_| true)
        .map_err(|e| OptimizeError::Fsrs(format!("{e:?}")))?;
    Ok(Fit {
        log_loss: evaluation.log_loss,
        rmse_bins: evaluation.rmse_bins,
    })
}

/// Fits parameters on the older part of `set` and compares them with `current` on the newer
/// part. Fails with [`OptimizeError::TooLittleHistory`] below [`MIN_ITEMS`] items.
pub(crate) fn compare(
    set: &TrainingSet,
    current: &Parameters,
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> Result<Comparison, OptimizeError> {
    if set.len() < MIN_ITEMS {
        return Err(OptimizeError::TooLittleHistory { found: set.len() });
    }
    let (train, test) = set.split();
    let fitted = fit(&train, progress)?;
    Ok(Comparison {
        train_items: train.len(),
        test_items: test.len(),
        current: evaluate(current, &test)?,
        fitted: evaluate(&fitted, &test)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsrs::DEFAULT_PARAMETERS;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn answer(rating: Rating, d: u32, at_ms: i64) -> Answer {
        Answer {
            rating,
            day: day(d),
            at_ms,
        }
    }

    #[test]
    fn items_end_at_answers_given_on_a_later_day() {
        let a = [
            answer(Rating::Again, 1, 10),
            answer(Rating::Good, 1, 20), // same day: no item of its own
            answer(Rating::Good, 3, 30),
            answer(Rating::Hard, 10, 50),
        ];
        let b = [answer(Rating::Good, 2, 5), answer(Rating::Again, 4, 40)];
        let set = TrainingSet::new([&a[..], &b[..]]);
        assert_eq!((set.answers, set.cards, set.len()), (6, 2, 3));
        // Sorted by the time of their last answer: a@30, b@40, a@50.
        assert_eq!(set.card_ids, [0, 1, 0]);
        let shape = |item: &FSRSItem| -> Vec<(u32, u32)> {
            item.reviews.iter().map(|r| (r.rating, r.delta_t)).collect()
        };
        assert_eq!(shape(&set.items[0]), [(1, 0), (3, 0), (3, 2)]);
        assert_eq!(shape(&set.items[1]), [(3, 0), (1, 2)]);
        assert_eq!(shape(&set.items[2]), [(1, 0), (3, 0), (3, 2), (2, 7)]);
        let (train, test) = set.split();
        assert_eq!((train.len(), test.len()), (2, 1));
        assert_eq!(test.times, [50]);
    }

    /// Answers of a learner whose memory follows `hidden`, reviewing `cards` cards for a year
    /// when pmquiz's default scheduler says, Good when recalled and Again when not.
    fn learner_history(hidden: &[f32; 21], cards: usize) -> TrainingSet {
        use crate::schedule::{Retention, Scheduler};
        use chrono::{TimeDelta, TimeZone, Utc};
        use rand::{RngExt, SeedableRng};
        let memory_model = FSRS::new(hidden).unwrap();
        let scheduler = Scheduler::new(Retention::DEFAULT);
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(11);
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let histories: Vec<Vec<Answer>> = (0..cards)
            .map(|card| {
                let mut now = start + TimeDelta::hours(card as i64 % 200);
                let mut state = None;
                let mut memory: Option<(fsrs::MemoryState, chrono::DateTime<Utc>)> = None;
                let mut answers = Vec::new();
                while now < start + TimeDelta::days(365) {
                    let recall = memory.map_or(0.0, |(m, last)| {
                        let days = (now - last).num_seconds() as f32 / 86_400.0;
                        fsrs::current_retrievability(m, days, hidden[20])
                    });
                    let recalled = rng.random::<f32>() < recall;
                    let rating = if recalled {
                        Rating::Good
                    } else {
                        Rating::Again
                    };
                    answers.push(Answer {
                        rating,
                        day: now.date_naive(),
                        at_ms: now.timestamp_millis(),
                    });
                    let days = memory.map_or(0, |(_, last)| (now - last).num_days() as u32);
                    let next = memory_model
                        .next_states(memory.map(|m| m.0), 0.9, days)
                        .unwrap();
                    let m = if recalled { next.good } else { next.again }.memory;
                    memory = Some((m, now));
                    let s = scheduler.review(state.as_ref(), rating, now);
                    now = s.due;
                    state = Some(s);
                }
                answers
            })
            .collect();
        TrainingSet::new(histories.iter().map(Vec::as_slice))
    }

    #[test]
    fn parameters_fitted_to_a_learner_unlike_the_defaults_predict_it_better() {
        // Memories that fade faster than the defaults assume: shorter first memories and slower
        // growth, so that the defaults' schedule reaches less than the recall it aims for.
        let mut hidden = DEFAULT_PARAMETERS;
        for w in &mut hidden[..4] {
            *w *= 0.4;
        }
        hidden[8] -= 0.6;
        let set = learner_history(&hidden, 300);
        assert!(set.len() > MIN_ITEMS, "{}", set.len());
        let comparison = compare(&set, &Parameters::fsrs_default(), None).unwrap();
        assert!(comparison.fitted_is_better(), "{comparison:?}");
        // And on the whole history the fit is better still than the defaults.
        let fitted = fit(&set, None).unwrap();
        assert!(!fitted.is_default());
        let default_fit = evaluate(&Parameters::fsrs_default(), &set).unwrap();
        let fitted_fit = evaluate(&fitted, &set).unwrap();
        assert!(
            fitted_fit.log_loss < default_fit.log_loss,
            "{fitted_fit:?} {default_fit:?}"
        );
        assert!(
            fitted_fit.rmse_bins < default_fit.rmse_bins,
            "{fitted_fit:?} {default_fit:?}"
        );
        // The first memory after a Good answer comes out near the learner's, far from FSRS's.
        let good = fitted.values()[2];
        assert!(
            (good / hidden[2] - 1.0).abs() < 0.4,
            "{good} for {}",
            hidden[2]
        );
    }

    #[test]
    fn too_little_history_is_refused_before_fitting() {
        let a = [answer(Rating::Good, 1, 1), answer(Rating::Good, 5, 2)];
        let set = TrainingSet::new([&a[..]]);
        let err = compare(&set, &Parameters::fsrs_default(), None).unwrap_err();
        assert!(matches!(err, OptimizeError::TooLittleHistory { found: 1 }));
        assert!(err.to_string().contains("at least 400"), "{err}");
    }
}
