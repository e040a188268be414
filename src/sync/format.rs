//! The log format: how events are written to a device's log in the sync folder and to an
//! export file, and read back. Pure: bytes in, records out. docs/sync.md describes the format
//! for readers outside pmquiz.
//!
//! A log is a sequence of records. Each record is self-delimiting and self-checking:
//!
//! ```text
//! magic    4 bytes   "pmq" 0x1E
//! length   u32 LE    payload length in bytes (at most MAX_PAYLOAD)
//! crc      u32 LE    CRC-32 (IEEE, as in gzip and zlib) of the length bytes and the payload
//! payload  `length` bytes: a kind byte, then the kind's fields
//! ```
//!
//! So a reader can tell a record cut short at the end of a file (a sync tool still copying it:
//! read it next time) from a damaged one (report it, find the next magic, go on).

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::event::{Answer, Body, DeviceId, Event, EventId};
use crate::schedule::{CardState, Phase, Rating};

/// The first bytes of every record.
pub const MAGIC: [u8; 4] = *b"pmq\x1e";

/// Magic, length and checksum.
pub const FRAME_LEN: usize = 12;

/// The largest payload a record may have. Real records are a few hundred bytes; a length
/// above this is damage.
pub const MAX_PAYLOAD: usize = 1 << 20;

/// The format version pmquiz writes in a log's header record.
pub const FORMAT_VERSION: u8 = 1;

const KIND_HEADER: u8 = 0;
const KIND_ANSWER: u8 = 1;
const KIND_PRACTICE: u8 = 2;
const KIND_FORGET: u8 = 3;
const KIND_UNDO: u8 = 4;
const KIND_OVERRIDE: u8 = 5;
const KIND_SCHEDULE: u8 = 6;

/// The answer flags byte: right, and overridden (judged wrong, counted as right).
const FLAG_CORRECT: u8 = 1;
const FLAG_OVERRIDDEN: u8 = 2;

/// The first record of every log file: who wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The format version the writer implements.
    pub version: u8,
    /// The device that writes the file (for an export: the device that made it).
    pub device: DeviceId,
    /// The device's name as its user knows it (the host name).
    pub name: String,
    pub purpose: Purpose,
}

/// What a log file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A device's log in a sync folder: its own events, appended to.
    DeviceLog,
    /// `pmquiz history export`: every event a history knows, of every device.
    Export,
}

/// One record read from a log.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Header(Header),
    Event(Event),
    /// A record of a kind this pmquiz does not know, written by a newer pmquiz.
    Newer {
        kind: u8,
    },
}

/// Why bytes of a log could not be read as a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// The bytes do not start with a record's magic.
    NoMagic,
    /// The length is larger than any record can be.
    Length(u32),
    /// The length runs past the next whole record: the length or the file is damaged.
    Cut,
    /// The checksum does not match: some bytes changed.
    Checksum,
    /// The checksum matches but the payload makes no sense.
    Unreadable(String),
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::NoMagic => f.write_str("not the start of a record"),
            Damage::Length(n) => write!(f, "impossible record length {n}"),
            Damage::Cut => f.write_str("record cut short by the next one"),
            Damage::Checksum => f.write_str("checksum mismatch"),
            Damage::Unreadable(why) => write!(f, "unreadable record: {why}"),
        }
    }
}

/// What the bytes at the start of a buffer hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A whole record of `len` bytes.
    Record { len: usize, record: Record },
    /// `len` bytes that are not a record: skip them (the next record starts after them).
    Damaged { len: usize, damage: Damage },
    /// The start of a record that is not whole yet, or nothing at all. Before the end of the
    /// file: read more. At the end of the file: a record still being written or copied; it is
    /// read next time.
    Incomplete,
}

