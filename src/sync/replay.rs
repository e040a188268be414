//! Replay, not merge: a card's schedule is what its events add up to, folded through the
//! scheduler in time order (ties by event id). Any device that knows the same events, whatever
//! order they reached it in, computes the same schedule. Pure.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::event::{Body, Event, EventId};
use crate::schedule::{CardState, Rating, Scheduler};

/// One event of a card, as replay needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardEvent {
    pub at: DateTime<Utc>,
    pub id: EventId,
    pub step: Step,
}

/// What an event does to a card's schedule.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// An answer rated for the scheduler.
    Review(Rating),
    /// `forget`: the card is new again.
    Forget,
    /// The schedule set from outside the card's answers (a history import). Boxed: a first
    /// sync holds a million events in memory, and few of them set a schedule.
    Set(Box<CardState>),
}

/// The schedule of a card after its events (`None`: new, never answered or forgotten since).
/// Sorts `events` by time, then id.
pub fn replay(events: &mut [CardEvent], scheduler: &Scheduler) -> Option<CardState> {
    events.sort_unstable_by_key(|e| (e.at, e.id));
    events.iter().fold(None, |state, e| match &e.step {
        Step::Review(rating) => Some(scheduler.review(state.as_ref(), *rating, e.at)),
        Step::Forget => None,
        Step::Set(set) => Some(CardState::clone(set)),
    })
}

