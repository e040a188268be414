//! Events: what a device did to the review history, with a globally unique, time-sortable id
//! and the id of the device that did it. Every answer, practice answer, `forget` and undo is
//! one event; the history and the schedules are what the events add up to.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::schedule::{CardState, Phase, Rating};

/// The greatest time a UUID v7 can hold: 2^48 - 1 milliseconds after the Unix epoch (year 10889).
const MAX_V7_MILLIS: i64 = (1 << 48) - 1;

/// The 74 bits of a UUID v7 after its timestamp: 12 in `rand_a`, 62 in `rand_b`.
const COUNTER_BITS: u32 = 74;

/// An event's id: a UUID version 7 (RFC 9562). Its first 48 bits are the event's time in
/// milliseconds, so ids sort by time; the other 74 bits are random, so ids made on different
/// devices never collide. Compared as bytes (the same order as the UUIDs' text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId([u8; 16]);

impl EventId {
    /// The id of an event at `at` made after the event `last` (the greatest id this history
    /// knows): a fresh UUID v7 for `at` with the given random bits, or, if that would not sort
    /// after `last` (several events in the same millisecond, or a clock set back), the id right
    /// after `last`. So the ids a history hands out only grow, in the order the events were
    /// recorded.
    pub fn next(at: DateTime<Utc>, last: Option<EventId>, random: [u8; 10]) -> EventId {
        let millis = at.timestamp_millis().clamp(0, MAX_V7_MILLIS) as u64;
        let fresh = EventId(
            *uuid::Builder::from_unix_timestamp_millis(millis, &random)
                .into_uuid()
                .as_bytes(),
        );
        match last {
            Some(last) if fresh <= last => last.successor(),
            _ => fresh,
        }
    }

    /// The UUID v7 that follows this one: the 74 bits after the timestamp counted up by one,
    /// carrying into the timestamp.
    fn successor(self) -> EventId {
        let v = u128::from_be_bytes(self.0);
        let millis = v >> 80;
        let rand_a = (v >> 64) & 0xfff;
        let rand_b = v & ((1 << 62) - 1);
        let mut counter = (rand_a << 62 | rand_b) + 1;
        let mut millis = millis;
        if counter >> COUNTER_BITS != 0 {
            counter = 0;
            millis += 1;
        }
        let v = (millis << 80)
            | (0x7 << 76)
            | ((counter >> 62) << 64)
            | (0b10 << 62)
            | (counter & ((1 << 62) - 1));
        EventId(v.to_be_bytes())
    }