/// Reads the record at the start of `buf`. `eof` says that `buf` runs to the end of the file.
pub fn next(buf: &[u8], eof: bool) -> Step {
    if buf.len() < MAGIC.len() {
        if MAGIC.starts_with(buf) {
            return Step::Incomplete;
        }
        return damaged(buf, 1, Damage::NoMagic);
    }
    if buf[..4] != MAGIC {
        return damaged(buf, 1, Damage::NoMagic);
    }
    if buf.len() < FRAME_LEN {
        return Step::Incomplete;
    }
    let len = u32::from_le_bytes(buf[4..8].try_into().expect("4 bytes"));
    if len as usize > MAX_PAYLOAD {
        return damaged(buf, 1, Damage::Length(len));
    }
    let end = FRAME_LEN + len as usize;
    if buf.len() < end {
        if !eof {
            return Step::Incomplete;
        }
        // The record runs past the end of the file: a tail still being written, unless a
        // whole record starts inside it, in which case its length is wrong.
        return match whole_record_after(buf, 1) {
            Some(at) => Step::Damaged {
                len: at,
                damage: Damage::Cut,
            },
            None => Step::Incomplete,
        };
    }
    let stored = u32::from_le_bytes(buf[8..12].try_into().expect("4 bytes"));
    if checksum(&buf[4..8], &buf[FRAME_LEN..end]) != stored {
        return damaged(buf, 1, Damage::Checksum);
    }
    match decode(&buf[FRAME_LEN..end]) {
        Ok(record) => Step::Record { len: end, record },
        Err(why) => Step::Damaged {
            len: end,
            damage: Damage::Unreadable(why),
        },
    }
}

/// The damaged bytes from the start of `buf` up to the next magic at or after `from` (or up to
/// a partial magic at the very end, or the end).
fn damaged(buf: &[u8], from: usize, damage: Damage) -> Step {
    Step::Damaged {
        len: next_magic(buf, from),
        damage,
    }
}

/// The position of the next record's magic at or after `from`; at the end of `buf`, a part of
/// a magic counts (the rest may follow); `buf.len()` if there is none.
fn next_magic(buf: &[u8], from: usize) -> usize {
    let from = from.min(buf.len());
    if let Some(i) = buf[from..].windows(4).position(|w| w == MAGIC) {
        return from + i;
    }
    for k in (1..MAGIC.len()).rev() {
        if buf.len() >= from + k && buf.ends_with(&MAGIC[..k]) {
            return buf.len() - k;
        }
    }
    buf.len()
}

/// The position of the first whole, valid record starting at or after `from`.
fn whole_record_after(buf: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at < buf.len() {
        at = next_magic(buf, at);
        if at >= buf.len() {
            return None;
        }
        if let Step::Record { .. } = next(&buf[at..], false) {
            return Some(at);
        }
        at += 1;
    }
    None
}

fn checksum(len: &[u8], payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(len);
    h.update(payload);
    h.finalize()
}

/// Appends the framing around the payload that `write` puts in `out`.
fn framed(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&[0; 8]);
    write(out);
    let len = out.len() - start - FRAME_LEN;
    assert!(len <= MAX_PAYLOAD, "a record of {len} bytes is too large");
    let len_bytes = (len as u32).to_le_bytes();
    out[start + 4..start + 8].copy_from_slice(&len_bytes);
    let crc = checksum(&len_bytes, &out[start + FRAME_LEN..]);
    out[start + 8..start + 12].copy_from_slice(&crc.to_le_bytes());
}

/// Appends a header record to `out`.
pub fn encode_header(header: &Header, out: &mut Vec<u8>) {
    framed(out, |p| {
        p.push(KIND_HEADER);
        p.push(header.version);
        p.extend_from_slice(header.device.as_bytes());
        put_str(p, &header.name);
        p.push(match header.purpose {
            Purpose::DeviceLog => 0,
            Purpose::Export => 1,
        });
    });
}

