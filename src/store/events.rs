//! The review history as events: ids for new events, this device and the others, the events
//! that go out to a sync folder or an export file and the ones that come in, and the replay of
//! the cards that incoming events touched.
//!
//! Incoming events are inserted once (by id) in the same transaction that notes the cards they
//! touch in `replay_pending`; [`Store::replay_pending`] then computes those cards' schedules
//! again from all their events. A process killed between the two leaves the cards noted, and
//! the next replay finishes the work.

use std::collections::{HashMap, HashSet};
use std::ops::AddAssign;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::bulk::DroppedIndexes;
use super::{Store, StoreError, from_millis_col, to_millis, upsert_card};
use crate::schedule::{CardState, Rating, Scheduler};
use crate::sync::event::{Answer, Body, DeviceId, Event, EventId};
use crate::sync::replay::{CardEvent, Step, replay};

/// A device this history has events of, for `pmquiz sync --status`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceInfo {
    pub id: DeviceId,
    /// Its name (host name), empty if no log of it was read yet.
    pub name: String,
    /// This device.
    pub this: bool,
    /// Answers (scheduled ones and practice) of this device in the history.
    pub answers: u64,
    /// Its events of every kind in the history.
    pub events: u64,
    /// The time of its latest event, by its own clock.
    pub last_at: Option<DateTime<Utc>>,
}

/// This device's log in a sync folder, as it was last written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncLog {
    /// Bytes written to the log.
    pub length: u64,
    /// Every event of this device with an id up to this one is in the log: the greatest id
    /// the history held when the log was last written.
    pub exported: Option<EventId>,
}

/// How far another log of a sync folder has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncRead {
    /// Bytes of whole records read.
    pub offset: u64,
    /// The start and checksum of the last record read, to notice a file that was replaced.
    pub last: Option<(u64, u32)>,
}

/// What [`Store::import`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Imported {
    /// Events new to this history.
    pub added: usize,
    /// Cards replayed in the same transaction ([`Store::import_and_replay`]).
    pub replayed: usize,
    /// Events it already had (or answers it had taken back).
    pub known: usize,
    /// New answers (scheduled and practice) among the events added.
    pub answers: usize,
}

/// Counts of several imports added up, field by field.
impl AddAssign for Imported {
    fn add_assign(&mut self, other: Imported) {
        let Imported {
            added,
            replayed,
            known,
            answers,
        } = other;
        self.added += added;
        self.replayed += replayed;
        self.known += known;
        self.answers += answers;
    }
}

/// Which events [`Store::for_each_event`] visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Events {
    /// Every event of every device.
    All,
    /// This device's events with an id greater than the one given (all of them for `None`).
    OwnAfter(Option<EventId>),
}

/// The id of a new event at `at`: after every id this history knows (see [`EventId::next`]).
/// Read and used inside the write transaction that records the event, so ids grow in the
/// order events are committed, across processes.
pub(super) fn next_id(conn: &Connection, at: DateTime<Utc>) -> rusqlite::Result<EventId> {
    Ok(EventId::next(at, last_id(conn)?, rand::random()))
}

/// The greatest event id the history holds.
fn last_id(conn: &Connection) -> rusqlite::Result<Option<EventId>> {
    let last: Option<Vec<u8>> = conn
        .prepare_cached(
            "SELECT max(m) FROM (SELECT max(event_id) AS m FROM answers \
             UNION ALL SELECT max(event_id) FROM practice \
             UNION ALL SELECT max(event_id) FROM forgets \
             UNION ALL SELECT max(event_id) FROM undos \
             UNION ALL SELECT max(event_id) FROM overrides \
             UNION ALL SELECT max(event_id) FROM schedule_sets)",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(last.and_then(|b| <[u8; 16]>::try_from(b).ok().map(EventId::from_bytes)))
}

/// Ids for many new events recorded in one write transaction: the greatest id is read once.
pub(super) struct IdSource {
    last: Option<EventId>,
}

impl IdSource {
    pub(super) fn new(tx: &Transaction<'_>) -> rusqlite::Result<IdSource> {
        Ok(IdSource { last: last_id(tx)? })
    }

    pub(super) fn next(&mut self, at: DateTime<Utc>) -> EventId {
        let id = EventId::next(at, self.last, rand::random());
        self.last = Some(id);
        id
    }
}

/// Notes the card for replay when one of its events sorts after the new event `id` at `at`
/// (another device's clock was ahead): the schedule just computed from the card's current one
/// then skipped that event's order.
pub(super) fn check_order(
    tx: &Transaction<'_>,
    deck_id: &str,
    card_id: &str,
    at: DateTime<Utc>,
    id: EventId,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO replay_pending (deck_id, card_id) \
         SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM answers WHERE deck_id = ?1 AND card_id = ?2 \
               AND (answered_at > ?3 OR (answered_at = ?3 AND event_id > ?4))) \
           OR EXISTS (SELECT 1 FROM forgets WHERE deck_id = ?1 \
               AND (card_id = ?2 OR card_id IS NULL) \
               AND (at > ?3 OR (at = ?3 AND event_id > ?4))) \
           OR EXISTS (SELECT 1 FROM schedule_sets WHERE deck_id = ?1 AND card_id = ?2 \
               AND (at > ?3 OR (at = ?3 AND event_id > ?4)))",
    )?
    .execute(params![deck_id, card_id, to_millis(at), id.as_bytes()])?;
    Ok(())
}

/// Whether the card of a changed answer (`target`, given at `answered_at`) is to be replayed
/// rather than given the schedule the change computed: it has an event after the answer, or
/// was already waiting for a replay. Notes it for replay in the first case.
fn replayed_instead(
    tx: &Transaction<'_>,
    deck_id: &str,
    card_id: &str,
    answered_at: DateTime<Utc>,
    target: EventId,
) -> rusqlite::Result<bool> {
    check_order(tx, deck_id, card_id, answered_at, target)?;
    tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM replay_pending WHERE deck_id = ?1 AND card_id = ?2)",
    )?
    .query_row(params![deck_id, card_id], |r| r.get(0))
}

fn event_id_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<EventId> {
    let bytes: Vec<u8> = r.get(idx)?;
    <[u8; 16]>::try_from(bytes.as_slice())
        .map(EventId::from_bytes)
        .map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                idx,
                rusqlite::types::Type::Blob,
                "an event id is not 16 bytes".into(),
            )
        })
}

fn device_id_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<DeviceId> {
    event_id_col(r, idx).map(|e| DeviceId::from_bytes(*e.as_bytes()))
}

/// Whether a card id looks like one pmquiz derived from a card's text before 64-bit ids (the
/// patterns of src/schema-2.sql): `KIND-` and 8 hex digits, or `table-`, 8 hex digits, `/ROW`.
fn looks_legacy(card_id: &str) -> bool {
    let hex8 = |s: &str| s.len() == 8 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if let Some(rest) = card_id.strip_prefix("table-")
        && let Some((hex, _)) = rest.split_once('/')
        && hex8(hex)
    {
        return true;
    }
    card_id.rsplit_once('-').is_some_and(|(_, tail)| hex8(tail))
}

impl Store {
    /// This device's number and id, as the migration made them.
    pub(super) fn read_device(&self) -> Result<(i64, DeviceId), StoreError> {
        self.conn
            .query_row(
                "SELECT devices.num, devices.id FROM this_device JOIN devices USING (num)",
                [],
                |r| Ok((r.get(0)?, device_id_col(r, 1)?)),
            )
            .map_err(|e| self.err(e))
    }

    /// This device's id: the name of its log in a sync folder.
    pub fn device_id(&self) -> DeviceId {
        self.device.1
    }