    pub fn from_bytes(bytes: [u8; 16]) -> EventId {
        EventId(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The time in the id (milliseconds since the Unix epoch).
    pub fn millis(&self) -> i64 {
        (u128::from_be_bytes(self.0) >> 80) as i64
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Uuid::from_bytes(self.0).hyphenated().fmt(f)
    }
}

/// A device's id: a random UUID (version 4), made once per data directory. It names the
/// device's log in the sync folder (`ID.log`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId([u8; 16]);

impl DeviceId {
    pub fn from_bytes(bytes: [u8; 16]) -> DeviceId {
        DeviceId(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The first 8 hex digits: enough to tell a user's few devices apart.
    pub fn short(&self) -> String {
        self.to_string()[..8].to_string()
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Uuid::from_bytes(self.0).hyphenated().fmt(f)
    }
}

impl FromStr for DeviceId {
    type Err = uuid::Error;

    /// Reads the hyphenated form (`0192f3a1-…`), as in a log's file name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::try_parse(s).map(|u| DeviceId(*u.as_bytes()))
    }
}

/// One event: what happened, when, on which device.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub device: DeviceId,
    /// When it happened, by the clock of its device.
    pub at: DateTime<Utc>,
    pub body: Body,
}

/// What an event did.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// An answer that moved its card's schedule, with the rating the scheduler was given.
    Answer(Answer, Rating),
    /// An answer kept in the history that did not move the schedule (a learn-mode retry).
    Practice(Answer),
    /// `pmquiz forget`: the card (`Some`) or every card of the deck (`None`) is new again.
    Forget {
        deck_id: String,
        card_id: Option<String>,
    },
    /// An answer taken back: the event `target` no longer counts, in the history or the
    /// schedule.
    Undo { target: EventId },
    /// An answer judged wrong that the learner counted as right after all: the answer
    /// `target` is right, overridden, and (a scheduled answer) rated `rating`.
    Override {
        target: EventId,
        rating: Option<Rating>,
    },
    /// A card's schedule set from outside its answers (`pmquiz import --with-history` schedules
    /// a card by the other tool's rules): the card has this schedule, and answers after it
    /// move it on.
    Schedule {
        deck_id: String,
        card_id: String,
        state: CardState,
    },
}

/// The part of an answer event shared by answers and practice answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub deck_id: String,
    pub card_id: String,
    /// How the card was asked (`flash`, `mcq`, `tf`, `blank`, `typed`).
    pub question_kind: String,
    pub correct: bool,
    /// Judged wrong, then counted as right by the learner (`correct` is then true).
    pub overridden: bool,
    /// What the learner answered.
    pub given: String,
    /// The expected answer.
    pub expected: String,
    /// How long the learner took.
    pub duration: Duration,
    /// The session the answer belongs to.
    pub session_id: String,
    /// The card's phase when it was answered (scheduled answers; `None` when unknown, as for
    /// answers recorded before pmquiz kept it, and for practice answers).
    pub phase: Option<Phase>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).unwrap()
    }

    fn version_and_variant(id: EventId) -> (usize, uuid::Variant) {
        let u = Uuid::from_bytes(*id.as_bytes());
        (u.get_version_num(), u.get_variant())
    }

    #[test]
    fn ids_are_uuid_v7_with_the_event_time() {
        let t = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z
        let id = EventId::next(at(t), None, [0xab; 10]);
        assert_eq!(id.millis(), t);
        assert_eq!(version_and_variant(id), (7, uuid::Variant::RFC4122));
        assert!(id.to_string().starts_with("019b76da-a87b-7"), "{id}");
        // Later times sort later, whatever the random bits.
        let later = EventId::next(at(t + 1), None, [0; 10]);
        assert!(later > id);
    }

    #[test]
    fn ids_keep_growing_in_one_millisecond_and_when_the_clock_goes_back() {
        let t = 1_767_225_600_000;
        let mut last = None;
        let mut seen = Vec::new();
        // Random bits that would sort the ids backwards, then a clock set back a minute.
        for (i, ms) in [t, t, t, t, t - 60_000, t - 60_000, t + 5]
            .into_iter()
            .enumerate()
        {
            let id = EventId::next(at(ms), last, [0xf0 - i as u8; 10]);
            assert!(last.is_none_or(|l| id > l), "{id} after {last:?}");
            assert_eq!(version_and_variant(id), (7, uuid::Variant::RFC4122));
            seen.push(id);
            last = Some(id);
        }
        // The first id is fresh; the next ones in the same millisecond follow it.
        assert_eq!(seen[1].millis(), t);
        assert_eq!(seen[6].millis(), t + 5);
    }

    #[test]
    fn the_successor_carries_into_the_timestamp() {
        let top = EventId::next(at(1000), None, [0xff; 10]);
        let next = top.successor();
        assert_eq!(next.millis(), 1001);
        assert_eq!(version_and_variant(next), (7, uuid::Variant::RFC4122));
        assert!(next > top);
        let zero = EventId::next(at(1000), None, [0; 10]);
        assert_eq!(zero.successor().millis(), 1000);
        assert!(zero.successor() > zero);
    }

    #[test]
    fn times_out_of_the_uuid_range_are_clamped() {
        let before_epoch = EventId::next(at(-5), None, [1; 10]);
        assert_eq!(before_epoch.millis(), 0);
    }

    #[test]
    fn device_ids_read_back_from_their_text() {
        let id = DeviceId::from_bytes([
            0x3f, 0x2a, 0x9c, 0x41, 0x11, 0x22, 0x43, 0x33, 0x84, 0x44, 0x55, 0x66, 0x77, 0x88,
            0x99, 0x00,
        ]);
        let text = id.to_string();
        assert_eq!(text, "3f2a9c41-1122-4333-8444-556677889900");
        assert_eq!(text.parse::<DeviceId>().unwrap(), id);
        assert_eq!(id.short(), "3f2a9c41");
        assert!("not-an-id".parse::<DeviceId>().is_err());
    }
}