/// Appends an event record to `out`.
pub fn encode_event(event: &Event, out: &mut Vec<u8>) {
    framed(out, |p| {
        p.push(match event.body {
            Body::Answer(..) => KIND_ANSWER,
            Body::Practice(..) => KIND_PRACTICE,
            Body::Forget { .. } => KIND_FORGET,
            Body::Undo { .. } => KIND_UNDO,
            Body::Override { .. } => KIND_OVERRIDE,
            Body::Schedule { .. } => KIND_SCHEDULE,
        });
        p.extend_from_slice(event.id.as_bytes());
        p.extend_from_slice(event.device.as_bytes());
        p.extend_from_slice(&event.at.timestamp_millis().to_le_bytes());
        match &event.body {
            Body::Answer(a, rating) => {
                put_answer(p, a);
                p.push(rating.as_u8());
                p.push(phase_byte(a.phase));
            }
            Body::Practice(a) => put_answer(p, a),
            Body::Forget { deck_id, card_id } => {
                put_str(p, deck_id);
                match card_id {
                    Some(card) => {
                        p.push(1);
                        put_str(p, card);
                    }
                    None => p.push(0),
                }
            }
            Body::Undo { target } => p.extend_from_slice(target.as_bytes()),
            Body::Override { target, rating } => {
                p.extend_from_slice(target.as_bytes());
                p.push(rating.map_or(0, Rating::as_u8));
            }
            Body::Schedule {
                deck_id,
                card_id,
                state,
            } => {
                put_str(p, deck_id);
                put_str(p, card_id);
                p.push(phase_byte(Some(state.phase)));
                p.extend_from_slice(&state.stability.to_bits().to_le_bytes());
                p.extend_from_slice(&state.difficulty.to_bits().to_le_bytes());
                p.extend_from_slice(&state.due.timestamp_millis().to_le_bytes());
                p.extend_from_slice(&state.last_review.timestamp_millis().to_le_bytes());
                put_varint(p, u64::from(state.reps));
                put_varint(p, u64::from(state.lapses));
            }
        }
    });
}

fn phase_byte(phase: Option<Phase>) -> u8 {
    match phase {
        None => 0,
        Some(Phase::New) => 1,
        Some(Phase::Learning) => 2,
        Some(Phase::Review) => 3,
        Some(Phase::Relearning) => 4,
    }
}

fn phase_of(byte: u8) -> Option<Phase> {
    match byte {
        1 => Some(Phase::New),
        2 => Some(Phase::Learning),
        3 => Some(Phase::Review),
        4 => Some(Phase::Relearning),
        _ => None,
    }
}

fn put_answer(p: &mut Vec<u8>, a: &Answer) {
    put_str(p, &a.deck_id);
    put_str(p, &a.card_id);
    put_str(p, &a.question_kind);
    let mut flags = 0;
    if a.correct {
        flags |= FLAG_CORRECT;
    }
    if a.overridden {
        flags |= FLAG_OVERRIDDEN;
    }
    p.push(flags);
    put_str(p, &a.given);
    put_str(p, &a.expected);
    put_varint(p, u64::try_from(a.duration.as_millis()).unwrap_or(u64::MAX));
    put_str(p, &a.session_id);
}

fn put_varint(p: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        p.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    p.push(v as u8);
}

fn put_str(p: &mut Vec<u8>, s: &str) {
    put_varint(p, s.len() as u64);
    p.extend_from_slice(s.as_bytes());
}