    /// Records the name of a device (its host name), shown by `pmquiz sync --status`.
    pub fn set_device_name(&self, device: DeviceId, name: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO devices (id, name) VALUES (?1, ?2) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                params![device.as_bytes(), name],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Every device this history knows, this one first, with how many events of each it has.
    pub fn devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        let mut counts: HashMap<i64, (u64, u64, Option<i64>)> = HashMap::new();
        for (table, time, answers) in [
            ("answers", "answered_at", true),
            ("practice", "answered_at", true),
            ("forgets", "at", false),
            ("undos", "at", false),
            ("overrides", "at", false),
            ("schedule_sets", "at", false),
        ] {
            let sql = format!("SELECT device, COUNT(*), MAX({time}) FROM {table} GROUP BY device");
            let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
            let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let num: i64 = r.get(0).map_err(|e| self.err(e))?;
                let n: i64 = r.get(1).map_err(|e| self.err(e))?;
                let last: Option<i64> = r.get(2).map_err(|e| self.err(e))?;
                let entry = counts.entry(num).or_default();
                if answers {
                    entry.0 += n as u64;
                }
                entry.1 += n as u64;
                entry.2 = entry.2.max(last);
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT num, id, name FROM devices ORDER BY num")
            .map_err(|e| self.err(e))?;
        let list = stmt
            .query_map([], |r| {
                let num: i64 = r.get(0)?;
                let (answers, events, last) = counts.get(&num).copied().unwrap_or_default();
                Ok(DeviceInfo {
                    id: device_id_col(r, 1)?,
                    name: r.get(2)?,
                    this: num == self.device.0,
                    answers,
                    events,
                    last_at: last.and_then(DateTime::from_timestamp_millis),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))?;
        let (mut this, others): (Vec<_>, Vec<_>) = list.into_iter().partition(|d| d.this);
        this.extend(others);
        Ok(this)
    }

    /// Takes back the answer (or practice answer) with event id `target`, as an event at `at`
    /// that reaches other devices with the next sync: its row is deleted and the card's
    /// schedule becomes `previous` (the schedule before the answer, as [`super::Recorded`]
    /// gave it). Should the card have a later event than the answer, the card is replayed
    /// instead. Returns false, changing nothing, if there is no such answer.
    pub fn undo(
        &self,
        target: EventId,
        previous: Option<&CardState>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.write()?;
        let found = undo_in(&tx, target).map_err(|e| self.err(e))?;
        let Some(found) = found else {
            return Ok(false);
        };
        let id = next_id(&tx, at).map_err(|e| self.err(e))?;
        tx.execute(
            "INSERT INTO undos (event_id, device, at, target) VALUES (?1, ?2, ?3, ?4)",
            params![
                id.as_bytes(),
                self.device.0,
                to_millis(at),
                target.as_bytes()
            ],
        )
        .map_err(|e| self.err(e))?;
        if let Undone::Answer(deck_id, card_id, answered_at) = found {
            // A card with an event after the answer (or already waiting) is replayed instead.
            let replayed = replayed_instead(&tx, &deck_id, &card_id, answered_at, target)
                .map_err(|e| self.err(e))?;
            if !replayed {
                match previous {
                    Some(state) => upsert_card(&tx, &deck_id, &card_id, state).map(drop),
                    None => tx
                        .execute(
                            "DELETE FROM cards WHERE deck_id = ?1 AND card_id = ?2",
                            params![deck_id, card_id],
                        )
                        .map(drop),
                }
                .map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(true)
    }

    /// Counts the answer (or practice answer) `recorded` as right after all, as an event at
    /// `at` that reaches other devices with the next sync: its row is marked right and
    /// overridden and, for a scheduled answer, given `rating`, and its card gets the schedule
    /// `next` (what the answer would have given with that rating). Should the card have a
    /// later event than the answer, the card is replayed instead.
    pub(crate) fn override_answer(
        &self,
        recorded: &super::Recorded,
        rating: Rating,
        next: &CardState,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        let id = next_id(&tx, at).map_err(|e| self.err(e))?;
        let target = recorded.event;
        let rating = (!recorded.practice).then_some(rating);
        tx.execute(
            "INSERT INTO overrides (event_id, device, at, target, rating) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id.as_bytes(),
                self.device.0,
                to_millis(at),
                target.as_bytes(),
                rating
            ],
        )
        .map_err(|e| self.err(e))?;
        let card = apply_override(&tx, target).map_err(|e| self.err(e))?;
        if let Some((deck_id, card_id)) = card {
            let answered_at: DateTime<Utc> = tx
                .query_row(
                    "SELECT answered_at FROM answers WHERE event_id = ?1",
                    [target.as_bytes()],
                    |r| from_millis_col(r, 0),
                )
                .map_err(|e| self.err(e))?;
            let replayed = replayed_instead(&tx, &deck_id, &card_id, answered_at, target)
                .map_err(|e| self.err(e))?;
            if !replayed {
                upsert_card(&tx, &deck_id, &card_id, next).map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Calls `f` with each event of `which`, in id order (time order), until it returns false.
    pub fn for_each_event(
        &self,
        which: Events,
        mut f: impl FnMut(Event) -> bool,
    ) -> Result<(), StoreError> {
        let devices: HashMap<i64, DeviceId> = self
            .conn
            .prepare("SELECT num, id FROM devices")
            .and_then(|mut stmt| {
                stmt.query_map([], |r| Ok((r.get(0)?, device_id_col(r, 1)?)))?
                    .collect()
            })
            .map_err(|e| self.err(e))?;
        let (filter, after, device): (&str, Vec<u8>, i64) = match which {
            Events::All => ("1", Vec::new(), 0),
            Events::OwnAfter(after) => (
                "device = ?2 AND event_id > ?1",
                after.map_or_else(Vec::new, |a| a.as_bytes().to_vec()),
                self.device.0,
            ),
        };
        // Each part is read in event-id order from its unique index, and SQLite merges them.
        let sql = format!(
            "SELECT 1, event_id, device, answered_at, deck_id, card_id, question_kind, correct, \
                    rating, given, expected, duration_ms, session_id, NULL, overridden, phase \
               FROM answers WHERE {filter} \
             UNION ALL \
             SELECT 2, event_id, device, answered_at, deck_id, card_id, question_kind, correct, \
                    NULL, given, expected, duration_ms, session_id, NULL, overridden, NULL \
               FROM practice WHERE {filter} \
             UNION ALL \
             SELECT 3, event_id, device, at, deck_id, card_id, NULL, NULL, NULL, NULL, NULL, \
                    NULL, NULL, NULL, NULL, NULL \
               FROM forgets WHERE {filter} \
             UNION ALL \
             SELECT 4, event_id, device, at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
                    NULL, target, NULL, NULL \
               FROM undos WHERE {filter} \
             UNION ALL \
             SELECT 5, event_id, device, at, NULL, NULL, NULL, NULL, rating, NULL, NULL, NULL, \
                    NULL, target, NULL, NULL \
               FROM overrides WHERE {filter} \
             UNION ALL \
             SELECT 6, event_id, device, at, deck_id, card_id, phase, stability, difficulty, \
                    due, last_review, reps, lapses, NULL, NULL, NULL \
               FROM schedule_sets WHERE {filter} \
             ORDER BY 2"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = match which {
            Events::All => stmt.query([]),
            Events::OwnAfter(_) => stmt.query(params![after, device]),
        }
        .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let event = event_from_row(r, &devices).map_err(|e| self.err(e))?;
            if !f(event) {
                break;
            }
        }
        Ok(())
    }

    /// How many of this device's events have an id greater than `after`.
    pub fn count_own_events_after(&self, after: Option<EventId>) -> Result<u64, StoreError> {
        let after = after.map_or_else(Vec::new, |a| a.as_bytes().to_vec());
        self.conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM answers WHERE device = ?2 AND event_id > ?1) \
                      + (SELECT COUNT(*) FROM practice WHERE device = ?2 AND event_id > ?1) \
                      + (SELECT COUNT(*) FROM forgets WHERE device = ?2 AND event_id > ?1) \
                      + (SELECT COUNT(*) FROM undos WHERE device = ?2 AND event_id > ?1) \
                      + (SELECT COUNT(*) FROM overrides WHERE device = ?2 AND event_id > ?1) \
                      + (SELECT COUNT(*) FROM schedule_sets WHERE device = ?2 AND event_id > ?1)",
                params![after, self.device.0],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Adds the events this history does not have yet, in one transaction, and notes the
    /// cards whose schedules they change for [`Store::replay_pending`]. With `read`, also
    /// records how far a log was read in the same transaction, so that a killed sync either
    /// did both or neither.
    pub fn import(
        &self,
        events: &[Event],
        read: Option<(&str, &str, SyncRead)>,
    ) -> Result<Imported, StoreError> {
        let tx = self.write()?;
        let imported = import_and_set_read(&tx, events, read).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(imported)
    }

    /// Lets SQLite keep up to `mib` MiB of the database in memory while this store is open,
    /// for work that touches much of it (a first sync of a big history): its indexes are then
    /// updated in memory rather than read from disk page by page. Pages are only kept once
    /// read, so a small sync uses little of it.
    pub fn use_big_cache(&self, mib: i64) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -mib * 1024)
            .map_err(|e| self.err(e))
    }

    /// Starts adding a great many events (the first sync of a big history) in one
    /// transaction: the secondary indexes of `answers` are dropped, and built again by
    /// [`BulkImport::finish`], which is much faster than updating them for every answer. The
    /// history is locked for writing until then; a process killed before leaves it as it was.
    pub fn bulk_import(&self) -> Result<BulkImport<'_>, StoreError> {
        let tx = self.write()?;
        let indexes =
            DroppedIndexes::drop(&tx, &["answers"], &["answers_event"]).map_err(|e| self.err(e))?;
        Ok(BulkImport {
            store: self,
            tx,
            indexes,
        })
    }

    /// Lets this connection's commits skip waiting for the disk (SQLite's `synchronous =
    /// NORMAL` in WAL mode). A power cut may then lose the last transactions, never tear one.
    /// Right for a sync: what it adds is in the other devices' logs, and how far it read is
    /// committed with it, so a lost transaction is simply done again by the next sync. Not
    /// for answers, which exist nowhere else.
    ///
    /// Also leaves the write-ahead log to be copied into the database by the next pmquiz that
    /// writes a lot, rather than when this connection closes, so that a small sync does not
    /// wait for that copy (after a big one, [`Store::checkpoint`] empties it).
    pub fn commit_without_waiting_for_the_disk(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .and_then(|()| self.checkpoint_on_close(false))
            .map_err(|e| self.err(e))
    }

    /// Whether SQLite copies the write-ahead log into the database when this connection
    /// closes (its default).
    fn checkpoint_on_close(&self, on: bool) -> rusqlite::Result<()> {
        self.conn
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                !on,
            )
            .map(drop)
    }

    /// How commits wait for the disk, for tests: `PRAGMA synchronous` (2 is FULL), the page
    /// cache's `cache_size`, and whether closing skips the checkpoint.
    #[cfg(test)]
    pub(crate) fn disk_settings(&self) -> (i64, i64, bool) {
        let conn = &self.conn;
        let synchronous: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        let cache: i64 = conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap();
        let no_checkpoint = conn
            .db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE)
            .unwrap();
        (synchronous, cache, no_checkpoint)
    }

    /// Undoes [`Store::commit_without_waiting_for_the_disk`] and [`Store::use_big_cache`]:
    /// commits wait for the disk again, the write-ahead log is copied into the database when
    /// this connection closes, and the cache is back to its size at open. For a sync on the
    /// connection of a session, before the session records answers on it.
    pub fn wait_for_the_disk_again(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "synchronous", super::ANSWER_SYNCHRONOUS)
            .and_then(|()| self.checkpoint_on_close(true))
            .and_then(|()| {
                self.conn
                    .pragma_update(None, "cache_size", super::DEFAULT_CACHE_SIZE)
            })
            .map_err(|e| self.err(e))
    }

