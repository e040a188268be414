//! A simulated learner studying with pmquiz, for measuring the scheduler against a memory that
//! is known (docs/scheduling.md).
//!
//! The learner's true memory follows FSRS-6 with hidden parameters (a [`Profile`]), unlike
//! pmquiz's defaults. Every simulated day it studies for a fixed time: the cards pmquiz says are
//! due (missed cards come back after their learning steps the same day), then new cards. The
//! sessions are real ones: questions come from pmquiz's generator, answers are judged by its
//! checker and recorded, with their schedules, in a real history database. How the learner
//! answers depends on the kind of question:
//!
//! - typed and fill-in answers: right only when the card is recalled;
//! - multiple choice: recalled, or else a guess among the options;
//! - true/false: recalled, or else a coin toss;
//! - flashcards: graded honestly, Good when recalled and Again when not.
//!
//! Whether the card is recalled is drawn from the hidden model's recall probability at that
//! moment. Seeing the question and its feedback is a review for the hidden memory too: Good when
//! recalled, Again when not (a lucky guess teaches nothing).
//!
//! The report gives the retention reached at review time (the share of right answers to cards in
//! review), answers per card, the cards the learner knows at the end by the hidden model, and the
//! log loss of pmquiz's predicted recall against what happened.

use crate::day::{DayStart, Days};
use crate::deck::{Deck, Origin, parse_deck};
use crate::optimize::{Answer, OptimizeError, TrainingSet, compare, fit};
use crate::quiz::{Body, Filter, Grade, Kind, Question, Response, check, generate_for};
use crate::schedule::{
    CardState, DueAt, Parameters, Phase, RatingMap, Retention, Scheduler, rating_of,
};
use crate::store::{AnswerRecord, Store};
use chrono::{DateTime, TimeDelta, Utc};
use fsrs::{FSRS, MemoryState};
use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// A kind of learner: the FSRS-6 parameters its memory truly follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    pub name: &'static str,
    pub memory: [f32; 21],
}

/// The learners the measurements use. Each differs from FSRS's defaults (which are fitted to
/// many Anki users) where learners differ most: how long a first answer is remembered, how
/// fast memories grow, and the shape of the forgetting curve.
pub const PROFILES: [Profile; 3] = [
    Profile {
        name: "forgetful",
        // Short first memories, slow growth, a steep curve.
        memory: [
            0.1, 0.4, 0.9, 3.0, 6.8, 0.8, 3.4, 0.01, 1.3, 0.25, 0.9, 1.8, 0.09, 0.3, 1.9, 0.3, 1.5,
            0.5, 0.1, 0.07, 0.45,
        ],
    },
    Profile {
        name: "steady",
        // Longer first memories and faster growth than the defaults, a flat curve.
        memory: [
            0.8, 2.5, 6.0, 15.0, 5.5, 0.7, 2.5, 0.005, 2.1, 0.1, 1.0, 1.2, 0.05, 0.25, 1.4, 0.7,
            2.2, 0.55, 0.1, 0.06, 0.12,
        ],
    },
    Profile {
        name: "uneven",
        // Hard cards stay hard (high difficulty growth), lapses cost a lot.
        memory: [
            0.3, 1.0, 3.5, 10.0, 7.5, 0.9, 3.8, 0.02, 1.6, 0.2, 0.6, 2.4, 0.12, 0.4, 2.3, 0.5, 1.8,
            0.6, 0.1, 0.07, 0.25,
        ],
    },
];

/// What a simulation runs.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub profile: Profile,
    pub seed: u64,
    /// Days studied.
    pub days: u32,
    /// Cards in the deck studied (see [`deck`]).
    pub cards: usize,
    /// New cards introduced each day at most.
    pub new_per_day: usize,
    /// Study time each day, in simulated seconds (see [`seconds_for`]).
    pub seconds_per_day: u32,
    pub retention: Retention,
    pub rating_map: RatingMap,
    /// Fit the parameters with `optimize`'s comparison every this many days.
    pub optimize_every: Option<u32>,
}

impl SimConfig {
    /// A year of 15 minutes a day on 600 cards, 15 new ones a day.
    pub fn year(profile: Profile, seed: u64) -> SimConfig {
        SimConfig {
            profile,
            seed,
            days: 365,
            cards: 600,
            new_per_day: 15,
            seconds_per_day: 15 * 60,
            retention: Retention::DEFAULT,
            rating_map: RatingMap::Standard,
            optimize_every: None,
        }
    }
}

