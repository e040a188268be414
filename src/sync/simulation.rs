//! A simulation of one learner on three devices: 60 days of random sessions (answers, learn-mode
//! retries, undos, "I was right", forgets) and random syncs through one folder, checked against
//! a single device that was given the same answers at the same times. After the last syncs
//! every device has the same answers and exactly the single device's schedules, which are also
//! what the pure model ([`super::replay::schedules`]) computes from the events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use tempfile::TempDir;

use super::folder;
use super::replay::schedules;
use crate::schedule::{CardState, Rating, Scheduler};
use crate::store::{AnswerRecord, Events, Recorded, Store};

const DECK: &str = "sim";

/// A temporary directory in memory where there is one (answers are synced to disk one by one,
/// which on a real disk would make the simulation slow, not more thorough).
fn temp() -> TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// What a learner does at one moment, on one device.
#[derive(Debug, Clone)]
enum Action {
    /// A session: each card answered (first attempts are reviews), with learn-mode retries
    /// after misses, maybe the last answer undone or counted as right.
    Session {
        cards: Vec<(usize, Rating)>,
        retries: bool,
        last: Last,
    },
    Forget(Option<usize>),
    Sync,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Last {
    Keep,
    Undo,
    Override(Rating),
}

fn card_id(n: usize) -> String {
    format!("card-{n:02}")
}

fn record(card: usize, rating: Rating, at: DateTime<Utc>, session: &str) -> AnswerRecord {
    AnswerRecord {
        deck_id: DECK.to_string(),
        card_id: card_id(card),
        question_kind: "typed".to_string(),
        correct: rating != Rating::Again,
        rating,
        given: "answer".to_string(),
        expected: "answer".to_string(),
        answered_at: at,
        duration: Duration::from_millis(2500),
        session_id: session.to_string(),
    }
}

/// Does `action` at `at` on `store`, as the commands do.
fn apply(store: &Store, s: &Scheduler, action: &Action, at: DateTime<Utc>, session: &str) {
    match action {
        Action::Session {
            cards,
            retries,
            last,
        } => {
            let mut recorded: Vec<(Recorded, DateTime<Utc>)> = Vec::new();
            for (i, &(card, rating)) in cards.iter().enumerate() {
                let t = at + TimeDelta::seconds(10 * i as i64);
                let r = record(card, rating, t, session);
                let done = store.review(&r, |prev| s.review(prev, rating, t)).unwrap();
                recorded.push((done, t));
                if *retries && rating == Rating::Again {
                    let t = t + TimeDelta::seconds(5);
                    let p = store
                        .practice(&record(card, Rating::Good, t, session))
                        .unwrap();
                    recorded.push((p, t));
                }
            }
            let end = at + TimeDelta::seconds(10 * cards.len() as i64 + 7);
            let (last_recorded, answered_at) = recorded.pop().expect("a session has answers");
            match *last {
                Last::Keep => {}
                Last::Undo => {
                    assert!(
                        store
                            .undo(last_recorded.event, last_recorded.previous.as_ref(), end)
                            .unwrap()
                    );
                }
                Last::Override(rating) => {
                    let next = match &last_recorded.next {
                        Some(_) if !last_recorded.practice => {
                            s.review(last_recorded.previous.as_ref(), rating, answered_at)
                        }
                        Some(state) => state.clone(),
                        None => return,
                    };
                    store
                        .override_answer(&last_recorded, rating, &next, end)
                        .unwrap();
                }
            }
        }
        Action::Forget(card) => {
            let card = card.map(card_id);
            store.forget(DECK, card.as_deref(), at).unwrap();
        }
        Action::Sync => unreachable!("syncs are not replayed on the single device"),
    }
}

fn ratings(rng: &mut ChaCha8Rng) -> Rating {
    match rng.random_range(0..10) {
        0..=2 => Rating::Again,
        3 => Rating::Hard,
        4..=8 => Rating::Good,
        _ => Rating::Easy,
    }
}

/// The plan: (minute from the start, device, action), in time order, every moment distinct.
fn plan(seed: u64, devices: usize, days: i64, cards: usize) -> Vec<(i64, usize, Action)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut plan = Vec::new();
    for day in 0..days {
        for device in 0..devices {
            // Minutes of the day are spread by device, so that no two actions share a moment.
            let mut minute = day * 24 * 60 + 7 * 60 + device as i64 * 7;
            for _ in 0..rng.random_range(0..3) {
                minute += rng.random_range(1..8) * 60;
                let action = match rng.random_range(0..40) {
                    0 => Action::Forget(Some(rng.random_range(0..cards))),
                    1 if day > days / 2 => Action::Forget(None),
                    2..=12 => Action::Sync,
                    _ => {
                        let n = rng.random_range(1..8);
                        let mut chosen: Vec<usize> = Vec::new();
                        while chosen.len() < n {
                            let c = rng.random_range(0..cards);
                            if !chosen.contains(&c) {
                                chosen.push(c);
                            }
                        }
                        Action::Session {
                            cards: chosen.into_iter().map(|c| (c, ratings(&mut rng))).collect(),
                            retries: rng.random_bool(0.3),
                            last: match rng.random_range(0..10) {
                                0 => Last::Undo,
                                1 => Last::Override(Rating::Good),
                                _ => Last::Keep,
                            },
                        }
                    }
                };
                plan.push((minute, device, action));
            }
        }
    }
    plan.sort_by_key(|(minute, device, _)| (*minute, *device));
    plan
}