/// Reads a payload. Bytes after the fields a kind has are ignored: a newer pmquiz may add
/// fields at the end of a kind.
fn decode(payload: &[u8]) -> Result<Record, String> {
    let mut c = Cursor {
        buf: payload,
        at: 0,
    };
    let kind = c.u8()?;
    match kind {
        KIND_HEADER => {
            let version = c.u8()?;
            let device = DeviceId::from_bytes(c.bytes16()?);
            let name = c.str()?;
            let purpose = match c.u8()? {
                0 => Purpose::DeviceLog,
                _ => Purpose::Export,
            };
            Ok(Record::Header(Header {
                version,
                device,
                name,
                purpose,
            }))
        }
        KIND_ANSWER | KIND_PRACTICE | KIND_FORGET | KIND_UNDO | KIND_OVERRIDE | KIND_SCHEDULE => {
            let id = EventId::from_bytes(c.bytes16()?);
            let device = DeviceId::from_bytes(c.bytes16()?);
            let ms = c.i64()?;
            let at = DateTime::<Utc>::from_timestamp_millis(ms)
                .ok_or_else(|| format!("time {ms} out of range"))?;
            let body = match kind {
                KIND_ANSWER => {
                    let mut answer = c.answer()?;
                    let rating = Rating::try_from(c.u8()?).map_err(|e| e.to_string())?;
                    // The phase may be missing from the first logs written: unknown.
                    answer.phase = phase_of(c.u8().unwrap_or(0));
                    Body::Answer(answer, rating)
                }
                KIND_PRACTICE => Body::Practice(c.answer()?),
                KIND_FORGET => {
                    let deck_id = c.str()?;
                    let card_id = match c.u8()? {
                        0 => None,
                        _ => Some(c.str()?),
                    };
                    Body::Forget { deck_id, card_id }
                }
                KIND_UNDO => Body::Undo {
                    target: EventId::from_bytes(c.bytes16()?),
                },
                KIND_SCHEDULE => {
                    let deck_id = c.str()?;
                    let card_id = c.str()?;
                    let phase = phase_of(c.u8()?).ok_or("a schedule without a phase")?;
                    let stability = f32::from_bits(c.u32()?);
                    let difficulty = f32::from_bits(c.u32()?);
                    let time = |ms: i64| {
                        DateTime::<Utc>::from_timestamp_millis(ms)
                            .ok_or_else(|| format!("time {ms} out of range"))
                    };
                    let due = time(c.i64()?)?;
                    let last_review = time(c.i64()?)?;
                    let count =
                        |v: u64| u32::try_from(v).map_err(|_| format!("count {v} too large"));
                    let reps = count(c.varint()?)?;
                    let lapses = count(c.varint()?)?;
                    Body::Schedule {
                        deck_id,
                        card_id,
                        state: CardState {
                            phase,
                            stability,
                            difficulty,
                            due,
                            last_review,
                            reps,
                            lapses,
                        },
                    }
                }
                _ => {
                    let target = EventId::from_bytes(c.bytes16()?);
                    let rating = match c.u8()? {
                        0 => None,
                        r => Some(Rating::try_from(r).map_err(|e| e.to_string())?),
                    };
                    Body::Override { target, rating }
                }
            };
            Ok(Record::Event(Event {
                id,
                device,
                at,
                body,
            }))
        }
        kind => Ok(Record::Newer { kind }),
    }
}