/// What a simulated learner reached.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimReport {
    /// Answers given, and answers to cards in review (spaced reviews).
    pub answers: usize,
    pub reviews: usize,
    /// Share of the answers to cards in review that were right.
    pub retention_reached: f64,
    /// Cards introduced.
    pub cards_seen: usize,
    /// Answers per card introduced.
    pub answers_per_card: f64,
    /// Cards the learner would recall at the end, by the hidden model (the sum of their recall
    /// probabilities).
    pub known_at_end: f64,
    /// Log loss of pmquiz's predicted recall (its parameters' forgetting curve at the moment of
    /// each spaced review) against whether the answer was right.
    pub log_loss: f64,
    /// Root mean square difference between pmquiz's predicted recall and the hidden model's
    /// true recall probability at each spaced review: how well pmquiz knows this learner,
    /// without the noise of single answers.
    pub recall_rmse: f64,
    /// How often `optimize` adopted fitted parameters.
    pub adopted: usize,
}

/// Simulated seconds a question of this kind takes to read and answer.
pub fn seconds_for(kind: Kind) -> u32 {
    match kind {
        Kind::Tf => 6,
        Kind::Mcq => 8,
        Kind::Flash => 9,
        Kind::Blank => 11,
        Kind::Typed => 13,
    }
}

/// The deck the learner studies: `n` cards, as a deck written from a textbook chapter might
/// be: three in five question cards with written wrong options (asked as flashcard, multiple
/// choice, typed answer or true/false), one in five cloze texts (fill in the blank) and one in
/// five statements (true/false only).
pub fn deck(n: usize) -> Deck {
    const WORDS: [&str; 12] = [
        "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "inlet", "juniper",
        "kestrel", "larch",
    ];
    let word = |i: usize| WORDS[i % WORDS.len()];
    let mut text = String::from("[deck]\nid = \"simulated\"\nname = \"Simulated cards\"\n");
    for i in 0..n {
        let _ = match i % 5 {
            0..=2 => write!(
                text,
                "\n[[card]]\nid = \"c{i}\"\nquestion = \"What is the code name of item {i}?\"\n\
                 answer = \"{} {i}\"\nwrong = [\"{} {i}\", \"{} {i}\", \"{} {i}\"]\n",
                word(i),
                word(i + 1),
                word(i + 2),
                word(i + 3)
            ),
            3 => write!(
                text,
                "\n[[statement]]\nid = \"s{i}\"\ntext = \"Item {i} is filed under {}.\"\nanswer = {}\n",
                word(i),
                i % 2 == 0
            ),
            _ => write!(
                text,
                "\n[[cloze]]\nid = \"z{i}\"\ntext = \"Item {i} is kept in the {{{{{} room}}}}.\"\n",
                word(i)
            ),
        };
    }
    parse_deck(&text, "simulated.toml", "simulated", Origin::BuiltIn)
        .unwrap_or_else(|e| panic!("the simulated deck is valid: {e:?}"))
}

/// The learner's true memory of one card.
#[derive(Debug, Clone, Copy)]
struct Memory {
    state: MemoryState,
    last: DateTime<Utc>,
}