    /// Copies the write-ahead log into the database and empties it. After a big sync, so that
    /// the next pmquiz to open the history does not read through that log first.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| self.err(e))
    }

    /// [`Store::import`], and then, in the same transaction, the replay of the cards the
    /// events touched when they are few (as after a day's answers on another device): one
    /// commit instead of two. Many cards are left for [`Store::replay_pending`].
    pub fn import_and_replay(
        &self,
        events: &[Event],
        read: Option<(&str, &str, SyncRead)>,
        scheduler: &Scheduler,
    ) -> Result<Imported, StoreError> {
        const FEW: i64 = 4096;
        let err = |e| self.err(e);
        let tx = self.write()?;
        let mut imported = import_and_set_read(&tx, events, read).map_err(err)?;
        let cards = pending_cards(&tx, FEW + 1).map_err(err)?;
        if cards.len() as i64 <= FEW {
            for (deck_id, card_id) in &cards {
                replay_card(&tx, scheduler, deck_id, card_id).map_err(err)?;
            }
            imported.replayed = cards.len();
        }
        tx.commit().map_err(err)?;
        Ok(imported)
    }

    /// How many cards wait for their schedule to be replayed.
    pub fn pending_replays(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM replay_pending", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Computes again the schedule of every card noted in `replay_pending`, from all its
    /// events in time order (ties by id) through `scheduler`, a few thousand cards per
    /// transaction. Returns how many cards were replayed.
    ///
    /// Many cards at once (the first sync of a big history) are replayed from one read of the
    /// whole history rather than one lookup per card; see [`Store::replay_all_pending`].
    pub fn replay_pending(&self, scheduler: &Scheduler) -> Result<u64, StoreError> {
        const BATCH: i64 = 4096;
        /// From this many cards on, reading the whole history once is the faster way.
        const BULK: u64 = 10_000;
        let mut done = 0;
        if self.pending_replays()? >= BULK
            && let Some(n) = self.replay_all_pending(scheduler)?
        {
            done = n;
        }
        loop {
            let tx = self.write()?;
            let cards = pending_cards(&tx, BATCH).map_err(|e| self.err(e))?;
            if cards.is_empty() {
                return Ok(done);
            }
            for (deck_id, card_id) in &cards {
                replay_card(&tx, scheduler, deck_id, card_id).map_err(|e| self.err(e))?;
            }
            tx.commit().map_err(|e| self.err(e))?;
            done += cards.len() as u64;
        }
    }

    /// Replays every card noted in `replay_pending` from one read of the answers and forgets:
    /// the history is read in a read transaction, the schedules computed in memory, and
    /// written in one write transaction, unless another pmquiz changed the history in between
    /// (then `None`: nothing was written, and the cards are replayed one by one).
    fn replay_all_pending(&self, scheduler: &Scheduler) -> Result<Option<u64>, StoreError> {
        let err = |e| self.err(e);
        let read = Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Deferred)
            .map_err(err)?;
        let version: i64 = read
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(err)?;
        // The cards, by a key made of the deck's length, the deck and the card (one allocation
        // per card, none per answer read), with their events; and each deck's cards.
        fn key_into(k: &mut String, deck: &str, card: &str) {
            use std::fmt::Write as _;
            k.clear();
            let _ = write!(k, "{}:", deck.len());
            k.push_str(deck);
            k.push_str(card);
        }
        let key = |deck: &str, card: &str| {
            let mut k = String::new();
            key_into(&mut k, deck, card);
            k
        };
        type Card = (String, String, Vec<CardEvent>);
        let mut cards: HashMap<String, Card> = HashMap::new();
        let mut by_deck: HashMap<String, Vec<String>> = HashMap::new();
        {
            let mut stmt = read
                .prepare("SELECT deck_id, card_id FROM replay_pending")
                .map_err(err)?;
            let mut rows = stmt.query([]).map_err(err)?;
            while let Some(r) = rows.next().map_err(err)? {
                let (deck, card): (String, String) =
                    (r.get(0).map_err(err)?, r.get(1).map_err(err)?);
                let k = key(&deck, &card);
                by_deck.entry(deck.clone()).or_default().push(k.clone());
                cards.insert(k, (deck, card, Vec::new()));
            }
        }
        {
            let mut stmt = read
                .prepare("SELECT deck_id, card_id, answered_at, event_id, rating FROM answers")
                .map_err(err)?;
            let mut rows = stmt.query([]).map_err(err)?;
            let mut k = String::new();
            while let Some(r) = rows.next().map_err(err)? {
                key_into(
                    &mut k,
                    super::str_col(r, 0).map_err(err)?,
                    super::str_col(r, 1).map_err(err)?,
                );
                if let Some((_, _, events)) = cards.get_mut(k.as_str()) {
                    events.push(CardEvent {
                        at: from_millis_col(r, 2).map_err(err)?,
                        id: event_id_col(r, 3).map_err(err)?,
                        step: Step::Review(r.get(4).map_err(err)?),
                    });
                }
            }
        }
        {
            let mut stmt = read
                .prepare("SELECT deck_id, card_id, at, event_id FROM forgets")
                .map_err(err)?;
            let mut rows = stmt.query([]).map_err(err)?;
            while let Some(r) = rows.next().map_err(err)? {
                let deck: String = r.get(0).map_err(err)?;
                let card: Option<String> = r.get(1).map_err(err)?;
                let event = CardEvent {
                    at: from_millis_col(r, 2).map_err(err)?,
                    id: event_id_col(r, 3).map_err(err)?,
                    step: Step::Forget,
                };
                match card {
                    Some(card) => {
                        if let Some((_, _, events)) = cards.get_mut(&key(&deck, &card)) {
                            events.push(event);
                        }
                    }
                    None => {
                        for k in by_deck.get(&deck).into_iter().flatten() {
                            if let Some((_, _, events)) = cards.get_mut(k) {
                                events.push(event.clone());
                            }
                        }
                    }
                }
            }
        }
        {
            let mut stmt = read
                .prepare(
                    "SELECT deck_id, card_id, at, event_id, phase, stability, difficulty, due, \
                     last_review, reps, lapses FROM schedule_sets",
                )
                .map_err(err)?;
            let mut rows = stmt.query([]).map_err(err)?;
            while let Some(r) = rows.next().map_err(err)? {
                let k = key(
                    super::str_col(r, 0).map_err(err)?,
                    super::str_col(r, 1).map_err(err)?,
                );
                if let Some((_, _, events)) = cards.get_mut(&k) {
                    events.push(CardEvent {
                        at: from_millis_col(r, 2).map_err(err)?,
                        id: event_id_col(r, 3).map_err(err)?,
                        step: Step::Set(Box::new(super::state_from_row(r, 4).map_err(err)?)),
                    });
                }
            }
        }
        read.commit().map_err(err)?;

        let states: Vec<(String, String, Option<CardState>)> = cards
            .into_values()
            .map(|(deck, card, mut events)| {
                let state = replay(&mut events, scheduler);
                (deck, card, state)
            })
            .collect();
        let tx = self.write()?;
        let now: i64 = tx
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(err)?;
        if now != version {
            return Ok(None);
        }
        {
            let mut delete = tx
                .prepare_cached("DELETE FROM cards WHERE deck_id = ?1 AND card_id = ?2")
                .map_err(err)?;
            for (deck, card, state) in &states {
                match state {
                    Some(state) => upsert_card(&tx, deck, card, state).map(drop),
                    None => delete.execute(params![deck, card]).map(drop),
                }
                .map_err(err)?;
            }
        }
        tx.execute("DELETE FROM replay_pending", []).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Some(states.len() as u64))
    }

    /// This device's log in `folder`, as last written (`None`: never written there).
    pub fn sync_log(&self, folder: &str) -> Result<Option<SyncLog>, StoreError> {
        read_sync_log(&self.conn, folder).map_err(|e| self.err(e))
    }

    /// How far each other log of `folder` was read, by file name.
    pub fn sync_reads(&self, folder: &str) -> Result<HashMap<String, SyncRead>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT file, offset, last_start, last_crc FROM sync_reads WHERE folder = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_map([folder], |r| {
                    let start: Option<i64> = r.get(2)?;
                    let crc: Option<i64> = r.get(3)?;
                    Ok((
                        r.get::<_, String>(0)?,
                        SyncRead {
                            offset: r.get::<_, i64>(1)? as u64,
                            last: start.zip(crc).map(|(s, c)| (s as u64, c as u32)),
                        },
                    ))
                })?
                .collect()
            })
            .map_err(|e| self.err(e))
    }

    /// Starts writing this device's log in `folder`: takes the write lock, so that two syncs
    /// of this data directory never append to the log at once, until [`OwnLog::finish`].
    pub fn own_log(&self, folder: &str) -> Result<OwnLog<'_>, StoreError> {
        let tx = self.write()?;
        let state = read_sync_log(&tx, folder).map_err(|e| self.err(e))?;
        Ok(OwnLog {
            store: self,
            tx,
            folder: folder.to_string(),
            state,
        })
    }
}