fn states(store: &Store) -> BTreeMap<String, CardState> {
    store.card_states(DECK).unwrap().into_iter().collect()
}

fn answers(store: &Store) -> usize {
    let mut n = 0;
    store
        .for_each_event(Events::All, |e| {
            n += usize::from(matches!(
                e.body,
                super::event::Body::Answer(..) | super::event::Body::Practice(..)
            ));
            true
        })
        .unwrap();
    n
}

fn simulate(seed: u64, devices: usize, days: i64) {
    let s = Scheduler::default();
    let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
    let dirs: Vec<TempDir> = (0..=devices).map(|_| temp()).collect();
    let stores: Vec<Store> = dirs
        .iter()
        .map(|d| Store::open(d.path()).unwrap())
        .collect();
    let (single, devs) = stores.split_last().unwrap();
    let shared = temp();
    let folder: PathBuf = shared.path().to_path_buf();
    let sync = |d: usize| {
        let report = folder::sync(&devs[d], &folder, &s, &format!("device-{d}")).unwrap();
        assert!(report.notices.is_empty(), "{:?}", report.notices);
    };

    let plan = plan(seed, devices, days, 30);
    let mut syncs = 0;
    for (minute, device, action) in &plan {
        let at = t0 + TimeDelta::minutes(*minute);
        if let Action::Sync = action {
            sync(*device);
            syncs += 1;
            continue;
        }
        let session = format!("{minute}-{device}");
        apply(&devs[*device], &s, action, at, &session);
        apply(single, &s, action, at, &session);
    }
    // Everyone syncs twice: the first round carries every log to the folder, the second
    // brings each device what the others wrote after it.
    for _ in 0..2 {
        for d in 0..devices {
            sync(d);
        }
    }
    let expected = states(single);
    assert!(expected.len() > 5, "the simulation answered cards");
    let mut all = Vec::new();
    devs[0]
        .for_each_event(Events::All, |e| {
            all.push(e);
            true
        })
        .unwrap();
    let model: BTreeMap<String, CardState> = schedules(&all, &s)
        .into_iter()
        .map(|((_, card), state)| (card, state))
        .collect();
    assert_eq!(
        model, expected,
        "seed {seed}: the model and the single device"
    );
    for (d, store) in devs.iter().enumerate() {
        assert_eq!(states(store), expected, "seed {seed}, device {d}");
        assert_eq!(answers(store), answers(single), "seed {seed}, device {d}");
        assert_eq!(store.pending_replays().unwrap(), 0);
    }
    assert!(syncs > 10, "seed {seed}: {syncs} syncs");
}

#[test]
fn three_devices_for_sixty_days_end_with_the_schedules_of_one() {
    simulate(1, 3, 60);
}

/// More seeds, devices and days: run by scripts/sync-soak.sh.
#[test]
#[ignore = "long: run by scripts/sync-soak.sh"]
fn many_devices_for_a_year_end_with_the_schedules_of_one() {
    let seeds: u64 = std::env::var("PMQUIZ_SOAK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    for seed in 0..seeds {
        simulate(1000 + seed, 2 + (seed as usize % 4), 365);
    }
}