/// Runs a simulation with its history database in `dir` (which should be empty).
pub fn run(config: &SimConfig, dir: &Path) -> anyhow::Result<SimReport> {
    let deck = deck(config.cards);
    let ids = deck.review_ids();
    let decks = std::slice::from_ref(&deck);
    let deck_ids = vec![deck.id.clone()];
    let store = Store::open(dir)?;
    // Days start at 4 am UTC, as pmquiz's default; the learner studies at 8 am.
    let days = Days::new(Utc, DayStart::DEFAULT.hour());
    let hidden = FSRS::new(&config.profile.memory)
        .map_err(|e| anyhow::anyhow!("hidden parameters rejected: {e:?}"))?;
    let hidden_decay = config.profile.memory[20];
    let mut parameters = Parameters::fsrs_default();
    let schedule_with = |parameters: &Parameters| {
        Scheduler::with_parameters(parameters, config.retention).counting_days(days.clone())
    };
    let mut scheduler = schedule_with(&parameters);
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut memory: HashMap<String, Memory> = HashMap::new();
    let mut introduced = 0;
    let mut report = SimReport::default();
    let mut loss_sum = 0.0;
    let mut squared_error = 0.0;
    let mut right_reviews = 0;
    let start: DateTime<Utc> = "2026-01-01T08:00:00Z".parse().expect("a time");
    let filter = Filter::default();

    for day in 0..config.days {
        let day_start = start + TimeDelta::days(i64::from(day));
        if let Some(every) = config.optimize_every
            && day > 0
            && day % every == 0
            && let Some(fitted) = optimized(&store, &days, &parameters)?
        {
            parameters = fitted;
            scheduler = schedule_with(&parameters);
            report.adopted += 1;
        }
        let mut now = day_start;
        let mut spent = 0;
        let mut new_left = config.new_per_day;
        while spent < config.seconds_per_day {
            let due = store.due(&deck_ids, DueAt::new(now, &days), None)?;
            let wanted: Vec<(usize, String)> = if !due.is_empty() {
                due.into_iter().map(|d| (0, d.card_id)).collect()
            } else if new_left > 0 && introduced < ids.len() {
                let n = new_left.min(5).min(ids.len() - introduced);
                new_left -= n;
                introduced += n;
                ids[introduced - n..introduced]
                    .iter()
                    .map(|id| (0, id.clone()))
                    .collect()
            } else {
                // Nothing due and no new card left today: wait for a learning step due within
                // the hour, or end the day.
                match store.upcoming(&deck_ids, DueAt::new(now, &days))?.step {
                    Some(next) if next < day_start + TimeDelta::hours(1) => {
                        now = next;
                        continue;
                    }
                    _ => break,
                }
            };
            let questions = generate_for(decks, &wanted, wanted.len(), &filter, &mut rng);
            for question in questions {
                if spent >= config.seconds_per_day {
                    break;
                }
                let seconds = seconds_for(question.kind);
                let previous = store.card_state(&question.deck_id, &question.card_id)?;
                let recall_p = memory.get(&question.card_id).map_or(0.0, |m| {
                    let elapsed = (now - m.last).num_seconds() as f32 / 86_400.0;
                    f64::from(fsrs::current_retrievability(m.state, elapsed, hidden_decay))
                });
                let recalled = rng.random::<f64>() < recall_p;
                let response = respond(&question, recalled, &mut rng);
                let outcome = check(&question, &response);
                let right = outcome.verdict.is_right();
                let elapsed = Duration::from_secs(u64::from(seconds));
                let phase = previous.as_ref().map_or(Phase::New, |p| p.phase);
                let rating = rating_of(config.rating_map, question.kind, phase, &outcome, elapsed);
                if let Some(p) = previous.as_ref().filter(|p| p.phase == Phase::Review) {
                    report.reviews += 1;
                    right_reviews += usize::from(right);
                    let days_since = (now - p.last_review).num_seconds() as f32 / 86_400.0;
                    let predicted =
                        f64::from(parameters.recall_probability(p.stability, days_since))
                            .clamp(1e-6, 1.0 - 1e-6);
                    loss_sum -= if right {
                        predicted.ln()
                    } else {
                        (1.0 - predicted).ln()
                    };
                    squared_error += (predicted - recall_p).powi(2);
                }
                let record = AnswerRecord {
                    deck_id: question.deck_id.clone(),
                    card_id: question.card_id.clone(),
                    question_kind: question.kind.as_str().to_string(),
                    correct: right,
                    rating,
                    given: outcome.given.clone(),
                    expected: question.expected(),
                    answered_at: now,
                    duration: elapsed,
                    session_id: format!("sim-{day}"),
                };
                store.review(&record, |previous: Option<&CardState>| {
                    scheduler.review(previous, rating, now)
                })?;
                report.answers += 1;
                learn(
                    &hidden,
                    &days,
                    &mut memory,
                    &question.card_id,
                    recalled,
                    now,
                );
                now += TimeDelta::seconds(i64::from(seconds));
                spent += seconds;
            }
        }
    }

    let end = start + TimeDelta::days(i64::from(config.days));
    report.cards_seen = introduced;
    report.answers_per_card = report.answers as f64 / introduced.max(1) as f64;
    report.retention_reached = right_reviews as f64 / report.reviews.max(1) as f64;
    report.log_loss = loss_sum / report.reviews.max(1) as f64;
    report.recall_rmse = (squared_error / report.reviews.max(1) as f64).sqrt();
    report.known_at_end = memory
        .values()
        .map(|m| {
            let elapsed = (end - m.last).num_seconds() as f32 / 86_400.0;
            f64::from(fsrs::current_retrievability(m.state, elapsed, hidden_decay))
        })
        .sum();
    Ok(report)
}