/// Events being added in bulk (see [`Store::bulk_import`]).
pub struct BulkImport<'s> {
    store: &'s Store,
    tx: Transaction<'s>,
    /// The secondary indexes of `answers` (all but the event ids' unique index, which finds
    /// the events the history already has), to build again.
    indexes: DroppedIndexes,
}

impl BulkImport<'_> {
    /// Adds events, as [`Store::import`] does, recording with `read` how far a log was read.
    pub fn add(
        &self,
        events: &[Event],
        read: Option<(&str, &str, SyncRead)>,
    ) -> Result<Imported, StoreError> {
        import_and_set_read(&self.tx, events, read).map_err(|e| self.store.err(e))
    }

    /// Builds the indexes again and commits everything.
    pub fn finish(self) -> Result<(), StoreError> {
        self.indexes
            .rebuild(&self.tx, |_| {})
            .map_err(|e| self.store.err(e))?;
        self.tx.commit().map_err(|e| self.store.err(e))
    }
}

/// This device's log in a sync folder while it is being written (see [`Store::own_log`]).
pub struct OwnLog<'s> {
    store: &'s Store,
    tx: Transaction<'s>,
    folder: String,
    state: Option<SyncLog>,
}

impl OwnLog<'_> {
    /// The log as last written, `None` if this device never wrote to this folder.
    pub fn state(&self) -> Option<SyncLog> {
        self.state
    }

    /// Adds events found in the log that this history lacks (see [`Store::import`]).
    pub fn import(&self, events: &[Event]) -> Result<Imported, StoreError> {
        import_in(&self.tx, events).map_err(|e| self.store.err(e))
    }

    /// Calls `f` with this device's events after `after`, in id order, until it returns
    /// false.
    pub fn for_each_own_event(
        &self,
        after: Option<EventId>,
        f: impl FnMut(Event) -> bool,
    ) -> Result<(), StoreError> {
        self.store.for_each_event(Events::OwnAfter(after), f)
    }

    /// The greatest event id the history holds now. Every event this device makes from now
    /// on gets a greater id (see [`next_id`]), so the log is complete up to it once this
    /// device's events up to it are written: the next sync starts after it, whatever the
    /// ids of the events other devices sent meanwhile.
    pub fn last_id(&self) -> Result<Option<EventId>, StoreError> {
        last_id(&self.tx).map_err(|e| self.store.err(e))
    }

    /// Records what the log now holds, and lets other writers go on.
    pub fn finish(self, state: SyncLog) -> Result<(), StoreError> {
        if self.state == Some(state) {
            return Ok(());
        }
        self.tx
            .execute(
                "INSERT INTO sync_logs (folder, length, exported) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (folder) DO UPDATE SET length = excluded.length, \
                 exported = excluded.exported",
                params![
                    self.folder,
                    state.length as i64,
                    state.exported.map(|e| e.as_bytes().to_vec())
                ],
            )
            .map_err(|e| self.store.err(e))?;
        self.tx.commit().map_err(|e| self.store.err(e))
    }
}

/// Up to `limit` of the cards noted in `replay_pending`.
fn pending_cards(tx: &Transaction<'_>, limit: i64) -> rusqlite::Result<Vec<(String, String)>> {
    tx.prepare_cached("SELECT deck_id, card_id FROM replay_pending LIMIT ?1")?
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

fn read_sync_log(conn: &Connection, folder: &str) -> rusqlite::Result<Option<SyncLog>> {
    conn.prepare_cached("SELECT length, exported FROM sync_logs WHERE folder = ?1")?
        .query_row([folder], |r| {
            let exported: Option<Vec<u8>> = r.get(1)?;
            Ok(SyncLog {
                length: r.get::<_, i64>(0)? as u64,
                exported: exported
                    .and_then(|b| <[u8; 16]>::try_from(b).ok())
                    .map(EventId::from_bytes),
            })
        })
        .optional()
}

fn set_read(
    tx: &Transaction<'_>,
    folder: &str,
    file: &str,
    read: SyncRead,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_reads (folder, file, offset, last_start, last_crc) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (folder, file) DO UPDATE SET offset = excluded.offset, \
         last_start = excluded.last_start, last_crc = excluded.last_crc",
    )?
    .execute(params![
        folder,
        file,
        read.offset as i64,
        read.last.map(|(s, _)| s as i64),
        read.last.map(|(_, c)| i64::from(c)),
    ])?;
    Ok(())
}

/// [`import_in`], and with `read` (folder, file, position) also how far that log was read, in
/// the same transaction.
fn import_and_set_read(
    tx: &Transaction<'_>,
    events: &[Event],
    read: Option<(&str, &str, SyncRead)>,
) -> rusqlite::Result<Imported> {
    let imported = import_in(tx, events)?;
    if let Some((folder, file, at)) = read {
        set_read(tx, folder, file, at)?;
    }
    Ok(imported)
}

/// What taking an answer back deleted.
enum Undone {
    /// A scheduled answer, of this card, given at this time.
    Answer(String, String, DateTime<Utc>),
    Practice,
}

/// Deletes the answer or practice answer `target`, if there is one.
fn undo_in(tx: &Transaction<'_>, target: EventId) -> rusqlite::Result<Option<Undone>> {
    let answer = tx
        .prepare_cached(
            "DELETE FROM answers WHERE event_id = ?1 RETURNING deck_id, card_id, answered_at",
        )?
        .query_row([target.as_bytes()], |r| {
            Ok(Undone::Answer(r.get(0)?, r.get(1)?, from_millis_col(r, 2)?))
        })
        .optional()?;
    if answer.is_some() {
        return Ok(answer);
    }
    let practice = tx
        .prepare_cached("DELETE FROM practice WHERE event_id = ?1")?
        .execute([target.as_bytes()])?;
    Ok((practice > 0).then_some(Undone::Practice))
}