/// The schedules of every card after a whole set of events (in any order, duplicates
/// counted once): the answers that were not undone, with the rating of their latest override,
/// and the forgets of each card and its deck, replayed. The model the store's incremental replay is tested against.
pub fn schedules(events: &[Event], scheduler: &Scheduler) -> BTreeMap<(String, String), CardState> {
    let undone: HashSet<EventId> = events
        .iter()
        .filter_map(|e| match e.body {
            Body::Undo { target } => Some(target),
            _ => None,
        })
        .collect();
    // The latest override of each answer gives its rating.
    let mut overrides: BTreeMap<EventId, (DateTime<Utc>, EventId, Rating)> = BTreeMap::new();
    for e in events {
        if let Body::Override {
            target,
            rating: Some(rating),
        } = e.body
        {
            let entry = overrides.entry(target).or_insert((e.at, e.id, rating));
            if (e.at, e.id) > (entry.0, entry.1) {
                *entry = (e.at, e.id, rating);
            }
        }
    }
    let mut seen = HashSet::new();
    let mut by_card: BTreeMap<(String, String), Vec<CardEvent>> = BTreeMap::new();
    let mut deck_forgets: BTreeMap<&str, Vec<CardEvent>> = BTreeMap::new();
    for e in events {
        if !seen.insert(e.id) || undone.contains(&e.id) {
            continue;
        }
        let card_event = |step| CardEvent {
            at: e.at,
            id: e.id,
            step,
        };
        match &e.body {
            Body::Answer(a, rating) => {
                let rating = overrides.get(&e.id).map_or(*rating, |o| o.2);
                by_card
                    .entry((a.deck_id.clone(), a.card_id.clone()))
                    .or_default()
                    .push(card_event(Step::Review(rating)))
            }
            Body::Forget {
                deck_id,
                card_id: Some(card),
            } => by_card
                .entry((deck_id.clone(), card.clone()))
                .or_default()
                .push(card_event(Step::Forget)),
            Body::Forget {
                deck_id,
                card_id: None,
            } => deck_forgets
                .entry(deck_id)
                .or_default()
                .push(card_event(Step::Forget)),
            Body::Schedule {
                deck_id,
                card_id,
                state,
            } => by_card
                .entry((deck_id.clone(), card_id.clone()))
                .or_default()
                .push(card_event(Step::Set(Box::new(state.clone())))),
            Body::Practice(_) | Body::Undo { .. } | Body::Override { .. } => {}
        }
    }
    by_card
        .into_iter()
        .filter_map(|(key, mut card)| {
            if let Some(forgets) = deck_forgets.get(key.0.as_str()) {
                card.extend(forgets.iter().cloned());
            }
            replay(&mut card, scheduler).map(|state| (key, state))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Phase;
    use crate::sync::event::{Answer, DeviceId};
    use chrono::{TimeDelta, TimeZone};
    use proptest::prelude::*;
    use std::time::Duration;

    #[test]
    fn a_card_event_stays_small() {
        // A first sync of 1 000 000 answers holds one per answer: every 16 bytes more is 16 MB
        // more at its peak. A schedule set held inline would make it 72 bytes.
        assert!(size_of::<CardEvent>() <= 48, "{}", size_of::<CardEvent>());
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 31, 9, 0, 0).unwrap()
    }

    fn id(at: DateTime<Utc>, n: u8) -> EventId {
        EventId::next(at, None, [n; 10])
    }

    fn review(at: DateTime<Utc>, n: u8, rating: Rating) -> CardEvent {
        CardEvent {
            at,
            id: id(at, n),
            step: Step::Review(rating),
        }
    }

    fn forget(at: DateTime<Utc>, n: u8) -> CardEvent {
        CardEvent {
            at,
            id: id(at, n),
            step: Step::Forget,
        }
    }

    #[test]
    fn replay_is_the_scheduler_folded_in_time_order() {
        let s = Scheduler::default();
        let t1 = t0();
        let t2 = t1 + TimeDelta::days(1);
        let t3 = t2 + TimeDelta::days(3);
        let live = s.review(None, Rating::Good, t1);
        let live = s.review(Some(&live), Rating::Again, t2);
        let live = s.review(Some(&live), Rating::Good, t3);
        // Given in any order.
        let mut events = vec![
            review(t3, 3, Rating::Good),
            review(t1, 1, Rating::Good),
            review(t2, 2, Rating::Again),
        ];
        assert_eq!(replay(&mut events, &s), Some(live));
        assert_eq!(replay(&mut [], &s), None);
    }

    #[test]
    fn a_forget_makes_the_card_new_and_later_answers_start_over() {
        let s = Scheduler::default();
        let t1 = t0();
        let t2 = t1 + TimeDelta::hours(1);
        let t3 = t1 + TimeDelta::days(2);
        let mut events = vec![review(t1, 1, Rating::Good), forget(t2, 2)];
        assert_eq!(replay(&mut events, &s), None);
        events.push(review(t3, 3, Rating::Hard));
        let again = replay(&mut events, &s).unwrap();
        assert_eq!(again, s.review(None, Rating::Hard, t3));
        assert_eq!((again.reps, again.phase), (1, Phase::Learning));
    }

    #[test]
    fn ties_in_time_are_broken_by_id() {
        let s = Scheduler::default();
        let a = review(t0(), 1, Rating::Again);
        let b = review(t0(), 2, Rating::Easy);
        assert!(a.id < b.id);
        let one = replay(&mut [b.clone(), a.clone()], &s);
        let other = replay(&mut [a, b], &s);
        assert_eq!(one, other);
        let easy_last = s.review(
            Some(&s.review(None, Rating::Again, t0())),
            Rating::Easy,
            t0(),
        );
        assert_eq!(one, Some(easy_last));
    }

    fn event(n: u8, at: DateTime<Utc>, body: Body) -> Event {
        Event {
            id: id(at, n),
            device: DeviceId::from_bytes([n % 3; 16]),
            at,
            body,
        }
    }

    fn answer(card: &str) -> Answer {
        Answer {
            deck_id: "d".to_string(),
            card_id: card.to_string(),
            question_kind: "tf".to_string(),
            correct: true,
            overridden: false,
            given: "t".to_string(),
            expected: "true".to_string(),
            duration: Duration::from_secs(2),
            session_id: "s".to_string(),
            phase: None,
        }
    }

    #[test]
    fn schedules_count_undos_deck_forgets_and_duplicates() {
        let s = Scheduler::default();
        let t1 = t0();
        let t2 = t1 + TimeDelta::days(1);
        let t3 = t1 + TimeDelta::days(2);
        let a1 = event(1, t1, Body::Answer(answer("a"), Rating::Good));
        let b1 = event(2, t1, Body::Answer(answer("b"), Rating::Good));
        let a2 = event(3, t3, Body::Answer(answer("a"), Rating::Again));
        let undo_a2 = event(4, t3 + TimeDelta::seconds(1), Body::Undo { target: a2.id });
        let forget_deck = event(
            5,
            t2,
            Body::Forget {
                deck_id: "d".to_string(),
                card_id: None,
            },
        );
        let c1 = event(6, t3, Body::Answer(answer("c"), Rating::Hard));
        let practice = event(7, t3, Body::Practice(answer("p")));
        let all = [
            a1.clone(),
            b1,
            a2,
            undo_a2,
            forget_deck.clone(),
            c1,
            practice,
            a1,
        ];
        let got = schedules(&all, &s);
        // a and b were forgotten with their deck; a's later answer was undone; c came after.
        let keys: Vec<&str> = got.keys().map(|(_, c)| c.as_str()).collect();
        assert_eq!(keys, ["c"]);
        assert_eq!(
            got[&("d".to_string(), "c".to_string())],
            s.review(None, Rating::Hard, t3)
        );
        // Without the deck's forget, a keeps its first answer only.
        let without: Vec<Event> = all
            .iter()
            .filter(|e| e.id != forget_deck.id)
            .cloned()
            .collect();
        let got = schedules(&without, &s);
        assert_eq!(
            got[&("d".to_string(), "a".to_string())],
            s.review(None, Rating::Good, t1)
        );
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn the_latest_override_gives_an_answer_its_rating() {
        let s = Scheduler::default();
        let t1 = t0();
        let missed = event(1, t1, Body::Answer(answer("a"), Rating::Again));
        let good = event(
            2,
            t1 + TimeDelta::seconds(5),
            Body::Override {
                target: missed.id,
                rating: Some(Rating::Good),
            },
        );
        let easy = event(
            3,
            t1 + TimeDelta::seconds(9),
            Body::Override {
                target: missed.id,
                rating: Some(Rating::Easy),
            },
        );
        let key = ("d".to_string(), "a".to_string());
        let got = schedules(&[easy.clone(), missed.clone(), good.clone()], &s);
        assert_eq!(got[&key], s.review(None, Rating::Easy, t1));
        let got = schedules(&[good, missed], &s);
        assert_eq!(got[&key], s.review(None, Rating::Good, t1));
    }

    fn rating() -> impl Strategy<Value = Rating> {
        prop_oneof![
            Just(Rating::Again),
            Just(Rating::Hard),
            Just(Rating::Good),
            Just(Rating::Easy)
        ]
    }

    proptest! {
        #[test]
        fn any_order_gives_the_same_schedule(
            steps in proptest::collection::vec((0i64..2000, 0u8..255, proptest::option::weighted(0.9, rating())), 0..30),
            seed in any::<u64>(),
        ) {
            let s = Scheduler::default();
            let mut events: Vec<CardEvent> = steps
                .iter()
                .map(|&(minutes, n, r)| {
                    let at = t0() + TimeDelta::minutes(minutes * 37);
                    match r {
                        Some(r) => review(at, n, r),
                        None => forget(at, n),
                    }
                })
                .collect();
            let expected = replay(&mut events.clone(), &s);
            // A deterministic shuffle.
            let mut x = seed | 1;
            for i in (1..events.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                events.swap(i, (x % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(replay(&mut events, &s), expected);
        }
    }
}