/// The learner's answer: right when recalled, otherwise a guess where the question allows one.
fn respond(question: &Question, recalled: bool, rng: &mut impl Rng) -> Response {
    match &question.body {
        Body::Choice { options, correct } => {
            let guess = rng.random_range(0..options.len());
            Response::Choice(if recalled { *correct } else { guess })
        }
        Body::TrueFalse { answer } => Response::Bool(if recalled {
            *answer
        } else {
            rng.random::<bool>()
        }),
        Body::Typed { .. } | Body::Blank { .. } if recalled => Response::Text(question.expected()),
        Body::Typed { .. } | Body::Blank { .. } => Response::Skip,
        Body::Flash { .. } => Response::Grade(if recalled { Grade::Good } else { Grade::Again }),
    }
}

/// The hidden memory after the learner saw the card and its answer: reviewed Good when it was
/// recalled, Again when not. Memory consolidates between days: a review on a later day than
/// the one before counts the days between (the learner's days, as FSRS counts them), even when
/// less than 24 hours passed.
fn learn(
    hidden: &FSRS,
    days: &Days<Utc>,
    memory: &mut HashMap<String, Memory>,
    card: &str,
    recalled: bool,
    now: DateTime<Utc>,
) {
    let previous = memory.get(card).copied();
    let days = previous.map_or(0, |m| {
        u32::try_from((days.day_of(now) - days.day_of(m.last)).num_days()).unwrap_or(0)
    });
    let states = hidden
        .next_states(previous.map(|m| m.state), 0.9, days)
        .expect("the hidden model schedules any state it made");
    let state = if recalled {
        states.good.memory
    } else {
        states.again.memory
    };
    memory.insert(card.to_string(), Memory { state, last: now });
}

/// `optimize`'s decision on the history so far: fitted parameters when they predict the newer
/// answers better than `current`, else `None`.
fn optimized(
    store: &Store,
    days: &Days<Utc>,
    current: &Parameters,
) -> anyhow::Result<Option<Parameters>> {
    let mut cards: Vec<Vec<Answer>> = Vec::new();
    store.for_each_card_history(&[], |_, _, answers| {
        cards.push(
            answers
                .iter()
                .map(|&(rating, at_ms)| Answer {
                    rating,
                    day: days.day_of(DateTime::from_timestamp_millis(at_ms).unwrap_or_default()),
                    at_ms,
                })
                .collect(),
        );
    })?;
    let set = TrainingSet::new(cards.iter().map(Vec::as_slice));
    match compare(&set, current, None) {
        Ok(comparison) if comparison.fitted_is_better() => Ok(Some(fit(&set, None)?)),
        Ok(_) | Err(OptimizeError::TooLittleHistory { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_deck_asks_every_kind() {
        let deck = deck(30);
        assert_eq!(deck.cards.len(), 30);
        let wanted: Vec<(usize, String)> =
            deck.review_ids().into_iter().map(|id| (0, id)).collect();
        let mut kinds: Vec<Kind> = (0..5)
            .flat_map(|seed| {
                generate_for(
                    std::slice::from_ref(&deck),
                    &wanted,
                    wanted.len(),
                    &Filter::default(),
                    &mut ChaCha8Rng::seed_from_u64(seed),
                )
            })
            .map(|q| q.kind)
            .collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds, Kind::ALL);
    }

    #[test]
    fn a_short_simulation_is_deterministic_and_sane() {
        let config = SimConfig {
            days: 20,
            cards: 60,
            new_per_day: 5,
            seconds_per_day: 300,
            ..SimConfig::year(PROFILES[0], 7)
        };
        let a = run(&config, tempfile::tempdir().unwrap().path()).unwrap();
        let b = run(&config, tempfile::tempdir().unwrap().path()).unwrap();
        assert_eq!(a, b, "the same seed gives the same study");
        assert_eq!(a.cards_seen, 60);
        assert!(a.reviews > 0 && a.reviews < a.answers, "{a:?}");
        assert!((0.0..=1.0).contains(&a.retention_reached), "{a:?}");
        assert!(a.known_at_end > 0.0 && a.known_at_end <= 60.0, "{a:?}");
        assert!(a.log_loss > 0.0, "{a:?}");
    }
}