fn import_in(tx: &Transaction<'_>, events: &[Event]) -> rusqlite::Result<Imported> {
    let mut devices: HashMap<DeviceId, i64> = HashMap::new();
    let mut imported = Imported::default();
    // The cards whose schedules the new events change, noted once each at the end.
    let mut touched: HashSet<(&str, &str)> = HashSet::new();
    let mut touched_owned: Vec<(String, String)> = Vec::new();
    // Whether an answer may have been taken back or overridden: skips a lookup per answer when
    // none was.
    let mut has_undos: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM undos)", [], |r| r.get(0))?;
    let mut has_overrides: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM overrides)", [], |r| r.get(0))?;
    let mut insert_answer = tx.prepare_cached(
        "INSERT INTO answers (event_id, device, deck_id, card_id, question_kind, correct, \
         rating, given, expected, answered_at, duration_ms, session_id, overridden, phase) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
         ON CONFLICT (event_id) DO NOTHING",
    )?;
    let mut insert_practice = tx.prepare_cached(
        "INSERT INTO practice (event_id, device, deck_id, card_id, question_kind, correct, \
         given, expected, answered_at, duration_ms, session_id, overridden) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT (event_id) DO NOTHING",
    )?;
    let mut is_undone =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM undos WHERE target = ?1)")?;
    for e in events {
        let device = match devices.get(&e.device) {
            Some(&num) => num,
            None => {
                tx.prepare_cached("INSERT OR IGNORE INTO devices (id) VALUES (?1)")?
                    .execute([e.device.as_bytes()])?;
                let num: i64 = tx
                    .prepare_cached("SELECT num FROM devices WHERE id = ?1")?
                    .query_row([e.device.as_bytes()], |r| r.get(0))?;
                devices.insert(e.device, num);
                num
            }
        };
        let id = e.id.as_bytes();
        let at = to_millis(e.at);
        let undone = |stmt: &mut rusqlite::CachedStatement<'_>| -> rusqlite::Result<bool> {
            Ok(has_undos && stmt.query_row([id], |r| r.get(0))?)
        };
        let added = match &e.body {
            Body::Answer(a, rating) => {
                let added = !undone(&mut is_undone)?
                    && insert_answer.execute(params![
                        id,
                        device,
                        a.deck_id,
                        a.card_id,
                        a.question_kind,
                        a.correct,
                        rating,
                        a.given,
                        a.expected,
                        at,
                        millis(a.duration),
                        a.session_id,
                        a.overridden,
                        a.phase.map(crate::schedule::Phase::as_str),
                    ])? > 0;
                if added {
                    imported.answers += 1;
                    if has_overrides {
                        apply_override(tx, e.id)?;
                    }
                    touched.insert((&a.deck_id, &a.card_id));
                }
                added
            }
            Body::Practice(a) => {
                let added = !undone(&mut is_undone)?
                    && insert_practice.execute(params![
                        id,
                        device,
                        a.deck_id,
                        a.card_id,
                        a.question_kind,
                        a.correct,
                        a.given,
                        a.expected,
                        at,
                        millis(a.duration),
                        a.session_id,
                        a.overridden,
                    ])? > 0;
                if added {
                    imported.answers += 1;
                    if has_overrides {
                        apply_override(tx, e.id)?;
                    }
                    if looks_legacy(&a.card_id) {
                        tx.prepare_cached(
                            "INSERT OR IGNORE INTO legacy_ids (deck_id, card_id) VALUES (?1, ?2)",
                        )?
                        .execute(params![a.deck_id, a.card_id])?;
                    }
                }
                added
            }
            Body::Forget { deck_id, card_id } => {
                let added = tx
                    .prepare_cached(
                        "INSERT INTO forgets (event_id, device, at, deck_id, card_id) \
                         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (event_id) DO NOTHING",
                    )?
                    .execute(params![id, device, at, deck_id, card_id])?
                    > 0;
                if added {
                    match card_id {
                        Some(card) => {
                            touched.insert((deck_id, card));
                        }
                        None => {
                            tx.prepare_cached(
                                "INSERT OR IGNORE INTO replay_pending (deck_id, card_id) \
                                 SELECT DISTINCT deck_id, card_id FROM answers WHERE deck_id = ?1 \
                                 UNION SELECT deck_id, card_id FROM cards WHERE deck_id = ?1",
                            )?
                            .execute([deck_id])?;
                        }
                    }
                }
                added
            }
            Body::Undo { target } => {
                has_undos = true;
                let added = tx
                    .prepare_cached(
                        "INSERT INTO undos (event_id, device, at, target) \
                         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (event_id) DO NOTHING",
                    )?
                    .execute(params![id, device, at, target.as_bytes()])?
                    > 0;
                if added && let Some(Undone::Answer(deck_id, card_id, _)) = undo_in(tx, *target)? {
                    touched_owned.push((deck_id, card_id));
                }
                added
            }
            Body::Schedule {
                deck_id,
                card_id,
                state,
            } => {
                let added = insert_schedule(tx, id, device, at, deck_id, card_id, state)? > 0;
                if added {
                    touched.insert((deck_id, card_id));
                }
                added
            }
            Body::Override { target, rating } => {
                has_overrides = true;
                let added = tx
                    .prepare_cached(
                        "INSERT INTO overrides (event_id, device, at, target, rating) \
                         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (event_id) DO NOTHING",
                    )?
                    .execute(params![id, device, at, target.as_bytes(), rating])?
                    > 0;
                if added && let Some(card) = apply_override(tx, *target)? {
                    touched_owned.push(card);
                }
                added
            }
        };
        if added {
            imported.added += 1;
        } else {
            imported.known += 1;
        }
    }
    let mut pending = tx.prepare_cached(
        "INSERT OR IGNORE INTO replay_pending (deck_id, card_id) VALUES (?1, ?2)",
    )?;
    let mut legacy =
        tx.prepare_cached("INSERT OR IGNORE INTO legacy_ids (deck_id, card_id) VALUES (?1, ?2)")?;
    let owned = touched_owned.iter().map(|(d, c)| (d.as_str(), c.as_str()));
    for (deck_id, card_id) in touched.into_iter().chain(owned) {
        pending.execute(params![deck_id, card_id])?;
        if looks_legacy(card_id) {
            legacy.execute(params![deck_id, card_id])?;
        }
    }
    Ok(imported)
}

/// Records a schedule set from outside the card's answers; returns 1 if it was new.
fn insert_schedule(
    tx: &Transaction<'_>,
    id: &[u8; 16],
    device: i64,
    at: i64,
    deck_id: &str,
    card_id: &str,
    s: &CardState,
) -> rusqlite::Result<usize> {
    tx.prepare_cached(
        "INSERT INTO schedule_sets (event_id, device, at, deck_id, card_id, phase, stability, \
         difficulty, due, last_review, reps, lapses) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT (event_id) DO NOTHING",
    )?
    .execute(params![
        id,
        device,
        at,
        deck_id,
        card_id,
        s.phase.as_str(),
        f64::from(s.stability),
        f64::from(s.difficulty),
        to_millis(s.due),
        to_millis(s.last_review),
        s.reps,
        s.lapses,
    ])
}

/// Records, as this device's event, that a card was given the schedule `state` from outside
/// its answers (a history import, which wrote `state` to the card): just after the card's
/// last answer (`last_answer`) and after any forget of it, so that replaying the card's
/// events gives it `state` and later answers move it on. `deck_forgotten`: whether the deck
/// has any forget at all (when it has none, as after most imports, the card's are not looked
/// for).
#[allow(clippy::too_many_arguments)]
pub(super) fn set_schedule(
    tx: &Transaction<'_>,
    ids: &mut IdSource,
    device: i64,
    deck_id: &str,
    card_id: &str,
    deck_forgotten: bool,
    last_answer: Option<DateTime<Utc>>,
    state: &CardState,
) -> rusqlite::Result<()> {
    let last_forget: Option<i64> = if deck_forgotten {
        tx.prepare_cached(
            "SELECT max(at) FROM forgets WHERE deck_id = ?1 AND (card_id = ?2 OR card_id IS NULL)",
        )?
        .query_row(params![deck_id, card_id], |r| r.get(0))?
    } else {
        None
    };
    let after = last_answer
        .map(to_millis)
        .max(last_forget)
        .unwrap_or_else(|| to_millis(state.last_review));
    let at = after.saturating_add(1);
    let id = ids.next(DateTime::from_timestamp_millis(at).unwrap_or(state.last_review));
    insert_schedule(tx, id.as_bytes(), device, at, deck_id, card_id, state)?;
    Ok(())
}