struct Cursor<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or_else(|| "the record ends early".to_string())?;
        let bytes = &self.buf[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn bytes16(&mut self) -> Result<[u8; 16], String> {
        Ok(self.take(16)?.try_into().expect("16 bytes"))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn i64(&mut self) -> Result<i64, String> {
        Ok(i64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number is too long".to_string())
    }

    fn str(&mut self) -> Result<String, String> {
        let len = self.varint()?;
        let len = usize::try_from(len).map_err(|_| "a text is too long".to_string())?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a text is not UTF-8".to_string())
    }

    fn answer(&mut self) -> Result<Answer, String> {
        let deck_id = self.str()?;
        let card_id = self.str()?;
        let question_kind = self.str()?;
        // Flags a newer pmquiz may add are ignored.
        let flags = self.u8()?;
        Ok(Answer {
            deck_id,
            card_id,
            question_kind,
            correct: flags & FLAG_CORRECT != 0,
            overridden: flags & FLAG_OVERRIDDEN != 0,
            given: self.str()?,
            expected: self.str()?,
            duration: Duration::from_millis(self.varint()?),
            session_id: self.str()?,
            phase: None,
        })
    }
}

/// What [`read_all`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Contents {
    /// Every record, with its offset.
    pub records: Vec<(usize, Record)>,
    /// Every damaged span: offset, length, and the damage found at its start.
    pub damaged: Vec<(usize, usize, Damage)>,
    /// Where the whole records end (the rest is a record not yet whole).
    pub end: usize,
}

/// Every record and every damaged span of a whole buffer (the end of a file), with offsets:
/// for tests and small files. The edge reads big files in pieces with [`next`].
pub fn read_all(buf: &[u8]) -> Contents {
    let mut records = Vec::new();
    let mut damaged = Vec::new();
    let mut at = 0;
    loop {
        match next(&buf[at..], true) {
            Step::Record { len, record } => {
                records.push((at, record));
                at += len;
            }
            Step::Damaged { len, damage } => {
                // Damaged spans that follow each other are one damaged region.
                match damaged.last_mut() {
                    Some((start, span, _)) if *start + *span == at => *span += len,
                    _ => damaged.push((at, len, damage)),
                }
                at += len;
            }
            Step::Incomplete => {
                return Contents {
                    records,
                    damaged,
                    end: at,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).unwrap()
    }

    fn device(n: u8) -> DeviceId {
        DeviceId::from_bytes([n; 16])
    }

    fn answer(card: &str) -> Answer {
        Answer {
            deck_id: "faq".to_string(),
            card_id: card.to_string(),
            question_kind: "typed".to_string(),
            correct: true,
            overridden: false,
            given: "Lean — «ok» ✓".to_string(),
            expected: "Lean".to_string(),
            duration: Duration::from_millis(4_321),
            session_id: "1767225600000-42".to_string(),
            phase: None,
        }
    }

    fn events() -> Vec<Event> {
        let id = |n: i64| EventId::next(t(1_767_225_600_000 + n), None, [n as u8; 10]);
        vec![
            Event {
                id: id(1),
                device: device(1),
                at: t(1_767_225_600_001),
                body: Body::Answer(answer("c1"), Rating::Good),
            },
            Event {
                id: id(2),
                device: device(2),
                at: t(1_767_225_600_002),
                body: Body::Practice(Answer {
                    correct: false,
                    ..answer("c2")
                }),
            },
            Event {
                id: id(3),
                device: device(1),
                at: t(1_767_225_600_003),
                body: Body::Forget {
                    deck_id: "faq".to_string(),
                    card_id: Some("c1".to_string()),
                },
            },
            Event {
                id: id(4),
                device: device(1),
                at: t(1_767_225_600_004),
                body: Body::Forget {
                    deck_id: "faq".to_string(),
                    card_id: None,
                },
            },
            Event {
                id: id(5),
                device: device(3),
                at: t(1_767_225_600_005),
                body: Body::Undo { target: id(1) },
            },
            Event {
                id: id(6),
                device: device(1),
                at: t(1_767_225_600_006),
                body: Body::Answer(
                    Answer {
                        overridden: true,
                        phase: Some(Phase::Relearning),
                        ..answer("c3")
                    },
                    Rating::Hard,
                ),
            },
            Event {
                id: id(7),
                device: device(1),
                at: t(1_767_225_600_007),
                body: Body::Override {
                    target: id(6),
                    rating: Some(Rating::Good),
                },
            },
            Event {
                id: id(8),
                device: device(1),
                at: t(1_767_225_600_008),
                body: Body::Override {
                    target: id(2),
                    rating: None,
                },
            },
            Event {
                id: id(9),
                device: device(2),
                at: t(1_767_225_600_009),
                body: Body::Schedule {
                    deck_id: "anki".to_string(),
                    card_id: "note-1".to_string(),
                    state: CardState {
                        phase: Phase::Review,
                        stability: 12.345_678,
                        difficulty: 6.5,
                        due: t(1_768_000_000_000),
                        last_review: t(1_767_000_000_000),
                        reps: 9,
                        lapses: 300,
                    },
                },
            },
        ]
    }

    fn header() -> Header {
        Header {
            version: FORMAT_VERSION,
            device: device(1),
            name: "laptop".to_string(),
            purpose: Purpose::DeviceLog,
        }
    }

    fn log() -> (Vec<u8>, Vec<usize>) {
        let mut out = Vec::new();
        let mut starts = vec![0];
        encode_header(&header(), &mut out);
        for e in events() {
            starts.push(out.len());
            encode_event(&e, &mut out);
        }
        starts.push(out.len());
        (out, starts)
    }

    #[test]
    fn records_read_back_as_written() {
        let (bytes, starts) = log();
        let Contents {
            records,
            damaged,
            end,
        } = read_all(&bytes);
        assert!(damaged.is_empty(), "{damaged:?}");
        assert_eq!(end, bytes.len());
        assert_eq!(records[0], (0, Record::Header(header())));
        let read: Vec<Event> = records[1..]
            .iter()
            .map(|(_, r)| match r {
                Record::Event(e) => e.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(read, events());
        let offsets: Vec<usize> = records.iter().map(|(at, _)| *at).collect();
        assert_eq!(offsets, starts[..starts.len() - 1]);
    }

    #[test]
    fn the_framing_is_as_documented() {
        let mut out = Vec::new();
        encode_header(&header(), &mut out);
        assert_eq!(&out[..4], b"pmq\x1e");
        let len = u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize;
        assert_eq!(out.len(), FRAME_LEN + len);
        // CRC-32 of the length and the payload, as zlib computes it.
        let mut whole = out[4..8].to_vec();
        whole.extend_from_slice(&out[12..]);
        assert_eq!(
            u32::from_le_bytes(out[8..12].try_into().unwrap()),
            crc32fast::hash(&whole)
        );
        // kind 0, version 1, 16 bytes of device id, the name as a length and UTF-8, purpose 0.
        assert_eq!(out[12], 0);
        assert_eq!(out[13], 1);
        assert_eq!(&out[14..30], &[1; 16]);
        assert_eq!(out[30], 6);
        assert_eq!(&out[31..37], b"laptop");
        assert_eq!(out[37], 0);
        assert_eq!(out.len(), 38);
    }

    #[test]
    fn a_file_cut_anywhere_reads_up_to_its_last_whole_record() {
        let (bytes, starts) = log();
        for cut in 0..bytes.len() {
            let Contents {
                records,
                damaged,
                end,
            } = read_all(&bytes[..cut]);
            assert!(damaged.is_empty(), "cut at {cut}: {damaged:?}");
            let whole = starts.iter().rposition(|&s| s <= cut).unwrap();
            assert_eq!(records.len(), whole, "cut at {cut}");
            assert_eq!(end, starts[whole], "cut at {cut}");
        }
    }

    #[test]
    fn a_changed_byte_damages_one_record_and_the_others_are_read() {
        let (bytes, starts) = log();
        for at in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut copy = bytes.clone();
                copy[at] ^= flip;
                let Contents {
                    records,
                    damaged,
                    end,
                } = read_all(&copy);
                let hit = starts.iter().rposition(|&s| s <= at).unwrap();
                let len_at = |b: &[u8]| {
                    u32::from_le_bytes(b[starts[hit] + 4..starts[hit] + 8].try_into().unwrap())
                        as usize
                };
                if hit == starts.len() - 2
                    && len_at(&copy) > len_at(&bytes)
                    && len_at(&copy) <= MAX_PAYLOAD
                {
                    // The last record's length now runs past the end of the file: it is taken
                    // for a record still being copied, and read again next time.
                    assert!(damaged.is_empty());
                    assert_eq!(end, starts[hit]);
                    assert_eq!(records.len(), starts.len() - 2);
                    continue;
                }
                assert_eq!(end, copy.len(), "byte {at} ^ {flip:#x}");
                // The damaged record is reported where it starts, and only it is lost.
                assert_eq!(damaged.len(), 1, "byte {at} ^ {flip:#x}: {damaged:?}");
                assert_eq!(damaged[0].0, starts[hit], "byte {at} ^ {flip:#x}");
                assert_eq!(records.len(), starts.len() - 2, "byte {at} ^ {flip:#x}");
                assert!(records.iter().all(|(s, _)| *s != starts[hit]));
            }
        }
    }

    #[test]
    fn a_damaged_length_in_the_last_record_waits_then_is_reported() {
        let (bytes, starts) = log();
        let last = starts[starts.len() - 2];
        let mut copy = bytes.clone();
        copy[last + 4] = 0xff; // a longer length: the record now runs past the end
        let Contents {
            records,
            damaged,
            end,
        } = read_all(&copy);
        assert!(damaged.is_empty());
        assert_eq!(end, last, "read again next time");
        assert_eq!(records.len(), starts.len() - 2);
        // Once another record follows, the damaged one is reported and skipped.
        let mut more = copy.clone();
        encode_header(&header(), &mut more);
        let Contents {
            records,
            damaged,
            end,
        } = read_all(&more);
        assert_eq!(end, more.len());
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].0, last);
        assert_eq!(damaged[0].2, Damage::Cut);
        assert_eq!(records.len(), starts.len() - 1);
    }

    #[test]
    fn garbage_is_reported_and_skipped() {
        let (bytes, starts) = log();
        let mut copy = b"garbage".to_vec();
        copy.extend_from_slice(&bytes);
        copy.extend_from_slice(b"xx"); // not the start of a record
        let Contents {
            records,
            damaged,
            end,
        } = read_all(&copy);
        assert_eq!(records.len(), starts.len() - 1);
        assert_eq!(damaged.len(), 2);
        assert_eq!((damaged[0].0, damaged[0].1), (0, 7));
        assert_eq!(damaged[1].0, copy.len() - 2);
        assert_eq!(end, copy.len());
        // A piece of a magic at the very end may be the start of a record.
        let mut copy = bytes.clone();
        copy.extend_from_slice(b"pm");
        let Contents { damaged, end, .. } = read_all(&copy);
        assert!(damaged.is_empty());
        assert_eq!(end, bytes.len());
    }

    #[test]
    fn records_of_a_newer_pmquiz_are_recognised() {
        let mut out = Vec::new();
        framed(&mut out, |p| p.extend_from_slice(&[9, 1, 2, 3]));
        assert_eq!(
            next(&out, true),
            Step::Record {
                len: out.len(),
                record: Record::Newer { kind: 9 }
            }
        );
        // Fields a newer pmquiz adds at the end of a known kind are ignored.
        let mut longer = Vec::new();
        framed(&mut longer, |p| {
            p.push(KIND_HEADER);
            p.push(2);
            p.extend_from_slice(&[7; 16]);
            put_str(p, "desk");
            p.push(0);
            p.extend_from_slice(b"future fields");
        });
        match next(&longer, true) {
            Step::Record {
                record: Record::Header(h),
                ..
            } => assert_eq!((h.version, h.name.as_str()), (2, "desk")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_valid_checksum_over_nonsense_is_unreadable() {
        let mut out = Vec::new();
        framed(&mut out, |p| {
            p.push(KIND_ANSWER);
            p.extend_from_slice(&[0; 10]);
        });
        match next(&out, true) {
            Step::Damaged {
                len,
                damage: Damage::Unreadable(_),
            } => assert_eq!(len, out.len()),
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_without_panic_and_always_advance(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
            splice in 0usize..400,
        ) {
            // Real records inside random bytes: every step moves on, and the whole records
            // after the last damaged byte are found.
            let (log, _) = log();
            let mut buf = bytes.clone();
            let at = splice.min(buf.len());
            buf.splice(at..at, log.iter().copied());
            let mut pos = 0;
            while let Step::Record { len, .. } | Step::Damaged { len, .. } = next(&buf[pos..], true) {
                prop_assert!(len > 0);
                pos += len;
            }
            prop_assert!(pos <= buf.len());
        }

        #[test]
        fn strings_and_numbers_round_trip(
            card in "\\PC{0,40}",
            given in "\\PC{0,200}",
            ms in 0u64..u64::MAX / 2,
            at in 0i64..4_102_444_800_000,
        ) {
            let e = Event {
                id: EventId::next(t(at), None, [7; 10]),
                device: device(9),
                at: t(at),
                body: Body::Practice(Answer {
                    card_id: card,
                    given,
                    duration: Duration::from_millis(ms),
                    ..answer("x")
                }),
            };
            let mut out = Vec::new();
            encode_event(&e, &mut out);
            prop_assert_eq!(next(&out, true), Step::Record { len: out.len(), record: Record::Event(e) });
        }
    }
}