/// Gives the answer or practice answer `target` the effect of its latest override, if it has
/// one: right, overridden, and the override's rating. Returns the card of a changed
/// (scheduled) answer.
fn apply_override(
    tx: &Transaction<'_>,
    target: EventId,
) -> rusqlite::Result<Option<(String, String)>> {
    let card = tx
        .prepare_cached(
            "UPDATE answers SET correct = 1, overridden = 1, rating = o.rating \
             FROM (SELECT rating FROM overrides WHERE target = ?1 AND rating IS NOT NULL \
                   ORDER BY at DESC, event_id DESC LIMIT 1) AS o \
             WHERE event_id = ?1 RETURNING deck_id, card_id",
        )?
        .query_row([target.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if card.is_none() {
        tx.prepare_cached(
            "UPDATE practice SET correct = 1, overridden = 1 \
             WHERE event_id = ?1 AND EXISTS (SELECT 1 FROM overrides WHERE target = ?1)",
        )?
        .execute([target.as_bytes()])?;
    }
    Ok(card)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Replays one card: its answers and the forgets of it and of its deck.
fn replay_card(
    tx: &Transaction<'_>,
    scheduler: &Scheduler,
    deck_id: &str,
    card_id: &str,
) -> rusqlite::Result<()> {
    let mut events: Vec<CardEvent> = tx
        .prepare_cached(
            "SELECT answered_at, event_id, rating FROM answers \
             WHERE deck_id = ?1 AND card_id = ?2",
        )?
        .query_map(params![deck_id, card_id], |r| {
            Ok(CardEvent {
                at: from_millis_col(r, 0)?,
                id: event_id_col(r, 1)?,
                step: Step::Review(r.get(2)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let forgets = tx
        .prepare_cached(
            "SELECT at, event_id FROM forgets \
             WHERE deck_id = ?1 AND (card_id = ?2 OR card_id IS NULL)",
        )?
        .query_map(params![deck_id, card_id], |r| {
            Ok(CardEvent {
                at: from_millis_col(r, 0)?,
                id: event_id_col(r, 1)?,
                step: Step::Forget,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    events.extend(forgets);
    let sets = tx
        .prepare_cached(
            "SELECT at, event_id, phase, stability, difficulty, due, last_review, reps, lapses \
             FROM schedule_sets WHERE deck_id = ?1 AND card_id = ?2",
        )?
        .query_map(params![deck_id, card_id], |r| {
            Ok(CardEvent {
                at: from_millis_col(r, 0)?,
                id: event_id_col(r, 1)?,
                step: Step::Set(Box::new(super::state_from_row(r, 2)?)),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    events.extend(sets);
    match replay(&mut events, scheduler) {
        Some(state) => {
            upsert_card(tx, deck_id, card_id, &state)?;
        }
        None => {
            tx.prepare_cached("DELETE FROM cards WHERE deck_id = ?1 AND card_id = ?2")?
                .execute(params![deck_id, card_id])?;
        }
    }
    tx.prepare_cached("DELETE FROM replay_pending WHERE deck_id = ?1 AND card_id = ?2")?
        .execute(params![deck_id, card_id])?;
    Ok(())
}

fn event_from_row(r: &Row<'_>, devices: &HashMap<i64, DeviceId>) -> rusqlite::Result<Event> {
    let kind: u8 = r.get(0)?;
    let id = event_id_col(r, 1)?;
    let num: i64 = r.get(2)?;
    let device = devices.get(&num).copied().ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Integer,
            format!("unknown device number {num}").into(),
        )
    })?;
    let at = from_millis_col(r, 3)?;
    let answer = |r: &Row<'_>| -> rusqlite::Result<Answer> {
        Ok(Answer {
            deck_id: r.get(4)?,
            card_id: r.get(5)?,
            question_kind: r.get(6)?,
            correct: r.get(7)?,
            overridden: r.get(14)?,
            given: r.get(9)?,
            expected: r.get(10)?,
            duration: Duration::from_millis(r.get::<_, i64>(11)?.max(0) as u64),
            session_id: r.get(12)?,
            phase: match r.get_ref(15)?.as_str_or_null()? {
                Some(text) => Some(text.parse().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        15,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?),
                None => None,
            },
        })
    };
    let body = match kind {
        1 => {
            let rating = r.get(8)?;
            Body::Answer(answer(r)?, rating)
        }
        2 => Body::Practice(answer(r)?),
        3 => Body::Forget {
            deck_id: r.get(4)?,
            card_id: r.get(5)?,
        },
        4 => Body::Undo {
            target: event_id_col(r, 13)?,
        },
        6 => Body::Schedule {
            deck_id: r.get(4)?,
            card_id: r.get(5)?,
            state: super::state_from_row(r, 6)?,
        },
        _ => Body::Override {
            target: event_id_col(r, 13)?,
            rating: r.get(8)?,
        },
    };
    Ok(Event {
        id,
        device,
        at,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{AnswerRecord, DB_FILE_NAME, DEFAULT_CACHE_SIZE, MIGRATIONS};
    use super::*;
    use crate::schedule::Phase;
    use crate::sync::replay::schedules;
    use chrono::{TimeDelta, TimeZone};
    use std::path::Path;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 31, 9, 0, 0).unwrap()
    }

    fn record(card: &str, correct: bool, at: DateTime<Utc>) -> AnswerRecord {
        AnswerRecord {
            deck_id: "d".to_string(),
            card_id: card.to_string(),
            question_kind: "tf".to_string(),
            correct,
            rating: if correct { Rating::Good } else { Rating::Again },
            given: "t".to_string(),
            expected: "true".to_string(),
            answered_at: at,
            duration: Duration::from_millis(1500),
            session_id: "s".to_string(),
        }
    }

    /// Answers `card` through [`Store::review`], as a session does.
    fn answer(
        store: &Store,
        s: &Scheduler,
        card: &str,
        correct: bool,
        at: DateTime<Utc>,
    ) -> EventId {
        let r = record(card, correct, at);
        store
            .review(&r, |prev| s.review(prev, r.rating, at))
            .unwrap()
            .event
    }

    fn all_events(store: &Store) -> Vec<Event> {
        let mut all = Vec::new();
        store
            .for_each_event(Events::All, |e| {
                all.push(e);
                true
            })
            .unwrap();
        all
    }

    fn cards(store: &Store) -> Vec<(String, CardState)> {
        let mut v: Vec<_> = store.card_states("d").unwrap().into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn model(events: &[Event], s: &Scheduler) -> Vec<(String, CardState)> {
        schedules(events, s)
            .into_iter()
            .map(|((_, card), state)| (card, state))
            .collect()
    }

    #[test]
    fn new_events_get_growing_ids_and_this_device() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let s = Scheduler::default();
        let mut ids = Vec::new();
        for i in 0..5 {
            // Three in the same millisecond, then a clock set back.
            let at = if i < 3 {
                t0()
            } else {
                t0() - TimeDelta::hours(1)
            };
            ids.push(answer(&store, &s, &format!("c{i}"), true, at));
        }
        let p = store.practice(&record("c0", true, t0())).unwrap();
        ids.push(p.event);
        ids.push(EventId::from_bytes([0; 16]));
        store.forget("d", Some("c1"), t0()).unwrap();
        assert!(ids[..6].windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_eq!(ids[0].millis(), t0().timestamp_millis());
        let events = all_events(&store);
        assert_eq!(events.len(), 7);
        assert!(events.iter().all(|e| e.device == store.device_id()));
        assert!(events.windows(2).all(|w| w[0].id < w[1].id));
        assert!(matches!(events[5].body, Body::Practice(_)));
        assert!(matches!(events[6].body, Body::Forget { .. }));
        // Only this device's events after a given one.
        let mut after = Vec::new();
        store
            .for_each_event(Events::OwnAfter(Some(ids[3])), |e| {
                after.push(e.id);
                true
            })
            .unwrap();
        assert_eq!(after, [ids[4], ids[5], events[6].id]);
        assert_eq!(store.count_own_events_after(Some(ids[3])).unwrap(), 3);
        assert_eq!(store.count_own_events_after(None).unwrap(), 7);
        // The device is the same on every open.
        let device = store.device_id();
        drop(store);
        assert_eq!(Store::open(dir.path()).unwrap().device_id(), device);
        // Another data directory is another device.
        let other = tempfile::tempdir().unwrap();
        assert_ne!(Store::open(other.path()).unwrap().device_id(), device);
    }

    /// A database at schema version 2, as pmquiz wrote it before events had ids.
    fn version_2(dir: &Path, fill: &str) {
        let conn = Connection::open(dir.join(DB_FILE_NAME)).unwrap();
        for sql in &MIGRATIONS[..2] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(fill).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
    }

    #[test]
    fn the_migration_gives_old_answers_ids_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let at = t0().timestamp_millis();
        let s = Scheduler::default();
        let state = s.review(None, Rating::Good, t0());
        version_2(
            dir.path(),
            &format!(
                "INSERT INTO answers (deck_id, card_id, question_kind, correct, rating, given, \
                 expected, answered_at, duration_ms, session_id) VALUES \
                 ('d', 'a', 'tf', 1, 3, 't', 'true', {at}, 10, 's'), \
                 ('d', 'b', 'tf', 0, 1, 'f', 'true', {at}, 10, 's'), \
                 ('d', 'a', 'tf', 1, 3, 't', 'true', {at}, 10, 's'), \
                 ('d', 'gone', 'tf', 1, 3, 't', 'true', {}, 10, 's'); \
                 INSERT INTO practice (deck_id, card_id, question_kind, correct, given, \
                 expected, answered_at, duration_ms, session_id) VALUES \
                 ('d', 'b', 'tf', 1, 't', 'true', {at}, 10, 's'); \
                 INSERT INTO cards VALUES ('d', 'a', 'review', {}, {}, {}, {}, 2, 0), \
                 ('d', 'b', 'learning', 1.0, 5.0, {}, {at}, 1, 0);",
                at - 5000,
                f64::from(state.stability),
                f64::from(state.difficulty),
                state.due.timestamp_millis(),
                at,
                at + 60_000,
            ),
        );
        let store = Store::open(dir.path()).unwrap();
        let events = all_events(&store);
        // Four answers, one practice answer, and a forget for the card answered without a
        // schedule (forgotten before the migration), just after its last answer.
        assert_eq!(events.len(), 6, "{events:#?}");
        let answers: Vec<&Event> = events
            .iter()
            .filter(|e| matches!(e.body, Body::Answer(..)))
            .collect();
        assert_eq!(answers.len(), 4);
        for e in &events {
            assert_eq!(e.device, store.device_id());
            let u = uuid::Uuid::from_bytes(*e.id.as_bytes());
            assert_eq!(
                (u.get_version_num(), u.get_variant()),
                (7, uuid::Variant::RFC4122)
            );
            assert_eq!(e.id.millis(), e.at.timestamp_millis());
        }
        // Answers of the same millisecond keep the order of their rows.
        let rows: Vec<(i64, Vec<u8>)> = store
            .conn
            .prepare("SELECT id, event_id FROM answers ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(rows[..3].windows(2).all(|w| w[0].1 < w[1].1), "{rows:?}");
        let forget = events
            .iter()
            .find(|e| matches!(e.body, Body::Forget { .. }))
            .unwrap();
        assert_eq!(
            forget.body,
            Body::Forget {
                deck_id: "d".to_string(),
                card_id: Some("gone".to_string())
            }
        );
        assert_eq!(forget.at.timestamp_millis(), at - 5000 + 1);
        // New answers sort after the migrated ones.
        let next = answer(&store, &s, "c", true, t0() - TimeDelta::days(1));
        assert!(events.iter().all(|e| e.id < next));
        assert_eq!(store.card_state("d", "gone").unwrap(), None);
    }

    #[test]
    fn imported_events_are_added_once_and_their_cards_replayed() {
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        // Interleaved answers to the same cards on two devices.
        for day in 0..6 {
            let at = t0() + TimeDelta::days(day);
            answer(&one, &s, "x", day % 3 != 0, at);
            answer(&two, &s, "x", day % 2 == 0, at + TimeDelta::hours(5));
            answer(
                &two,
                &s,
                &format!("y{}", day % 2),
                true,
                at + TimeDelta::hours(6),
            );
        }
        two.practice(&record("x", false, t0())).unwrap();
        one.forget("d", Some("y0"), t0() + TimeDelta::days(3))
            .unwrap();

        let from_two = all_events(&two);
        let got = one.import(&from_two, None).unwrap();
        assert_eq!(got.added, from_two.len());
        assert_eq!(got.answers, 13);
        assert!(one.pending_replays().unwrap() > 0);
        assert_eq!(one.replay_pending(&s).unwrap(), 3);
        assert_eq!(one.pending_replays().unwrap(), 0);
        // Again: nothing new.
        let again = one.import(&from_two, None).unwrap();
        assert_eq!((again.added, again.known), (0, from_two.len()));
        assert_eq!(one.pending_replays().unwrap(), 0);

        let from_one = all_events(&one);
        two.import(&from_one, None).unwrap();
        two.replay_pending(&s).unwrap();
        // The same events, the same schedules, and the ones the model gives.
        assert_eq!(cards(&one), cards(&two));
        assert_eq!(cards(&one), model(&from_one, &s));
        assert_eq!(all_events(&two).len(), from_one.len());
        // y0 was forgotten on day 3, after its answers on days 0 and 2; its answer on day 4
        // starts it over.
        let y0 = one.card_state("d", "y0").unwrap().unwrap();
        assert_eq!(y0.reps, 1);
    }

    #[test]
    fn an_answer_before_another_device_s_later_one_leaves_its_card_for_replay() {
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        // Device two's clock is a day ahead.
        answer(&two, &s, "x", true, t0() + TimeDelta::days(1));
        one.import(&all_events(&two), None).unwrap();
        one.replay_pending(&s).unwrap();
        answer(&one, &s, "x", false, t0());
        assert_eq!(one.pending_replays().unwrap(), 1);
        one.replay_pending(&s).unwrap();
        assert_eq!(cards(&one), model(&all_events(&one), &s));
        // In time order, nothing waits.
        answer(&one, &s, "x", true, t0() + TimeDelta::days(2));
        assert_eq!(one.pending_replays().unwrap(), 0);
        assert_eq!(cards(&one), model(&all_events(&one), &s));
    }

    #[test]
    fn undo_takes_an_answer_back_here_and_on_other_devices() {
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        answer(&one, &s, "x", true, t0());
        let before = one.card_state("d", "x").unwrap();
        let r = record("x", false, t0() + TimeDelta::days(2));
        let recorded = one
            .review(&r, |prev| s.review(prev, r.rating, r.answered_at))
            .unwrap();
        // Device two got the answer before it was taken back.
        two.import(&all_events(&one), None).unwrap();
        two.replay_pending(&s).unwrap();
        assert_eq!(cards(&two), cards(&one));

        let later = t0() + TimeDelta::days(2) + TimeDelta::seconds(3);
        assert!(
            one.undo(recorded.event, recorded.previous.as_ref(), later)
                .unwrap()
        );
        assert!(!one.undo(recorded.event, None, later).unwrap());
        assert_eq!(one.card_state("d", "x").unwrap(), before);
        let events = all_events(&one);
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[1].body,
            Body::Undo {
                target: recorded.event
            }
        );
        assert_eq!(cards(&one), model(&events, &s));

        // The undo reaches device two: its copy of the answer goes, and the schedule follows.
        let got = two.import(&events, None).unwrap();
        assert_eq!(got.added, 1);
        two.replay_pending(&s).unwrap();
        assert_eq!(cards(&two), cards(&one));
        assert_eq!(two.devices().unwrap()[1].answers, 1);
        // A third device that gets the answer after its undo never adds it.
        let c = tempfile::tempdir().unwrap();
        let three = Store::open(c.path()).unwrap();
        let mut late = events.clone();
        late.reverse();
        let r_event = Event {
            id: recorded.event,
            device: one.device_id(),
            at: r.answered_at,
            body: Body::Answer(
                Answer {
                    deck_id: "d".into(),
                    card_id: "x".into(),
                    question_kind: "tf".into(),
                    correct: false,
                    overridden: false,
                    given: "t".into(),
                    expected: "true".into(),
                    duration: Duration::from_millis(1500),
                    session_id: "s".into(),
                    phase: None,
                },
                Rating::Again,
            ),
        };
        late.push(r_event);
        let got = three.import(&late, None).unwrap();
        assert_eq!((got.added, got.known, got.answers), (2, 1, 1));
        three.replay_pending(&s).unwrap();
        assert_eq!(cards(&three), cards(&one));

        // A practice answer can be taken back too; it has no schedule to restore.
        let p = one.practice(&record("x", true, later)).unwrap();
        assert!(one.undo(p.event, None, later).unwrap());
        assert_eq!(one.card_state("d", "x").unwrap(), before);
    }

    #[test]
    fn an_override_is_an_event_that_other_devices_apply_in_any_order() {
        let s = Scheduler::default();
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let (one, two, three) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
            Store::open(c.path()).unwrap(),
        );
        answer(&one, &s, "x", true, t0());
        let r = record("x", false, t0() + TimeDelta::days(1));
        let missed = one
            .review(&r, |prev| s.review(prev, r.rating, r.answered_at))
            .unwrap();
        // Device two has the answer as it was given.
        two.import(&all_events(&one), None).unwrap();
        two.replay_pending(&s).unwrap();

        let next = s.review(missed.previous.as_ref(), Rating::Good, r.answered_at);
        let later = r.answered_at + TimeDelta::seconds(5);
        one.override_answer(&missed, Rating::Good, &next, later)
            .unwrap();
        assert_eq!(one.card_state("d", "x").unwrap(), Some(next.clone()));
        let events = all_events(&one);
        assert_eq!(
            events.last().unwrap().body,
            Body::Override {
                target: missed.event,
                rating: Some(Rating::Good)
            }
        );
        assert_eq!(cards(&one), model(&events, &s));
        // The answer itself now reads as right and overridden.
        match &events[1].body {
            Body::Answer(a, rating) => {
                assert!(a.correct && a.overridden);
                assert_eq!(*rating, Rating::Good);
            }
            other => panic!("{other:?}"),
        }

        two.import(&events, None).unwrap();
        two.replay_pending(&s).unwrap();
        assert_eq!(cards(&two), cards(&one));
        // The override before the answer it changes: the answer is changed on arrival.
        let mut reversed = all_events(&two);
        reversed.reverse();
        three.import(&reversed, None).unwrap();
        three.replay_pending(&s).unwrap();
        assert_eq!(cards(&three), cards(&one));
        assert_eq!(all_events(&three), all_events(&one));

        // A practice answer overridden keeps no rating.
        let p = one.practice(&record("x", false, later)).unwrap();
        one.override_answer(&p, Rating::Good, &next, later).unwrap();
        let events = all_events(&one);
        assert_eq!(
            events.last().unwrap().body,
            Body::Override {
                target: p.event,
                rating: None
            }
        );
        assert_eq!(one.card_state("d", "x").unwrap(), Some(next));
    }

    #[test]
    fn a_deck_forget_from_another_device_resets_every_card_of_the_deck() {
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        for card in ["p", "q", "r"] {
            answer(&one, &s, card, true, t0());
        }
        two.import(&all_events(&one), None).unwrap();
        two.replay_pending(&s).unwrap();
        assert_eq!(
            two.forget("d", None, t0() + TimeDelta::hours(1)).unwrap(),
            3
        );
        answer(&one, &s, "p", true, t0() + TimeDelta::hours(2));
        one.import(&all_events(&two), None).unwrap();
        assert_eq!(one.replay_pending(&s).unwrap(), 3);
        let left = cards(&one);
        assert_eq!(left.len(), 1);
        assert_eq!(
            (left[0].0.as_str(), left[0].1.reps, left[0].1.phase),
            ("p", 1, Phase::Review)
        );
    }

    #[test]
    fn devices_are_listed_with_their_counts() {
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        answer(&two, &s, "x", true, t0());
        two.practice(&record("x", true, t0() + TimeDelta::minutes(1)))
            .unwrap();
        one.import(&all_events(&two), None).unwrap();
        one.set_device_name(two.device_id(), "desk").unwrap();
        let devices = one.devices().unwrap();
        assert_eq!(devices.len(), 2);
        assert!(devices[0].this && devices[0].events == 0);
        assert_eq!(devices[1].id, two.device_id());
        assert_eq!(devices[1].name, "desk");
        assert_eq!((devices[1].answers, devices[1].events), (2, 2));
        assert_eq!(devices[1].last_at, Some(t0() + TimeDelta::minutes(1)));
    }

    /// `n` answers of another device to `cards` cards, one a minute.
    fn many_answers(n: usize, cards: usize) -> Vec<Event> {
        let device = DeviceId::from_bytes([7; 16]);
        let mut last = None;
        (0..n)
            .map(|i| {
                let at = t0() + TimeDelta::minutes(i as i64);
                let id = EventId::next(at, last, [i as u8; 10]);
                last = Some(id);
                let rating = Rating::ALL[(i * 7 + i / 3) % 4];
                Event {
                    id,
                    device,
                    at,
                    body: Body::Answer(
                        Answer {
                            deck_id: "d".into(),
                            card_id: format!("c{}", (i * 7919) % cards),
                            question_kind: "tf".into(),
                            correct: rating != Rating::Again,
                            overridden: false,
                            given: "t".into(),
                            expected: "true".into(),
                            duration: Duration::from_millis(900),
                            session_id: "s".into(),
                            phase: None,
                        },
                        rating,
                    ),
                }
            })
            .collect()
    }

    fn answer_indexes(store: &Store) -> Vec<(String, String)> {
        store
            .conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema \
                 WHERE type = 'index' AND tbl_name = 'answers' AND sql IS NOT NULL ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_bulk_import_builds_the_schema_s_indexes_again() {
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        let fresh = answer_indexes(&one);
        assert!(fresh.len() >= 4, "{fresh:?}");

        let events = many_answers(3000, 400);
        let bulk = one.bulk_import().unwrap();
        for chunk in events.chunks(1000) {
            bulk.add(chunk, None).unwrap();
        }
        bulk.finish().unwrap();
        assert_eq!(answer_indexes(&one), fresh);
        two.import(&events, None).unwrap();
        one.replay_pending(&s).unwrap();
        two.replay_pending(&s).unwrap();
        assert_eq!(cards(&one), cards(&two));
        assert_eq!(cards(&one), model(&events, &s));
        // A bulk import that ends without `finish` changes nothing.
        let more = many_answers(3100, 400);
        let bulk = one.bulk_import().unwrap();
        bulk.add(&more[3000..], None).unwrap();
        drop(bulk);
        assert_eq!(answer_indexes(&one), fresh);
        assert_eq!(all_events(&one).len(), 3000);
    }

    #[test]
    fn many_cards_are_replayed_from_one_read_of_the_history() {
        let s = Scheduler::default();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let events = many_answers(30_000, 12_000);
        store.import(&events, None).unwrap();
        // A forget of one card and of the deck, from this device.
        store
            .forget("d", Some("c5"), t0() + TimeDelta::days(30))
            .unwrap();
        assert_eq!(store.pending_replays().unwrap(), 12_000);
        assert_eq!(store.replay_pending(&s).unwrap(), 12_000);
        assert_eq!(store.pending_replays().unwrap(), 0);
        assert_eq!(cards(&store), model(&all_events(&store), &s));
    }

    #[test]
    fn a_schedule_set_by_a_history_import_is_what_every_device_replays() {
        use super::super::{ImportedAnswer, ImportedHistory};
        let s = Scheduler::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (
            Store::open(a.path()).unwrap(),
            Store::open(b.path()).unwrap(),
        );
        // A schedule no replay of the answers gives (the other tool's rules).
        let set = CardState {
            phase: Phase::Review,
            stability: 42.5,
            difficulty: 3.25,
            due: t0() + TimeDelta::days(40),
            last_review: t0() + TimeDelta::days(2),
            reps: 7,
            lapses: 2,
        };
        let imported = |days: i64| ImportedAnswer {
            answered_at: t0() + TimeDelta::days(days),
            rating: Some(Rating::Good),
            duration: Duration::from_secs(3),
        };
        let history = vec![ImportedHistory {
            deck_id: "d",
            card_id: "x",
            answers: vec![imported(0), imported(1), imported(2)],
            reviews: Vec::new(),
        }];
        one.import_history("anki-import", &["d"], 3, history, |_, _| Some(set.clone()))
            .unwrap();
        assert_eq!(one.card_state("d", "x").unwrap(), Some(set.clone()));
        let events = all_events(&one);
        assert_eq!(events.len(), 4);
        match &events[3].body {
            Body::Schedule { state, .. } => assert_eq!(*state, set),
            other => panic!("{other:?}"),
        }
        assert!(events[3].at > t0() + TimeDelta::days(2));
        assert_eq!(cards(&one), model(&events, &s));

        // Another device gets the schedule itself.
        two.import(&events, None).unwrap();
        two.replay_pending(&s).unwrap();
        assert_eq!(two.card_state("d", "x").unwrap(), Some(set.clone()));
        // Replayed here, the card keeps it too; an answer after it moves it on, everywhere.
        one.conn
            .execute("INSERT INTO replay_pending VALUES ('d', 'x')", [])
            .unwrap();
        one.replay_pending(&s).unwrap();
        assert_eq!(one.card_state("d", "x").unwrap(), Some(set.clone()));
        let later = t0() + TimeDelta::days(41);
        answer(&two, &s, "x", true, later);
        assert_eq!(
            two.card_state("d", "x").unwrap(),
            Some(s.review(Some(&set), Rating::Good, later))
        );
        one.import(&all_events(&two), None).unwrap();
        one.replay_pending(&s).unwrap();
        assert_eq!(cards(&one), cards(&two));
        assert_eq!(cards(&one), model(&all_events(&one), &s));
    }

    #[test]
    fn a_sync_s_relaxed_settings_can_be_undone_for_answers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let settings = Store::disk_settings;
        let at_open = settings(&store);
        // FULL, SQLite's default cache, a checkpoint on close.
        assert_eq!(at_open, (2, DEFAULT_CACHE_SIZE, false));
        store.use_big_cache(256).unwrap();
        store.commit_without_waiting_for_the_disk().unwrap();
        assert_eq!(settings(&store), (1, -256 * 1024, true));
        store.wait_for_the_disk_again().unwrap();
        assert_eq!(settings(&store), at_open);
    }

    #[test]
    fn import_counts_add_up_field_by_field() {
        let mut sum = Imported {
            added: 1,
            replayed: 2,
            known: 3,
            answers: 4,
        };
        sum += Imported {
            added: 10,
            replayed: 20,
            known: 30,
            answers: 40,
        };
        sum += Imported::default();
        assert_eq!(
            sum,
            Imported {
                added: 11,
                replayed: 22,
                known: 33,
                answers: 44,
            }
        );
    }

    #[test]
    fn legacy_looking_ids_are_recognised() {
        assert!(looks_legacy("card-0a1b2c3d"));
        assert!(looks_legacy("table-0a1b2c3d/focus"));
        assert!(!looks_legacy("card-0a1b2c3d4e5f6a7b"));
        assert!(!looks_legacy("my-card"));
        assert!(!looks_legacy("card-0A1B2C3D"));
    }
}
