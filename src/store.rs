//! The review-history store: pmquiz's SQLite database.
//!
//! This module owns the file `pmquiz.db` in the data directory: its schema and
//! migrations, every answer ever given (the `answers` table) and the current
//! schedule of each answered card (the `cards` table). It is the thin edge
//! between the pure scheduler and statistics and the disk; it holds no
//! scheduling logic of its own.
//!
//! Safety rules: pmquiz never deletes or resets a database. A file that is not
//! a pmquiz database, or that a newer pmquiz wrote, is reported and left
//! byte-for-byte unchanged: it is inspected through a read-only connection
//! before anything is written.
//!
//! Times are stored as INTEGER milliseconds since the Unix epoch (UTC).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, Type, ValueRef};
use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Row, ToSql, Transaction,
    TransactionBehavior, params, params_from_iter,
};

use crate::day::Days;
use crate::schedule::{CardDue, CardState, DueAt, Phase, Rating};
use crate::stats::{
    AnswerCount, CardTally, DeckHistory, HARDEST_CARDS, LONG_WINDOW_DAYS, SHORT_WINDOW_DAYS,
};
use crate::sync::event::{DeviceId, EventId};
use bulk::DroppedIndexes;

mod bulk;
mod events;

pub use events::{BulkImport, DeviceInfo, Events, Imported, OwnLog, SyncLog, SyncRead};

/// Name of the database file inside the data directory.
pub const DB_FILE_NAME: &str = "pmquiz.db";

/// The schema version this build reads and writes (`PRAGMA user_version`).
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Numbered migrations: `MIGRATIONS[n]` takes a database from schema version
/// `n` to `n + 1`. Released entries are never edited; a schema change is a
/// new entry at the end.
const MIGRATIONS: &[&str] = &[
    // 1: answers and cards.
    include_str!("schema.sql"),
    // 2: practice answers, and the card ids derived by pmquiz before 64-bit ids.
    include_str!("schema-2.sql"),
    // 3: answers counted as right by the learner after all (`overridden`).
    include_str!("schema-3.sql"),
    // 4: events with identity (an id and a device per answer, forgets, undos, overrides), for
    // sync.
    include_str!("schema-4.sql"),
    // 5: the phase each answer found its card in.
    include_str!("schema-5.sql"),
    // 6: schedules set from outside a card's answers (history imported from another tool).
    include_str!("schema-6.sql"),
    // 7: indexes for the due cards in the order `review` asks them, the misses and the answer
    // counts of `stats`.
    include_str!("schema-7.sql"),
    // 8: no index of answers by time or of cards by due date across decks (no query read them).
    include_str!("schema-8.sql"),
];

/// How many of the most missed cards [`Store::hardest_by_misses`] reads at most.
const MISSES_BATCH: i64 = 4096;

/// How many of the most missed cards [`Store::hardest_by_tallies`] asks SQLite for first.
const HARDEST_BATCH: i64 = 256;

/// How many imported answers make [`Store::import_history`] build the indexes of `answers`
/// after the rows are in, rather than row by row.
const BULK_FROM: usize = 50_000;

/// How the history's commits wait for the disk (`PRAGMA synchronous`): see [`Store::configure`].
const ANSWER_SYNCHRONOUS: &str = "FULL";

/// SQLite's page cache at open (`PRAGMA cache_size`, negative: in KiB), which
/// [`Store::wait_for_the_disk_again`] goes back to after [`Store::use_big_cache`].
const DEFAULT_CACHE_SIZE: i64 = -2000;

/// How long a write waits for another pmquiz process holding the lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Errors from the review-history store. Messages are meant for the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the review history {path} was written by a newer version of pmquiz \
         (schema version {found}; this pmquiz understands up to version {supported}). \
         Upgrade pmquiz to use it. The file was not changed."
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(
        "the review history {path} is damaged or is not a pmquiz database ({detail}). \
         pmquiz left it unchanged. Move it aside (for example rename it to {DB_FILE_NAME}.broken) \
         to start a new history, or restore it from a backup."
    )]
    Corrupt { path: PathBuf, detail: String },
    // The cause is the error's source, which the message printed for it shows after this one,
    // so it is not repeated here.
    #[error("cannot {action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("error in the review history {path}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

/// One answer given in a quiz or review session.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRecord {
    pub deck_id: String,
    pub card_id: String,
    /// How the card was asked (flashcard, choice, typed, …).
    pub question_kind: String,
    pub correct: bool,
    pub rating: Rating,
    /// What the user answered.
    pub given: String,
    /// The expected answer.
    pub expected: String,
    pub answered_at: DateTime<Utc>,
    /// How long the user took to answer.
    pub duration: Duration,
    /// Identifies the quiz or review session the answer belongs to.
    pub session_id: String,
}

/// What recording one answer did: enough to take it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The answer's row: in `answers`, or in `practice` for a practice answer.
    pub row: i64,
    /// The answer's event id (see [`Store::undo`]).
    pub event: EventId,
    /// The answer was practice: it did not move the card's schedule.
    pub practice: bool,
    /// The card's schedule before the answer (`None`: new).
    pub previous: Option<CardState>,
    /// The card's schedule after the answer (the same as `previous` for practice).
    pub next: Option<CardState>,
}

/// An answer brought in from another tool's review history (`pmquiz import --with-history`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedAnswer {
    pub(crate) answered_at: DateTime<Utc>,
    /// `None`: practice, an answer that did not move the card's schedule where it was given
    /// (Anki's cramming in a filtered deck); kept in the `practice` table.
    pub(crate) rating: Option<Rating>,
    pub(crate) duration: Duration,
}

/// One card's imported answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedHistory<'a> {
    pub(crate) deck_id: &'a str,
    pub(crate) card_id: &'a str,
    pub(crate) answers: Vec<ImportedAnswer>,
    /// The source's reviews that the card's schedule rests on, oldest first, one list per card
    /// of the source that this card stands for: for the `schedule` function of
    /// [`Store::import_history`].
    pub(crate) reviews: Vec<Vec<(DateTime<Utc>, Rating)>>,
}

/// How many answers [`Store::import_history`] writes with one statement.
const INSERT_BATCH: usize = 64;

/// An imported answer waiting to be written with others.
struct PendingAnswer<'a> {
    deck_id: &'a str,
    card_id: &'a str,
    rating: Rating,
    at: i64,
    duration: i64,
    event: EventId,
}

/// What [`Store::import_history`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ImportCounts {
    /// Answers written to the history (`answers`).
    pub(crate) answers: usize,
    /// Answers written as practice.
    pub(crate) practice: usize,
    /// Answers already in the history from an earlier import, not written again.
    pub(crate) already: usize,
    /// Cards whose schedule was written.
    pub(crate) scheduled: usize,
}

/// A card that is due, with its schedule.
/// What comes due next among cards not due now ([`Store::upcoming`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Upcoming {
    /// The earliest learning or relearning step still to come.
    pub(crate) step: Option<DateTime<Utc>>,
    /// The earliest `due` of a card in review that is not due yet.
    pub(crate) review: Option<DateTime<Utc>>,
}

impl Upcoming {
    /// When the next card comes due in the learner's `days`: the next step, or the start of
    /// the day the next card in review falls due on, whichever is first.
    pub(crate) fn first<Tz: TimeZone>(&self, days: &Days<Tz>) -> Option<DateTime<Utc>> {
        let review = self.review.map(|due| days.start_of(days.day_of(due)));
        match (self.step, review) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DueCard {
    pub deck_id: String,
    pub card_id: String,
    pub state: CardState,
}

/// An open review-history database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// This device: its number in the `devices` table, and its id.
    device: (i64, DeviceId),
}

const CARD_COLUMNS: &str =
    "deck_id, card_id, phase, stability, difficulty, due, last_review, reps, lapses";

/// The learning steps of one deck due now (`?3`) and before the day ends (`?2`), by due time.
const DUE_STEPS: &str = "FROM cards WHERE deck_id = ?1 AND phase IN ('learning', 'relearning') \
                         AND due < ?2 AND due <= ?3 ORDER BY due, card_id LIMIT ?4";
/// The other cards of one deck due: cards in review before the day ends (`?2`), any other card
/// due now (`?3`), by due time.
const DUE_OTHERS: &str = "FROM cards WHERE deck_id = ?1 \
                          AND phase NOT IN ('learning', 'relearning') \
                          AND due < ?2 AND (phase = 'review' OR due <= ?3) \
                          ORDER BY due, card_id LIMIT ?4";

#[cfg(test)]
const ANSWER_COLUMNS: &str = "deck_id, card_id, question_kind, correct, rating, given, expected, \
                              answered_at, duration_ms, session_id";

impl Store {
    /// Opens the review history in `data_dir`, creating the directory and an
    /// empty database if needed, and upgrading an older schema.
    ///
    /// Fails without writing anything if the file is not a pmquiz database
    /// ([`StoreError::Corrupt`]) or was written by a newer pmquiz
    /// ([`StoreError::NewerSchema`]).
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            action: "create the data directory",
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DB_FILE_NAME);
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                return Err(StoreError::Io {
                    action: "open the review history",
                    path,
                    source: io::Error::other("it is a directory, not a file"),
                });
            }
            Ok(_) => inspect_read_only(&path)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Io {
                    action: "read",
                    path,
                    source,
                });
            }
        }
        remove_stale_imports(data_dir, std::time::SystemTime::now());
        Store::open_file(path)
    }

    /// Opens (creating it if need be) the history at `path`, set up and migrated.
    fn open_file(path: PathBuf) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sql_error(&path, e))?;
        let mut store = Store {
            conn,
            path,
            device: (0, DeviceId::from_bytes([0; 16])),
        };
        store.configure()?;
        store.migrate()?;
        store.device = store.read_device()?;
        Ok(store)
    }

    /// A new, empty history for a bulk import into a data directory that has none yet, or
    /// `None` when it has one (or the leftovers of one). It is made in a temporary file beside
    /// where the history belongs and written without a journal and without syncing each
    /// transaction: the data is written once, not to the write-ahead log and then again into
    /// the database. That is safe because nothing else can see the file until
    /// [`NewHistory::install`] has synced it and linked it into place in one step; a crash
    /// before leaves the data directory without a history, as it was, and at most a
    /// temporary file `.pmquiz-import-*.db` in it.
    pub(crate) fn create_new(data_dir: &Path) -> Result<Option<NewHistory>, StoreError> {
        fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            action: "create the data directory",
            path: data_dir.to_path_buf(),
            source,
        })?;
        remove_stale_imports(data_dir, std::time::SystemTime::now());
        let dest = data_dir.join(DB_FILE_NAME);
        let taken = |p: &Path| fs::symlink_metadata(p).is_ok();
        if ["", "-wal", "-shm", "-journal"]
            .iter()
            .any(|suffix| taken(&data_dir.join(format!("{DB_FILE_NAME}{suffix}"))))
        {
            return Ok(None);
        }
        // Made as SQLite makes a new history (not private to its owner as a temporary file
        // would be), and removed if the import fails.
        let temp = (0..100)
            .map(|_| data_dir.join(format!(".pmquiz-import-{:08x}.db", rand::random::<u32>())))
            .find_map(|path| {
                match fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                {
                    Ok(file) => Some(Ok((path, file))),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
                    Err(source) => Some(Err(StoreError::Io {
                        action: "create a file in",
                        path: data_dir.to_path_buf(),
                        source,
                    })),
                }
            })
            .unwrap_or_else(|| {
                Err(StoreError::Io {
                    action: "create a file in",
                    path: data_dir.to_path_buf(),
                    source: io::Error::other("every name tried was taken"),
                })
            })?;
        let (temp, lock) = temp;
        // Held until the import ends: what tells [`remove_stale_imports`] that this file is in
        // use, however long the import is stopped (Ctrl-Z, a sleeping laptop). Where the file
        // system has no locks, the file is only ever removed by this import.
        let _ = lock.try_lock();
        let temp = tempfile::TempPath::try_from_path(&temp).map_err(|source| StoreError::Io {
            action: "create",
            path: temp,
            source,
        })?;
        let store = Store::open_file(temp.to_path_buf())?;
        let e = |err| store.err(err);
        retry_while_busy(|| {
            store
                .conn
                .pragma_update_and_check(None, "journal_mode", "OFF", |r| r.get::<_, String>(0))
        })
        .map_err(e)?;
        store
            .conn
            .pragma_update(None, "synchronous", "OFF")
            .map_err(e)?;
        Ok(Some(NewHistory {
            store,
            temp,
            dest,
            _lock: lock,
        }))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<(), StoreError> {
        let conn = &self.conn;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| self.err(e))?;
        // The file may have changed since the read-only inspection (another
        // pmquiz could have upgraded it): check again before the first write.
        check_version(conn, &self.path)?;
        // WAL lets a `pmquiz stats` read while a quiz writes, and keeps the
        // file consistent if pmquiz is killed mid-write. Switching the journal
        // mode needs an exclusive lock, and SQLite reports "database is
        // locked" at once, without waiting, while another connection reads:
        // retry for up to the busy timeout.
        retry_while_busy(|| {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        })
        .map_err(|e| self.err(e))?;
        // WAL can be refused (e.g. a file system without shared memory);
        // SQLite then keeps its rollback journal, which is safe but lets
        // readers and a writer block each other for a moment.
        // synchronous=FULL: every committed answer is synced to disk before pmquiz moves on, so
        // even a power cut loses at most the answer being given. In WAL mode that is one
        // append and one sync of the WAL per answer.
        conn.pragma_update(None, "synchronous", ANSWER_SYNCHRONOUS)
            .map_err(|e| self.err(e))?;
        // Checkpoint (copy the WAL into the database) every 10 000 pages, not every 1 000: a
        // checkpoint takes tens of milliseconds, and at the default one answer in a hundred
        // waited for it. SQLite also checkpoints when the last connection closes.
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)
            .map_err(|e| self.err(e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Brings the schema up to [`SCHEMA_VERSION`] in one transaction.
    fn migrate(&self) -> Result<(), StoreError> {
        if check_version(&self.conn, &self.path)? == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.write()?;
        // Another pmquiz may have migrated while we waited for the lock.
        let found = check_version(&tx, &self.path)?;
        if found == 0 {
            check_empty(&tx, &self.path)?;
        }
        for sql in &MIGRATIONS[found as usize..] {
            tx.execute_batch(sql).map_err(|e| self.err(e))?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Records one answer and, if given, the card's new schedule, in one
    /// transaction committed before returning. With `state` `None` only the
    /// history is written. Sessions use [`Store::review`], which computes the
    /// schedule inside the transaction; this is for tools that already know it.
    pub fn record(
        &self,
        answer: &AnswerRecord,
        state: Option<&CardState>,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        insert_answer(&tx, self.device.0, answer, None).map_err(|e| self.err(e))?;
        if let Some(state) = state {
            upsert_card(&tx, &answer.deck_id, &answer.card_id, state).map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Records one answer and moves its card along its schedule, in one
    /// transaction: the card's current schedule is read, `schedule` computes
    /// the next one from it, and the answer and the new schedule are written
    /// together. The transaction takes the write lock before reading, so
    /// pmquiz processes answering the same card at once are serialized and
    /// each schedules from the state the one before it wrote.
    ///
    /// The answer is an event that sorts after every event this history knows, unless another
    /// device's clock was ahead: when an event of the card from another device is later than
    /// this answer, the card is left for the next sync to replay
    /// ([`Store::replay_pending`]), which puts its events in time order.
    pub fn review(
        &self,
        answer: &AnswerRecord,
        schedule: impl FnOnce(Option<&CardState>) -> CardState,
    ) -> Result<Recorded, StoreError> {
        let tx = self.write()?;
        let previous =
            read_card_state(&tx, &answer.deck_id, &answer.card_id).map_err(|e| self.err(e))?;
        let next = schedule(previous.as_ref());
        let phase = previous.as_ref().map_or(Phase::New, |p| p.phase);
        let (row, event) =
            insert_answer(&tx, self.device.0, answer, Some(phase)).map_err(|e| self.err(e))?;
        upsert_card(&tx, &answer.deck_id, &answer.card_id, &next).map_err(|e| self.err(e))?;
        events::check_order(
            &tx,
            &answer.deck_id,
            &answer.card_id,
            answer.answered_at,
            event,
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(Recorded {
            row,
            event,
            practice: false,
            previous,
            next: Some(next),
        })
    }

    /// Records an answer as practice: kept in the history (the `practice`
    /// table) without moving the card's schedule. Its rating is not stored.
    pub(crate) fn practice(&self, answer: &AnswerRecord) -> Result<Recorded, StoreError> {
        let tx = self.write()?;
        let state =
            read_card_state(&tx, &answer.deck_id, &answer.card_id).map_err(|e| self.err(e))?;
        let event = events::next_id(&tx, answer.answered_at).map_err(|e| self.err(e))?;
        tx.prepare_cached(
            "INSERT INTO practice (event_id, device, deck_id, card_id, question_kind, correct, \
             given, expected, answered_at, duration_ms, session_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                event.as_bytes(),
                self.device.0,
                answer.deck_id,
                answer.card_id,
                answer.question_kind,
                answer.correct,
                answer.given,
                answer.expected,
                to_millis(answer.answered_at),
                duration_millis(answer.duration),
                answer.session_id,
            ])
        })
        .map_err(|e| self.err(e))?;
        let row = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.err(e))?;
        Ok(Recorded {
            row,
            event,
            practice: true,
            previous: state.clone(),
            next: state,
        })
    }

    /// Calls `f` with the history of each answered card, one card at a time: its deck id, card
    /// id and answers (rating, time in milliseconds since the epoch) oldest first. Only the
    /// given decks, or every deck when `deck_ids` is empty. Practice answers are not included.
    pub(crate) fn for_each_card_history(
        &self,
        deck_ids: &[String],
        mut f: impl FnMut(&str, &str, &[(Rating, i64)]),
    ) -> Result<(), StoreError> {
        let filter = if deck_ids.is_empty() {
            String::new()
        } else {
            format!("WHERE deck_id IN ({})", placeholders(1, deck_ids.len()))
        };
        let sql = format!(
            "SELECT deck_id, card_id, rating, answered_at FROM answers {filter} \
             ORDER BY deck_id, card_id, answered_at, id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params_from_iter(deck_ids))
            .map_err(|e| self.err(e))?;
        let mut key: Option<(String, String)> = None;
        let mut answers: Vec<(Rating, i64)> = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let read = || -> rusqlite::Result<(&str, &str, Rating, i64)> {
                Ok((str_col(r, 0)?, str_col(r, 1)?, r.get(2)?, r.get(3)?))
            };
            let (deck, card, rating, at) = read().map_err(|e| self.err(e))?;
            if key.as_ref().is_some_and(|(d, c)| d != deck || c != card) {
                let (d, c) = key.take().expect("checked");
                f(&d, &c, &answers);
                answers.clear();
            }
            if key.is_none() {
                key = Some((deck.to_string(), card.to_string()));
            }
            answers.push((rating, at));
        }
        if let Some((d, c)) = key {
            f(&d, &c, &answers);
        }
        Ok(())
    }

    /// A deck's answers to cards that were in review when answered, given after `since` and up
    /// to `until`, per question kind: `(kind, answers, right ones)`. The retention the learner
    /// reaches. Answers recorded before pmquiz kept the phase are not counted.
    pub(crate) fn review_recall(
        &self,
        deck_id: &str,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<(String, usize, usize)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT question_kind, COUNT(*), SUM(correct) FROM answers \
                 WHERE phase = 'review' AND deck_id = ?1 AND answered_at > ?2 \
                 AND answered_at <= ?3 GROUP BY question_kind ORDER BY question_kind",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![deck_id, to_millis(since), to_millis(until)], |r| {
                    Ok((r.get(0)?, count_col(r, 1)?, count_col(r, 2)?))
                })?
                .collect()
            })
            .map_err(|e| self.err(e))
    }

    /// Card ids of a deck's history that an older pmquiz derived from the
    /// card's text (32-bit ids) and that no current card has claimed yet.
    /// Usually none: one index seek.
    pub(crate) fn legacy_ids(&self, deck_id: &str) -> Result<Vec<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT card_id FROM legacy_ids WHERE deck_id = ?1")
            .and_then(|mut stmt| stmt.query_map([deck_id], |r| r.get(0))?.collect())
            .map_err(|e| self.err(e))
    }

    /// Whether any deck's history still has card ids an older pmquiz derived (see
    /// [`Store::legacy_ids`]). Usually not: one read of an empty table.
    pub(crate) fn has_legacy_ids(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM legacy_ids)", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Moves the history and schedule of each `(old, new)` card id of a deck
    /// to the new id, in one transaction. Should the new id already have a
    /// schedule, it is kept and the old one dropped; every answer is kept.
    /// Returns how many ids moved.
    pub(crate) fn adopt_ids(
        &self,
        deck_id: &str,
        renames: &[(String, String)],
    ) -> Result<usize, StoreError> {
        if renames.is_empty() {
            return Ok(0);
        }
        let tx = self.write()?;
        let mut moved = 0;
        for (old, new) in renames {
            let run = |sql: &str| tx.execute(sql, params![deck_id, old, new]);
            // Another pmquiz may have moved it while this one waited for the lock.
            let pending: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM legacy_ids WHERE deck_id = ?1 AND card_id = ?2)",
                    params![deck_id, old],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?;
            if !pending {
                continue;
            }
            run("UPDATE answers SET card_id = ?3 WHERE deck_id = ?1 AND card_id = ?2")
                .and_then(|_| {
                    run("UPDATE practice SET card_id = ?3 WHERE deck_id = ?1 AND card_id = ?2")
                })
                .and_then(|_| {
                    run("UPDATE forgets SET card_id = ?3 WHERE deck_id = ?1 AND card_id = ?2")
                })
                .and_then(|_| {
                    run("UPDATE schedule_sets SET card_id = ?3 \
                         WHERE deck_id = ?1 AND card_id = ?2")
                })
                .and_then(|_| {
                    run("UPDATE OR IGNORE replay_pending SET card_id = ?3 \
                         WHERE deck_id = ?1 AND card_id = ?2")
                })
                .and_then(|_| {
                    run("UPDATE OR IGNORE cards SET card_id = ?3 \
                         WHERE deck_id = ?1 AND card_id = ?2")
                })
                .and_then(|_| {
                    tx.execute(
                        "DELETE FROM cards WHERE deck_id = ?1 AND card_id = ?2",
                        params![deck_id, old],
                    )
                })
                .and_then(|_| {
                    tx.execute(
                        "DELETE FROM legacy_ids WHERE deck_id = ?1 AND card_id = ?2",
                        params![deck_id, old],
                    )
                })
                .map_err(|e| self.err(e))?;
            moved += 1;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(moved)
    }

    /// Brings in answers from another tool's history, all in one transaction, and writes each
    /// card's schedule. Answers are recorded with `source` as their session id; one already
    /// recorded from the same source (same card and time) is not recorded again, so importing
    /// the same history twice changes nothing. `schedule` is given each card and the answers
    /// pmquiz itself recorded for it (time and rating, oldest first), and returns the card's
    /// schedule (`None` leaves it as it is).
    ///
    /// This is the bulk path: a million answers go in one transaction, with one lookup per
    /// card for what the history already holds, and none at all for a deck without history.
    /// `expected` is about how many answers `cards` holds: when that is many more than the
    /// history holds and none of `decks` has history yet, the indexes of `answers` are built
    /// once after the rows are in, which takes a fraction of the time of updating them row by
    /// row.
    pub(crate) fn import_history<'a>(
        &self,
        source: &str,
        decks: &[&str],
        expected: usize,
        cards: impl IntoIterator<Item = ImportedHistory<'a>>,
        mut schedule: impl FnMut(&ImportedHistory<'a>, &[(DateTime<Utc>, Rating)]) -> Option<CardState>,
    ) -> Result<ImportCounts, StoreError> {
        let tx = self.write()?;
        let e = |e| self.err(e);
        let has_history = |deck: &str| -> rusqlite::Result<bool> {
            tx.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM answers WHERE deck_id = ?1) \
                 OR EXISTS (SELECT 1 FROM practice WHERE deck_id = ?1)",
            )?
            .query_row([deck], |r| r.get(0))
        };
        let mut deck_has_history: HashMap<String, bool> = HashMap::new();
        for deck in decks {
            deck_has_history.insert(deck.to_string(), has_history(deck).map_err(e)?);
        }
        let existing: i64 = tx
            .query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
            .map_err(e)?;
        let rebuild = expected >= BULK_FROM
            && i64::try_from(expected).unwrap_or(i64::MAX) > existing
            && deck_has_history.values().all(|h| !h);
        // The indexes of the answers, and those of the cards' schedules and their events, which
        // are written in the order of their keys (`cards` and `schedule_sets` themselves) but
        // not of their indexes (by due date), dropped to be made again once the rows are in.
        let dropped = if rebuild {
            Some(
                DroppedIndexes::drop(&tx, &["answers", "cards", "schedule_sets"], &[])
                    .map_err(e)?,
            )
        } else {
            None
        };

        // The answers are events of this device, as if given here, with ids after every other.
        let mut ids = events::IdSource::new(&tx).map_err(e)?;
        let mut counts = ImportCounts::default();
        let mut native: Vec<(DateTime<Utc>, Rating)> = Vec::new();
        let mut imported_before: Vec<i64> = Vec::new();
        let mut deck_forgotten: HashMap<String, bool> = HashMap::new();
        {
            let mut history_of = tx
                .prepare(
                    "SELECT answered_at, rating, session_id = ?3 FROM answers \
                     WHERE deck_id = ?1 AND card_id = ?2 ORDER BY answered_at, id",
                )
                .map_err(e)?;
            let mut practice_seen = tx
                .prepare(
                    "SELECT EXISTS (SELECT 1 FROM practice WHERE deck_id = ?1 \
                     AND answered_at = ?2 AND card_id = ?3 AND session_id = ?4)",
                )
                .map_err(e)?;
            let mut insert_answer = tx
                .prepare(
                    "INSERT INTO answers (deck_id, card_id, question_kind, correct, rating, \
                     given, expected, answered_at, duration_ms, session_id, event_id, device) \
                     VALUES (?1, ?2, 'flash', ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(e)?;
            let mut insert_practice = tx
                .prepare(
                    "INSERT INTO practice (deck_id, card_id, question_kind, correct, given, \
                     expected, answered_at, duration_ms, session_id, event_id, device) \
                     VALUES (?1, ?2, 'flash', 1, ?3, '', ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(e)?;
            // Answers are written INSERT_BATCH to a statement: a million answers are a million
            // statements otherwise, each with its own start and end.
            let row = "(?, ?, 'flash', ?, ?, ?, '', ?, ?, ?, ?, ?)";
            let mut insert_batch = tx
                .prepare(&format!(
                    "INSERT INTO answers (deck_id, card_id, question_kind, correct, rating, \
                     given, expected, answered_at, duration_ms, session_id, event_id, device) \
                     VALUES {}",
                    vec![row; INSERT_BATCH].join(", ")
                ))
                .map_err(e)?;
            let mut pending: Vec<PendingAnswer<'_>> = Vec::with_capacity(INSERT_BATCH);
            let device = self.device.0;
            let mut write_pending =
                |pending: &mut Vec<PendingAnswer<'_>>, all: bool| -> rusqlite::Result<()> {
                    if pending.len() == INSERT_BATCH {
                        for (k, a) in pending.iter().enumerate() {
                            let at = k * 10;
                            insert_batch.raw_bind_parameter(at + 1, a.deck_id)?;
                            insert_batch.raw_bind_parameter(at + 2, a.card_id)?;
                            insert_batch.raw_bind_parameter(at + 3, a.rating != Rating::Again)?;
                            insert_batch.raw_bind_parameter(at + 4, a.rating.as_u8())?;
                            insert_batch.raw_bind_parameter(at + 5, a.rating.as_str())?;
                            insert_batch.raw_bind_parameter(at + 6, a.at)?;
                            insert_batch.raw_bind_parameter(at + 7, a.duration)?;
                            insert_batch.raw_bind_parameter(at + 8, source)?;
                            insert_batch.raw_bind_parameter(at + 9, &a.event.as_bytes()[..])?;
                            insert_batch.raw_bind_parameter(at + 10, device)?;
                        }
                        insert_batch.raw_execute()?;
                        pending.clear();
                    } else if all {
                        for a in pending.drain(..) {
                            insert_answer.execute(params![
                                a.deck_id,
                                a.card_id,
                                a.rating != Rating::Again,
                                a.rating.as_u8(),
                                a.rating.as_str(),
                                a.at,
                                a.duration,
                                source,
                                a.event.as_bytes(),
                                device,
                            ])?;
                        }
                    }
                    Ok(())
                };
            for card in cards {
                let has_history = match deck_has_history.get(card.deck_id) {
                    Some(&known) => known,
                    None => {
                        let known = has_history(card.deck_id).map_err(e)?;
                        deck_has_history.insert(card.deck_id.to_string(), known);
                        known
                    }
                };
                native.clear();
                imported_before.clear();
                if has_history {
                    // What this import wrote is read back too.
                    write_pending(&mut pending, true).map_err(e)?;
                    let mut rows = history_of
                        .query(params![card.deck_id, card.card_id, source])
                        .map_err(e)?;
                    while let Some(r) = rows.next().map_err(e)? {
                        let at: i64 = r.get(0).map_err(e)?;
                        if r.get::<_, bool>(2).map_err(e)? {
                            imported_before.push(at);
                        } else {
                            let rating =
                                Rating::try_from(r.get::<_, u8>(1).map_err(e)?).map_err(|err| {
                                    e(rusqlite::Error::FromSqlConversionFailure(
                                        1,
                                        Type::Integer,
                                        Box::new(err),
                                    ))
                                })?;
                            native.push((from_millis(at).map_err(e)?, rating));
                        }
                    }
                }
                for answer in &card.answers {
                    let at = to_millis(answer.answered_at);
                    let seen = match answer.rating {
                        Some(_) => imported_before.contains(&at),
                        None => {
                            has_history
                                && practice_seen
                                    .query_row(
                                        params![card.deck_id, at, card.card_id, source],
                                        |r| r.get(0),
                                    )
                                    .map_err(e)?
                        }
                    };
                    if seen {
                        counts.already += 1;
                        continue;
                    }
                    let given = answer.rating.map_or("practice", Rating::as_str);
                    let duration = duration_millis(answer.duration);
                    let event = ids.next(answer.answered_at);
                    match answer.rating {
                        Some(rating) => {
                            pending.push(PendingAnswer {
                                deck_id: card.deck_id,
                                card_id: card.card_id,
                                rating,
                                at,
                                duration,
                                event,
                            });
                            write_pending(&mut pending, false).map_err(e)?;
                            counts.answers += 1;
                        }
                        None => {
                            insert_practice
                                .execute(params![
                                    card.deck_id,
                                    card.card_id,
                                    given,
                                    at,
                                    duration,
                                    source,
                                    event.as_bytes(),
                                    self.device.0,
                                ])
                                .map_err(e)?;
                            counts.practice += 1;
                        }
                    }
                }
                if let Some(state) = schedule(&card, &native) {
                    upsert_card(&tx, card.deck_id, card.card_id, &state).map_err(e)?;
                    // The schedule is an event, just after every answer of the card, so that
                    // a replay here or on another device gives the card this schedule.
                    let last_answer = card
                        .answers
                        .iter()
                        .filter(|a| a.rating.is_some())
                        .map(|a| a.answered_at)
                        .chain(native.iter().map(|(at, _)| *at))
                        .chain(
                            imported_before
                                .iter()
                                .filter_map(|&ms| from_millis(ms).ok()),
                        )
                        .max();
                    let deck_forgotten = match deck_forgotten.get(card.deck_id) {
                        Some(&known) => known,
                        None => {
                            let known = tx
                                .query_row(
                                    "SELECT EXISTS (SELECT 1 FROM forgets WHERE deck_id = ?1)",
                                    [card.deck_id],
                                    |r| r.get(0),
                                )
                                .map_err(e)?;
                            deck_forgotten.insert(card.deck_id.to_string(), known);
                            known
                        }
                    };
                    events::set_schedule(
                        &tx,
                        &mut ids,
                        self.device.0,
                        card.deck_id,
                        card.card_id,
                        deck_forgotten,
                        last_answer,
                        &state,
                    )
                    .map_err(e)?;
                    counts.scheduled += 1;
                }
            }
            write_pending(&mut pending, true).map_err(e)?;
        }
        crate::timing::step("history: replaying and inserting the answers");
        if let Some(dropped) = dropped {
            dropped
                .rebuild(&tx, |name| {
                    crate::timing::step(&format!("history: building the index {name}"));
                })
                .map_err(e)?;
        }
        tx.commit().map_err(e)?;
        crate::timing::step("history: committing");
        Ok(counts)
    }

    /// Calls `f` with every answer of a deck, answers and practice together, oldest first:
    /// card id, time, rating (`None` for practice), whether it was right, time taken.
    pub(crate) fn for_each_answer(
        &self,
        deck_id: &str,
        mut f: impl FnMut(&str, DateTime<Utc>, Option<Rating>, bool, Duration),
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "SELECT card_id, answered_at, rating, correct, duration_ms FROM answers \
                 WHERE deck_id = ?1 \
                 UNION ALL SELECT card_id, answered_at, NULL, correct, duration_ms FROM practice \
                 WHERE deck_id = ?1 ORDER BY 2",
            )
            .and_then(|mut stmt| {
                let mut rows = stmt.query([deck_id])?;
                while let Some(r) = rows.next()? {
                    let ms: i64 = r.get(4)?;
                    f(
                        str_col(r, 0)?,
                        from_millis(r.get(1)?)?,
                        r.get(2)?,
                        r.get(3)?,
                        Duration::from_millis(u64::try_from(ms).unwrap_or(0)),
                    );
                }
                Ok(())
            })
            .map_err(|e| self.err(e))
    }

    /// Starts a write transaction, taking the write lock at once (waiting
    /// for another pmquiz up to the busy timeout).
    fn write(&self) -> Result<Transaction<'_>, StoreError> {
        Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))
    }

    /// The schedule of one card, `None` if it was never answered (or was
    /// forgotten).
    pub fn card_state(
        &self,
        deck_id: &str,
        card_id: &str,
    ) -> Result<Option<CardState>, StoreError> {
        read_card_state(&self.conn, deck_id, card_id).map_err(|e| self.err(e))
    }

    /// The schedules of all answered cards of a deck, by card id.
    pub(crate) fn card_states(
        &self,
        deck_id: &str,
    ) -> Result<HashMap<String, CardState>, StoreError> {
        let mut states = HashMap::new();
        self.for_each_card_state(deck_id, |card_id, state| {
            states.insert(card_id.to_string(), state);
        })?;
        Ok(states)
    }

    /// Calls `f` with the id and the schedule of each answered card of a deck, in no
    /// particular order. The id is borrowed from the row read: unlike
    /// [`Store::card_states`], this allocates nothing per card.
    pub(crate) fn for_each_card_state(
        &self,
        deck_id: &str,
        mut f: impl FnMut(&str, CardState),
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "SELECT card_id, phase, stability, difficulty, due, last_review, reps, lapses \
                 FROM cards WHERE deck_id = ?1",
            )
            .and_then(|mut stmt| {
                let mut rows = stmt.query([deck_id])?;
                while let Some(r) = rows.next()? {
                    let state = state_from_row(r, 1)?;
                    f(str_col(r, 0)?, state);
                }
                Ok(())
            })
            .map_err(|e| self.err(e))
    }

    /// Calls `f` with the id, phase and due time of each answered card of a deck, in no
    /// particular order: what [`crate::stats::deck_stats`] needs of a schedule. Reads three
    /// of the eight columns [`Store::for_each_card_state`] reads and builds no [`CardState`];
    /// the id is passed as the bytes of the row, not checked to be UTF-8. Both show with
    /// 100 000 cards (`pmquiz stats`).
    pub(crate) fn for_each_card_due(
        &self,
        deck_id: &str,
        mut f: impl FnMut(&[u8], CardDue),
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("SELECT card_id, phase, due FROM cards WHERE deck_id = ?1")
            .and_then(|mut stmt| {
                let mut rows = stmt.query([deck_id])?;
                while let Some(r) = rows.next()? {
                    let phase = match r.get_ref(1)?.as_bytes()? {
                        b"new" => Phase::New,
                        b"learning" => Phase::Learning,
                        b"review" => Phase::Review,
                        b"relearning" => Phase::Relearning,
                        _ => {
                            // Not a phase (the table's CHECK keeps this from happening): the
                            // same error as everywhere else a phase is read.
                            let e = str_col(r, 1)?.parse::<Phase>().unwrap_err();
                            return Err(rusqlite::Error::FromSqlConversionFailure(
                                1,
                                Type::Text,
                                Box::new(e),
                            ));
                        }
                    };
                    let due = from_millis_col(r, 2)?;
                    f(r.get_ref(0)?.as_bytes()?, CardDue { phase, due });
                }
                Ok(())
            })
            .map_err(|e| self.err(e))
    }

    /// Cards of the given decks due at `at` ([`DueAt`]: cards in review from the start of
    /// their due day, learning steps at their minute): cards in learning or relearning
    /// (recently missed) first, then the most overdue first. An empty `deck_ids` selects
    /// nothing. `limit` caps the number returned.
    pub fn due(
        &self,
        deck_ids: &[String],
        at: DueAt,
        limit: Option<usize>,
    ) -> Result<Vec<DueCard>, StoreError> {
        if deck_ids.is_empty() || limit == Some(0) {
            return Ok(Vec::new());
        }
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        // Each deck is read on its own, in the order of an index, so that SQLite stops after
        // `limit` rows of a deck instead of sorting every due card: first the learning steps
        // due now (`cards_deck_steps`), then the other cards due before the day ends
        // (`cards_deck_due`). The decks' rows are then merged in the same order.
        let mut deck_ids: Vec<&str> = deck_ids.iter().map(String::as_str).collect();
        deck_ids.sort_unstable();
        deck_ids.dedup();
        let day_end = to_millis(at.day_end);
        let now = to_millis(at.now);
        let by_due = |a: &DueCard, b: &DueCard| {
            (a.state.due, &a.deck_id, &a.card_id).cmp(&(b.state.due, &b.deck_id, &b.card_id))
        };
        let mut due = Vec::new();
        for sql in [DUE_STEPS, DUE_OTHERS] {
            let mut group: Vec<DueCard> = Vec::new();
            let mut stmt = self
                .conn
                .prepare_cached(&format!("SELECT {CARD_COLUMNS} {sql}"))
                .map_err(|e| self.err(e))?;
            for deck_id in &deck_ids {
                let rows = stmt
                    .query_map(params![deck_id, day_end, now, limit], card_from_row)
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .map_err(|e| self.err(e))?;
                group.extend(rows);
            }
            group.sort_by(by_due);
            due.extend(group);
            if limit >= 0 && due.len() as i64 >= limit {
                due.truncate(limit as usize);
                break;
            }
        }
        Ok(due)
    }

    /// The cards of the given decks not due at `at` that come due first: the earliest
    /// learning step, and the earliest `due` of a card in review (asked from the start of its
    /// day: see [`Upcoming::first`]).
    pub(crate) fn upcoming(&self, deck_ids: &[String], at: DueAt) -> Result<Upcoming, StoreError> {
        if deck_ids.is_empty() {
            return Ok(Upcoming::default());
        }
        let sql = format!(
            "SELECT MIN(CASE WHEN phase <> 'review' THEN due END), \
                    MIN(CASE WHEN phase = 'review' AND due >= ?2 THEN due END) \
             FROM cards WHERE deck_id IN ({}) AND due > ?1",
            placeholders(3, deck_ids.len())
        );
        let mut values: Vec<rusqlite::types::Value> =
            vec![to_millis(at.now).into(), to_millis(at.day_end).into()];
        values.extend(deck_ids.iter().map(|d| d.clone().into()));
        let (step, review): (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut stmt| {
                stmt.query_row(params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?)))
            })
            .map_err(|e| self.err(e))?;
        let time = |ms: Option<i64>| {
            ms.map(|ms| from_millis(ms).map_err(|e| self.err(e)))
                .transpose()
        };
        Ok(Upcoming {
            step: time(step)?,
            review: time(review)?,
        })
    }

    /// How many of the given decks' cards are due at `at` (see [`Store::due`]).
    pub(crate) fn count_due(&self, deck_ids: &[String], at: DueAt) -> Result<usize, StoreError> {
        if deck_ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM cards \
             WHERE deck_id IN ({}) AND due < ?1 AND (phase = 'review' OR due <= ?2)",
            placeholders(3, deck_ids.len())
        );
        let mut values: Vec<rusqlite::types::Value> =
            vec![to_millis(at.day_end).into(), to_millis(at.now).into()];
        values.extend(deck_ids.iter().map(|d| d.clone().into()));
        let n: i64 = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut stmt| stmt.query_row(params_from_iter(values), |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Resets the schedule of one card (`Some(card_id)`) or of every card of
    /// a deck (`None`), so they are new again, and records that as an event at `at`
    /// (it reaches other devices with `pmquiz sync`). The answer history is kept.
    /// Returns how many cards were reset.
    pub(crate) fn forget(
        &self,
        deck_id: &str,
        card_id: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let tx = self.write()?;
        let event = events::next_id(&tx, at).map_err(|e| self.err(e))?;
        let reset = tx
            .execute(
                "INSERT INTO forgets (event_id, device, at, deck_id, card_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    event.as_bytes(),
                    self.device.0,
                    to_millis(at),
                    deck_id,
                    card_id
                ],
            )
            .and_then(|_| match card_id {
                Some(card) => tx.execute(
                    "DELETE FROM cards WHERE deck_id = ?1 AND card_id = ?2",
                    params![deck_id, card],
                ),
                None => tx.execute("DELETE FROM cards WHERE deck_id = ?1", [deck_id]),
            })
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(reset)
    }

    /// All answers to the given decks given at or after `since`, oldest
    /// first.
    #[cfg(test)]
    pub(crate) fn answers_since(
        &self,
        deck_ids: &[String],
        since: DateTime<Utc>,
    ) -> Result<Vec<AnswerRecord>, StoreError> {
        if deck_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ANSWER_COLUMNS} FROM answers \
             WHERE deck_id IN ({}) AND answered_at >= ?1 ORDER BY answered_at, id",
            placeholders(2, deck_ids.len())
        );
        let mut values: Vec<rusqlite::types::Value> = vec![to_millis(since).into()];
        values.extend(deck_ids.iter().map(|d| d.clone().into()));
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut stmt| {
                stmt.query_map(params_from_iter(values), answer_from_row)?
                    .collect()
            })
            .map_err(|e| self.err(e))
    }

    /// The history of one deck that [`crate::stats::deck_stats`] needs: the answers (and right
    /// answers) and the practice answers of the last 7 and 30 days up to `now`, answer and miss
    /// counts over all time of the most missed cards, enough to find the hardest cards among
    /// those for which `in_deck` holds (the cards currently in the deck), and the latest run of
    /// consecutive days studied (the learner's `days`) up to `now`.
    ///
    /// Stays fast with a million answers: the answer windows are counted in SQL, per-card
    /// counts come from a covering index and only the top few are returned, and the study days
    /// take one index seek per day.
    pub fn deck_history<Tz: TimeZone>(
        &self,
        deck_id: &str,
        now: DateTime<Utc>,
        days: &Days<Tz>,
        in_deck: impl Fn(&str) -> bool,
    ) -> Result<DeckHistory, StoreError> {
        let now_ms = to_millis(now);
        // The short window is the newest part of the long one: count it, then the rest of the
        // long window, so that each answer is read once.
        const _: () = assert!(SHORT_WINDOW_DAYS <= LONG_WINDOW_DAYS);
        let short_ms = to_millis(now - TimeDelta::days(SHORT_WINDOW_DAYS));
        let long_ms = to_millis(now - TimeDelta::days(LONG_WINDOW_DAYS));
        let last_7_days = self.count_answers(deck_id, short_ms, now_ms)?;
        let last_30_days = last_7_days + self.count_answers(deck_id, long_ms, short_ms)?;
        let practice_7_days = self.count_practice(deck_id, short_ms, now_ms)?;
        let practice_30_days = practice_7_days + self.count_practice(deck_id, long_ms, short_ms)?;

        let tallies = self.hardest_tallies(deck_id, in_deck)?;

        // The latest run of consecutive study days: the day of the last answer up to `now`,
        // then, day by day going back, the last answer before the start of the day found. Each
        // step is one seek in `answers_deck_time`, so a streak of N days costs N + 1 seeks
        // however many answers each day has; the run ends at the first day missed. (Practice
        // answers follow a review of the same session, so they add no study day.)
        let study_days = self
            .conn
            .prepare_cached(
                "SELECT MAX(answered_at) FROM answers WHERE deck_id = ?1 AND answered_at <= ?2",
            )
            .and_then(|mut stmt| {
                let mut found: Vec<NaiveDate> = Vec::new();
                let mut until_ms = now_ms;
                while let Some(ms) =
                    stmt.query_row(params![deck_id, until_ms], |r| r.get::<_, Option<i64>>(0))?
                {
                    let day = days.day_of(from_millis(ms)?);
                    if found
                        .last()
                        .is_some_and(|&last| last - day > TimeDelta::days(1))
                    {
                        break;
                    }
                    found.push(day);
                    until_ms = to_millis(days.start_of(day)) - 1;
                }
                Ok(found)
            })
            .map_err(|e| self.err(e))?;

        let reached = self.review_recall(deck_id, now - TimeDelta::days(LONG_WINDOW_DAYS), now)?;
        Ok(DeckHistory {
            last_7_days,
            last_30_days,
            practice_7_days,
            practice_30_days,
            tallies,
            study_days,
            reached,
        })
    }

    /// Answer and miss counts (over all time) of at least every card for which `in_deck`
    /// holds that can be among the [`HARDEST_CARDS`] hardest ones
    /// ([`crate::stats::DeckStats::hardest`]: most misses, then fewest answers, then id).
    fn hardest_tallies(
        &self,
        deck_id: &str,
        in_deck: impl Fn(&str) -> bool,
    ) -> Result<Vec<CardTally>, StoreError> {
        match self.hardest_by_misses(deck_id, &in_deck)? {
            Some(tallies) => Ok(tallies),
            None => self.hardest_by_tallies(deck_id, &in_deck),
        }
    }

    /// [`Store::hardest_tallies`] from the missed answers only, or `None` when the first
    /// [`MISSES_BATCH`] most missed cards are not enough to tell.
    ///
    /// Counting the entries of the partial index `answers_misses` (the answers with
    /// `correct = 0`) per card skips every right answer: over a million answers, 12 % of them
    /// misses, it reads 125 000 index entries rather than a million. Ranked by misses, the cards that can be among the hardest are the deck's cards
    /// with at least as many misses as the [`HARDEST_CARDS`]-th of them; only those need their
    /// answers counted, one index seek each. If the batch ends before a card with fewer misses
    /// (many cards tie, or removed cards fill it), `None` leaves it to
    /// [`Store::hardest_by_tallies`].
    fn hardest_by_misses(
        &self,
        deck_id: &str,
        in_deck: impl Fn(&str) -> bool,
    ) -> Result<Option<Vec<CardTally>>, StoreError> {
        let mut candidates: Vec<(String, u64)> = Vec::new();
        let complete = self
            .conn
            .prepare_cached(
                "SELECT card_id, COUNT(*) AS misses FROM answers \
                 WHERE deck_id = ?1 AND correct = 0 \
                 GROUP BY card_id ORDER BY misses DESC LIMIT ?2",
            )
            .and_then(|mut stmt| {
                let mut rows = stmt.query(params![deck_id, MISSES_BATCH])?;
                let mut read = 0;
                let mut least = None; // the misses of the HARDEST_CARDS-th card of the deck
                while let Some(r) = rows.next()? {
                    read += 1;
                    let misses = count_col(r, 1)? as u64;
                    if least.is_some_and(|least| misses < least) {
                        return Ok(true);
                    }
                    let card_id = str_col(r, 0)?;
                    if in_deck(card_id) {
                        candidates.push((card_id.to_string(), misses));
                        if candidates.len() == HARDEST_CARDS {
                            least = Some(misses);
                        }
                    }
                }
                Ok(read < MISSES_BATCH)
            })
            .map_err(|e| self.err(e))?;
        if !complete {
            return Ok(None);
        }
        let mut count = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM answers WHERE deck_id = ?1 AND card_id = ?2")
            .map_err(|e| self.err(e))?;
        candidates
            .into_iter()
            .map(|(card_id, misses)| {
                let answers = count
                    .query_row(params![deck_id, card_id], |r| count_col(r, 0))
                    .map_err(|e| self.err(e))? as u64;
                Ok(CardTally {
                    card_id,
                    answers,
                    misses,
                })
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// [`Store::hardest_tallies`] from every card's answer and miss counts: the deck's cards
    /// with misses, most missed first, in the order of [`crate::stats::DeckStats::hardest`],
    /// up to the [`HARDEST_CARDS`]-th card for which `in_deck` holds (or all of them, if fewer
    /// are in the deck), with any removed cards ranked before it.
    ///
    /// SQLite counts the answers of every card, but sorts only the top [`HARDEST_BATCH`] and
    /// returns a few rows. Cards removed from the deck may take places at the top: if they
    /// leave fewer than [`HARDEST_CARDS`] cards of the deck in the batch, the query runs again
    /// without a limit and is read until enough are found.
    fn hardest_by_tallies(
        &self,
        deck_id: &str,
        in_deck: impl Fn(&str) -> bool,
    ) -> Result<Vec<CardTally>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT card_id, COUNT(*) AS answers, COUNT(*) - SUM(correct) AS misses \
                 FROM answers WHERE deck_id = ?1 \
                 GROUP BY card_id HAVING misses > 0 \
                 ORDER BY misses DESC, answers, card_id LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let mut tallies = Vec::new();
        for limit in [HARDEST_BATCH, -1] {
            tallies.clear();
            let mut rows = stmt
                .query(params![deck_id, limit])
                .map_err(|e| self.err(e))?;
            let mut in_deck_found = 0;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let tally = CardTally {
                    card_id: r.get(0).map_err(|e| self.err(e))?,
                    answers: count_col(r, 1).map_err(|e| self.err(e))? as u64,
                    misses: count_col(r, 2).map_err(|e| self.err(e))? as u64,
                };
                in_deck_found += usize::from(in_deck(&tally.card_id));
                tallies.push(tally);
                if in_deck_found == HARDEST_CARDS {
                    return Ok(tallies);
                }
            }
            if (tallies.len() as i64) < limit {
                break; // every card with misses was read
            }
        }
        Ok(tallies)
    }

    /// The answers to a deck given after `after_ms` and up to `until_ms` (both in
    /// milliseconds since the epoch), and how many were right.
    ///
    /// Reads the range of the index `answers_deck_time`, which holds `correct`: no row is read.
    fn count_answers(
        &self,
        deck_id: &str,
        after_ms: i64,
        until_ms: i64,
    ) -> Result<AnswerCount, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM answers \
                 WHERE deck_id = ?1 AND answered_at > ?2 AND answered_at <= ?3",
            )
            .and_then(|mut stmt| {
                stmt.query_row(params![deck_id, after_ms, until_ms], |r| {
                    Ok(AnswerCount {
                        answers: count_col(r, 0)?,
                        correct: count_col(r, 1)?,
                    })
                })
            })
            .map_err(|e| self.err(e))
    }

    /// The practice answers to a deck given after `after_ms` and up to `until_ms`.
    fn count_practice(
        &self,
        deck_id: &str,
        after_ms: i64,
        until_ms: i64,
    ) -> Result<usize, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT COUNT(*) FROM practice \
                 WHERE deck_id = ?1 AND answered_at > ?2 AND answered_at <= ?3",
            )
            .and_then(|mut stmt| {
                stmt.query_row(params![deck_id, after_ms, until_ms], |r| count_col(r, 0))
            })
            .map_err(|e| self.err(e))
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_error(&self.path, e)
    }
}

/// Checks an existing file through a read-only connection, so that a file
/// pmquiz must not touch is never written to.
///
/// Only damage and a newer schema are reported from here. Any other failure
/// (for example a hot journal or WAL that only a writer may recover) is left
/// to the read-write open, which reports real problems itself and still
/// checks the schema version before its first write.
fn inspect_read_only(path: &Path) -> Result<(), StoreError> {
    let inspect = || -> Result<(), StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sql_error(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| sql_error(path, e))?;
        // Read the version and the table list from one snapshot: another pmquiz may be
        // creating the database right now, and its migration sets both at once.
        let tx = Transaction::new_unchecked(&conn, TransactionBehavior::Deferred)
            .map_err(|e| sql_error(path, e))?;
        if check_version(&tx, path)? == 0 {
            check_empty(&tx, path)?;
        } else {
            // Reads the schema page, which catches most damage early.
            conn.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| sql_error(path, e))?;
        }
        Ok(())
    };
    match inspect() {
        Err(err @ (StoreError::Corrupt { .. } | StoreError::NewerSchema { .. })) => Err(err),
        _ => Ok(()),
    }
}

/// A history being filled in a temporary file, for a data directory that had none
/// ([`Store::create_new`]).
pub(crate) struct NewHistory {
    store: Store,
    temp: tempfile::TempPath,
    dest: PathBuf,
    /// The temporary file, open and locked while the import runs (see [`Store::create_new`]);
    /// dropped last.
    _lock: fs::File,
}

impl NewHistory {
    /// The history, to write to.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Makes the history what pmquiz opens: sets it to its write-ahead log as every history
    /// is, syncs it to disk and links it in as `pmquiz.db`, never over a history that another
    /// pmquiz created meanwhile. Returns `false`, and leaves that one as it is, when there is
    /// one now; the temporary file is removed either way.
    pub(crate) fn install(self) -> Result<bool, StoreError> {
        let NewHistory {
            store,
            temp,
            dest,
            _lock,
        } = self;
        let io_err = |action: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Io {
                action,
                path,
                source,
            }
        };
        let mode: String = {
            // Closed at the end of this block, on an error too: before the temporary file is
            // removed, which some systems refuse for a file still open.
            let store = store;
            store
                .conn
                .pragma_update(None, "synchronous", "FULL")
                .map_err(|e| store.err(e))?;
            store
                .conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                .map_err(|e| store.err(e))?
        };
        let temp_path = temp.to_path_buf();
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(io_err("set up", &temp_path)(io::Error::other(format!(
                "the new history cannot use a write-ahead log (journal mode {mode})"
            ))));
        }
        fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(io_err("sync", &temp))?;
        match fs::hard_link(&temp, &dest) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(io_err("create", &dest)(e)),
        }
        temp.close().map_err(io_err("remove", &temp_path))?;
        if let Some(dir) = dest.parent() {
            // The new directory entry, synced; not every system can open a directory.
            if let Ok(d) = fs::File::open(dir) {
                d.sync_all().map_err(io_err("sync", dir))?;
            }
        }
        Ok(true)
    }
}

/// How long a temporary history of an import must have gone unwritten before it may be taken
/// for the leftover of an import that was killed (an import writes its file every few seconds,
/// and holds a lock on it besides).
const STALE_IMPORT: Duration = Duration::from_secs(10 * 60);

/// Removes what imports killed before their end (Ctrl-C, a crash, a power cut) left in the data
/// directory: temporary histories `.pmquiz-import-*.db` (see [`Store::create_new`]), with the
/// files SQLite keeps beside them, that no process holds locked and that were last written at
/// least [`STALE_IMPORT`] before `now`. Never the history itself, which is only ever a link to
/// such a file once it is complete. Best effort: what cannot be read, locked or removed stays,
/// and is tried again next time.
fn remove_stale_imports(data_dir: &Path, now: std::time::SystemTime) {
    let Ok(entries) = fs::read_dir(data_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some(base) = ["", "-wal", "-shm", "-journal"].iter().find_map(|suffix| {
            name.strip_suffix(suffix)
                .filter(|b| b.starts_with(".pmquiz-import-") && b.ends_with(".db"))
        }) else {
            continue;
        };
        let base = data_dir.join(base);
        // An import under way holds its file locked; a file that is gone holds nothing.
        let in_use = fs::File::open(&base).is_ok_and(|f| f.try_lock().is_err());
        let old = fs::symlink_metadata(&base)
            .or_else(|_| entry.metadata())
            .and_then(|m| m.modified())
            .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age >= STALE_IMPORT));
        if !in_use && old && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Runs `f` again while it fails with "database is locked", for up to
/// [`BUSY_TIMEOUT`], for the few operations SQLite's busy handler skips.
fn retry_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match f() {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// The schema version of the database, or [`StoreError::NewerSchema`].
fn check_version(conn: &Connection, path: &Path) -> Result<u32, StoreError> {
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| sql_error(path, e))?;
    let found = u32::try_from(found).map_err(|_| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("its schema version {found} is not valid"),
    })?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// A database at schema version 0 must be empty: anything else is some other
/// program's SQLite file, which pmquiz must not add its tables to.
fn check_empty(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let objects: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| sql_error(path, e))?;
    if objects > 0 {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "it is an SQLite database, but not one made by pmquiz".to_string(),
        });
    }
    Ok(())
}

/// Turns an SQLite error into a user-facing [`StoreError`] naming the file.
fn sql_error(path: &Path, e: rusqlite::Error) -> StoreError {
    let io = |action, kind: io::ErrorKind, what: String| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source: io::Error::new(kind, what),
    };
    match &e {
        rusqlite::Error::SqliteFailure(err, msg) => {
            let what = msg.clone().unwrap_or_else(|| err.to_string());
            match err.code {
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: what,
                },
                ErrorCode::DiskFull => io(
                    "write to",
                    io::ErrorKind::StorageFull,
                    "the disk is full; free some space and try again".to_string(),
                ),
                ErrorCode::CannotOpen => io("open", io::ErrorKind::NotFound, what),
                ErrorCode::PermissionDenied | ErrorCode::ReadOnly => io(
                    "write to",
                    io::ErrorKind::PermissionDenied,
                    format!("{what}; check the permissions of the file and its directory"),
                ),
                ErrorCode::SystemIoFailure => io("read or write", io::ErrorKind::Other, what),
                _ => StoreError::Sqlite {
                    path: path.to_path_buf(),
                    source: e,
                },
            }
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::Utf8Error(..) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("unexpected stored value: {e}"),
        },
        _ => StoreError::Sqlite {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

/// The schedule of one card, read on `conn` (a transaction's, to read and write in one).
fn read_card_state(
    conn: &Connection,
    deck_id: &str,
    card_id: &str,
) -> rusqlite::Result<Option<CardState>> {
    conn.prepare_cached(
        "SELECT phase, stability, difficulty, due, last_review, reps, lapses \
         FROM cards WHERE deck_id = ?1 AND card_id = ?2",
    )?
    .query_row(params![deck_id, card_id], |r| state_from_row(r, 0))
    .optional()
}

/// Appends an answer of this device (number `device`) to the history as a new event, with the
/// phase its card was in (when known); returns its row id and event id.
fn insert_answer(
    tx: &Transaction<'_>,
    device: i64,
    answer: &AnswerRecord,
    phase: Option<Phase>,
) -> rusqlite::Result<(i64, EventId)> {
    let event = events::next_id(tx, answer.answered_at)?;
    tx.prepare_cached(
        "INSERT INTO answers (event_id, device, deck_id, card_id, question_kind, correct, \
         rating, given, expected, answered_at, duration_ms, session_id, phase) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        event.as_bytes(),
        device,
        answer.deck_id,
        answer.card_id,
        answer.question_kind,
        answer.correct,
        answer.rating,
        answer.given,
        answer.expected,
        to_millis(answer.answered_at),
        duration_millis(answer.duration),
        answer.session_id,
        phase.map(Phase::as_str),
    ])?;
    Ok((tx.last_insert_rowid(), event))
}

fn upsert_card(
    tx: &Transaction<'_>,
    deck_id: &str,
    card_id: &str,
    s: &CardState,
) -> rusqlite::Result<usize> {
    tx.prepare_cached(
        "INSERT INTO cards (deck_id, card_id, phase, stability, difficulty, due, last_review, \
         reps, lapses) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT (deck_id, card_id) DO UPDATE SET \
         phase = excluded.phase, stability = excluded.stability, \
         difficulty = excluded.difficulty, due = excluded.due, \
         last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses",
    )?
    .execute(params![
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

fn card_from_row(r: &Row<'_>) -> rusqlite::Result<DueCard> {
    Ok(DueCard {
        deck_id: r.get(0)?,
        card_id: r.get(1)?,
        state: state_from_row(r, 2)?,
    })
}

/// A card's schedule from the columns `phase, stability, difficulty, due, last_review, reps,
/// lapses` of a row, starting at column `first`.
fn state_from_row(r: &Row<'_>, first: usize) -> rusqlite::Result<CardState> {
    let phase: Phase = str_col(r, first)?
        .parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(first, Type::Text, Box::new(e)))?;
    Ok(CardState {
        phase,
        stability: r.get::<_, f64>(first + 1)? as f32,
        difficulty: r.get::<_, f64>(first + 2)? as f32,
        due: from_millis_col(r, first + 3)?,
        last_review: from_millis_col(r, first + 4)?,
        reps: r.get(first + 5)?,
        lapses: r.get(first + 6)?,
    })
}

/// A rating is stored as its number (1 = Again … 4 = Easy) in the `rating` columns of
/// `answers` and `overrides`; any other number reads as a conversion failure, which
/// [`sql_error`] reports as a damaged history.
impl FromSql for Rating {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Rating::try_from(u8::column_result(value)?).map_err(FromSqlError::other)
    }
}

impl ToSql for Rating {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_u8()))
    }
}

/// The text in column `idx`, borrowed from the row.
fn str_col<'r>(r: &'r Row<'_>, idx: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(idx)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

#[cfg(test)]
fn answer_from_row(r: &Row<'_>) -> rusqlite::Result<AnswerRecord> {
    Ok(AnswerRecord {
        deck_id: r.get(0)?,
        card_id: r.get(1)?,
        question_kind: r.get(2)?,
        correct: r.get(3)?,
        rating: r.get(4)?,
        given: r.get(5)?,
        expected: r.get(6)?,
        answered_at: from_millis_col(r, 7)?,
        duration: Duration::from_millis(r.get::<_, i64>(8)?.max(0) as u64),
        session_id: r.get(9)?,
    })
}

/// `?first, ?first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn duration_millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn from_millis(ms: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, ms))
}

/// A count (`COUNT(*)`, `SUM` of 0/1 values) read from column `idx`.
fn count_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<usize> {
    let n: i64 = r.get(idx)?;
    usize::try_from(n).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(idx, n))
}

fn from_millis_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let ms: i64 = r.get(idx)?;
    DateTime::from_timestamp_millis(ms).ok_or(rusqlite::Error::IntegralValueOutOfRange(idx, ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Scheduler;
    use chrono::{FixedOffset, TimeZone};
    use std::collections::HashSet;
    use std::sync::{Arc, Barrier};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 2, 8, 30, 0).unwrap()
    }

    fn utc() -> Days<FixedOffset> {
        Days::new(FixedOffset::east_opt(0).unwrap(), 0)
    }

    fn answer(deck: &str, card: &str, correct: bool, at: DateTime<Utc>) -> AnswerRecord {
        AnswerRecord {
            deck_id: deck.to_string(),
            card_id: card.to_string(),
            question_kind: "typed".to_string(),
            correct,
            rating: if correct { Rating::Good } else { Rating::Again },
            given: if correct { "Paris" } else { "Lyon" }.to_string(),
            expected: "Paris".to_string(),
            answered_at: at,
            duration: Duration::from_millis(4_321),
            session_id: "s1".to_string(),
        }
    }

    #[test]
    fn imported_history_goes_in_once_and_schedules_with_native_answers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        // An answer given in pmquiz before the import.
        store
            .review(&answer("d", "c1", true, t0() + TimeDelta::days(9)), |_| {
                state(Phase::Review, t0() + TimeDelta::days(12))
            })
            .unwrap();
        let imported = |at: i64, rating: Option<Rating>| ImportedAnswer {
            answered_at: t0() + TimeDelta::days(at),
            rating,
            duration: Duration::from_secs(3),
        };
        let cards = || {
            vec![
                ImportedHistory {
                    deck_id: "d",
                    card_id: "c1",
                    answers: vec![imported(0, Some(Rating::Good)), imported(2, None)],
                    reviews: vec![vec![(t0(), Rating::Good)]],
                },
                ImportedHistory {
                    deck_id: "e",
                    card_id: "c2",
                    answers: vec![imported(1, Some(Rating::Again))],
                    reviews: vec![vec![(t0() + TimeDelta::days(1), Rating::Again)]],
                },
            ]
        };
        let mut natives = Vec::new();
        let counts = store
            .import_history("anki-import", &["d", "e"], 3, cards(), |card, native| {
                natives.push((card.card_id.to_string(), native.to_vec()));
                Some(state(Phase::Review, t0() + TimeDelta::days(30)))
            })
            .unwrap();
        assert_eq!(
            counts,
            ImportCounts {
                answers: 2,
                practice: 1,
                already: 0,
                scheduled: 2
            }
        );
        // The schedule function saw pmquiz's own answer of c1, not the imported ones.
        assert_eq!(
            natives,
            [
                (
                    "c1".to_string(),
                    vec![(t0() + TimeDelta::days(9), Rating::Good)]
                ),
                ("c2".to_string(), vec![])
            ]
        );
        let again = store
            .import_history("anki-import", &["d", "e"], 3, cards(), |_, native| {
                assert_eq!(native.len(), usize::from(!native.is_empty()));
                None
            })
            .unwrap();
        assert_eq!(
            again,
            ImportCounts {
                answers: 0,
                practice: 0,
                already: 3,
                scheduled: 0
            }
        );
        let total: i64 = store
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM answers) + (SELECT count(*) FROM practice)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(total, 4);
        // `None` left the schedule written by the first import.
        assert_eq!(
            store.card_state("e", "c2").unwrap().map(|s| s.due),
            Some(t0() + TimeDelta::days(30))
        );
    }

    #[test]
    fn a_large_import_builds_the_indexes_after_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let schema = |store: &Store| -> Vec<(String, String)> {
            let mut stmt = store
                .conn
                .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let before = schema(&store);
        let ids: Vec<String> = (0..BULK_FROM / 10).map(|i| format!("c{i}")).collect();
        let cards = ids.iter().map(|id| ImportedHistory {
            deck_id: "big",
            card_id: id,
            answers: (0..10)
                .map(|k| ImportedAnswer {
                    answered_at: t0() + TimeDelta::days(k),
                    rating: Some(Rating::Good),
                    duration: Duration::from_secs(1),
                })
                .collect(),
            reviews: Vec::new(),
        });
        let counts = store
            .import_history("anki-import", &["big"], BULK_FROM, cards, |_, _| None)
            .unwrap();
        assert_eq!(counts.answers, BULK_FROM);
        // The same indexes as before, and they answer queries.
        assert_eq!(schema(&store), before);
        let n: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM answers INDEXED BY answers_card WHERE deck_id = 'big' AND card_id = 'c7'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 10);
    }

    fn one_imported_card(store: &Store) -> ImportCounts {
        let card = ImportedHistory {
            deck_id: "d",
            card_id: "c1",
            answers: vec![ImportedAnswer {
                answered_at: t0(),
                rating: Some(Rating::Good),
                duration: Duration::from_secs(3),
            }],
            reviews: vec![vec![(t0(), Rating::Good)]],
        };
        store
            .import_history("anki-import", &["d"], 1, [card], |_, _| {
                Some(state(Phase::Review, t0() + TimeDelta::days(3)))
            })
            .unwrap()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".pmquiz-import-"))
            .collect()
    }

    #[test]
    fn leftovers_of_killed_imports_are_removed_once_old_and_unlocked() {
        let dir = tempfile::tempdir().unwrap();
        // An import under way: its file is in use, and recent.
        let running = Store::create_new(dir.path()).unwrap().unwrap();
        let running_name = running
            .temp
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // A killed one, with the log SQLite had beside it, and files that only look alike.
        let others = [
            ".pmquiz-import-0badc0de.db",
            ".pmquiz-import-0badc0de.db-wal",
            ".pmquiz-import-0badc0de.db-shm",
            ".pmquiz-import-notes.txt",
            "pmquiz-import-0badc0de.db",
        ];
        for name in others {
            fs::write(dir.path().join(name), b"x").unwrap();
        }
        let names = |dir: &Path| -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "decks")
                .collect();
            names.sort();
            names
        };
        // While they are recent nothing goes.
        let before = names(dir.path());
        remove_stale_imports(dir.path(), std::time::SystemTime::now());
        assert_eq!(names(dir.path()), before);
        // Once they are old enough, the killed import's files go, and only those.
        let old = std::time::SystemTime::now() - STALE_IMPORT - Duration::from_secs(60);
        for name in others {
            fs::File::options()
                .write(true)
                .open(dir.path().join(name))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        one_imported_card(running.store());
        // The running import's file stays even once it is as old (an import stopped with
        // Ctrl-Z, a laptop asleep): it holds it locked.
        fs::File::options()
            .write(true)
            .open(&running.temp)
            .unwrap()
            .set_modified(old)
            .unwrap();
        remove_stale_imports(dir.path(), std::time::SystemTime::now());
        let mut kept = vec![
            ".pmquiz-import-notes.txt".to_string(),
            running_name,
            "pmquiz-import-0badc0de.db".to_string(),
        ];
        kept.sort();
        assert_eq!(names(dir.path()), kept);
        assert!(running.install().unwrap());
        // Opening the history cleans up too.
        fs::write(dir.path().join(".pmquiz-import-feedf00d.db"), b"x").unwrap();
        fs::File::options()
            .write(true)
            .open(dir.path().join(".pmquiz-import-feedf00d.db"))
            .unwrap()
            .set_modified(std::time::SystemTime::now() - STALE_IMPORT)
            .unwrap();
        drop(Store::open(dir.path()).unwrap());
        assert!(
            leftovers(dir.path())
                .iter()
                .all(|n| n != ".pmquiz-import-feedf00d.db")
        );
    }

    #[test]
    fn a_new_history_is_made_aside_and_put_in_place_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let new = Store::create_new(dir.path()).unwrap().unwrap();
        // Nothing is visible where the history belongs until it is installed.
        assert!(!dir.path().join(DB_FILE_NAME).exists());
        assert_eq!(one_imported_card(new.store()).answers, 1);
        assert!(new.install().unwrap());
        assert!(leftovers(dir.path()).is_empty());
        let store = Store::open(dir.path()).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(
            store.card_state("d", "c1").unwrap().unwrap().phase,
            Phase::Review
        );
        // With a history there, no new one is made.
        drop(store);
        assert!(Store::create_new(dir.path()).unwrap().is_none());
    }

    #[test]
    fn a_new_history_never_replaces_one_made_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let new = Store::create_new(dir.path()).unwrap().unwrap();
        one_imported_card(new.store());
        // Another pmquiz records an answer before the import ends.
        let other = Store::open(dir.path()).unwrap();
        other.record(&answer("e", "x", true, t0()), None).unwrap();
        drop(other);
        assert!(!new.install().unwrap());
        assert!(leftovers(dir.path()).is_empty());
        let store = Store::open(dir.path()).unwrap();
        assert!(store.card_state("d", "c1").unwrap().is_none());
        let n: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM answers WHERE deck_id = 'e'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_failed_new_history_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let new = Store::create_new(dir.path()).unwrap().unwrap();
        assert_eq!(leftovers(dir.path()).len(), 1);
        drop(new);
        assert!(leftovers(dir.path()).is_empty());
        assert!(!dir.path().join(DB_FILE_NAME).exists());
    }

    fn state(phase: Phase, due: DateTime<Utc>) -> CardState {
        CardState {
            phase,
            stability: 2.5,
            difficulty: 4.75,
            due,
            last_review: due - TimeDelta::days(2),
            reps: 3,
            lapses: 1,
        }
    }

    fn decks(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn db_bytes(dir: &Path) -> Vec<u8> {
        fs::read(dir.join(DB_FILE_NAME)).unwrap()
    }

    #[test]
    fn record_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.path(), dir.path().join(DB_FILE_NAME));
        let now = t0();
        let sched = Scheduler::default();
        let st = sched.review(None, Rating::Good, now);
        let a = answer("geo", "fr", true, now);
        store.record(&a, Some(&st)).unwrap();

        assert_eq!(store.card_state("geo", "fr").unwrap(), Some(st.clone()));
        assert_eq!(store.card_state("geo", "de").unwrap(), None);
        assert_eq!(store.card_state("other", "fr").unwrap(), None);
        let all = store.card_states("geo").unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all["fr"], st);
        assert_eq!(
            store.answers_since(&decks(&["geo"]), now).unwrap(),
            vec![a.clone()]
        );

        // A second review replaces the schedule and adds to the history.
        let later = st.due;
        let st2 = sched.review(Some(&st), Rating::Again, later);
        store
            .record(&answer("geo", "fr", false, later), Some(&st2))
            .unwrap();
        assert_eq!(store.card_state("geo", "fr").unwrap(), Some(st2));
        // History only.
        store
            .record(&answer("geo", "de", true, later), None)
            .unwrap();
        assert_eq!(store.card_state("geo", "de").unwrap(), None);
        let history = store.answers_since(&decks(&["geo"]), now).unwrap();
        assert_eq!(history.len(), 3);
        assert_eq!(history[0], a);
        assert!(
            store
                .answers_since(&decks(&["geo"]), later + TimeDelta::seconds(1))
                .unwrap()
                .is_empty()
        );
        assert!(store.answers_since(&[], now).unwrap().is_empty());
        drop(store);

        // Reopening keeps everything and does not migrate again.
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.answers_since(&decks(&["geo"]), now).unwrap().len(), 3);
        let version: u32 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn creates_missing_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        let store = Store::open(&nested).unwrap();
        assert!(nested.join(DB_FILE_NAME).is_file());
        drop(store);
    }

    #[test]
    fn data_dir_that_is_a_file_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        fs::write(&file, b"x").unwrap();
        let err = Store::open(&file).unwrap_err();
        assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("not-a-dir"), "{err}");
    }

    #[test]
    fn two_handles_in_two_threads_keep_every_answer() {
        let dir = tempfile::tempdir().unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["one", "two"]
            .into_iter()
            .map(|name| {
                let path = dir.path().to_path_buf();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    let store = Store::open(&path).unwrap();
                    let sched = Scheduler::default();
                    let mut now = t0();
                    for i in 0..200 {
                        now += TimeDelta::seconds(1);
                        let card = format!("{name}-{}", i % 10);
                        let prev = store.card_state("deck", &card).unwrap();
                        let st = sched.review(prev.as_ref(), Rating::Good, now);
                        store
                            .record(&answer("deck", &card, true, now), Some(&st))
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let all = store.answers_since(&decks(&["deck"]), t0()).unwrap();
        assert_eq!(all.len(), 400);
        let states = store.card_states("deck").unwrap();
        assert_eq!(states.len(), 20);
        assert!(states.values().all(|s| s.reps == 20));
    }

    #[test]
    fn corrupt_file_is_reported_and_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + 13) as u8).collect();
        fs::write(dir.path().join(DB_FILE_NAME), &garbage).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(&dir.path().join(DB_FILE_NAME).display().to_string()),
            "{msg}"
        );
        assert!(msg.contains("Move it aside"), "{msg}");
        assert!(msg.contains("backup"), "{msg}");
        assert_eq!(db_bytes(dir.path()), garbage);
        // Asking again changes nothing either.
        assert!(Store::open(dir.path()).is_err());
        assert_eq!(db_bytes(dir.path()), garbage);
    }

    #[test]
    fn damaged_sqlite_file_is_reported_and_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store.record(&answer("d", "c", true, t0()), None).unwrap();
        }
        // Keep the SQLite header but overwrite the schema page.
        let path = dir.path().join(DB_FILE_NAME);
        let mut bytes = fs::read(&path).unwrap();
        for b in &mut bytes[100..4096] {
            *b = 0xA5;
        }
        fs::write(&path, &bytes).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        assert_eq!(fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn foreign_sqlite_database_is_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
                .unwrap();
        }
        let before = fs::read(&path).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        assert!(err.to_string().contains("not one made by pmquiz"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), before);
    }

    #[test]
    fn newer_schema_is_refused_and_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        {
            // A database from a future pmquiz, in rollback-journal mode so
            // that switching it to WAL would change its header bytes.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE answers (id INTEGER PRIMARY KEY, extra TEXT);
                 PRAGMA user_version = 99;",
            )
            .unwrap();
        }
        let before = fs::read(&path).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        match &err {
            StoreError::NewerSchema {
                path: p,
                found,
                supported,
            } => {
                assert_eq!(p, &path);
                assert_eq!(*found, 99);
                assert_eq!(*supported, SCHEMA_VERSION);
            }
            other => panic!("expected NewerSchema, got {other:?}"),
        }
        assert!(err.to_string().contains("newer version of pmquiz"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), before);
        assert!(!dir.path().join(format!("{DB_FILE_NAME}-wal")).exists());
    }

    #[test]
    fn newer_schema_in_wal_mode_is_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        {
            let store = Store::open(dir.path()).unwrap();
            store.record(&answer("d", "c", true, t0()), None).unwrap();
            store
                .conn
                .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        let before = fs::read(&path).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1),
            "{err:?}"
        );
        assert_eq!(fs::read(&path).unwrap(), before);
    }

    #[test]
    fn ratings_are_stored_as_their_numbers_and_others_read_as_damage() {
        let conn = Connection::open_in_memory().unwrap();
        for rating in Rating::ALL {
            let stored: i64 = conn.query_row("SELECT ?1", [rating], |r| r.get(0)).unwrap();
            assert_eq!(stored, i64::from(rating.as_u8()));
            let back: Rating = conn.query_row("SELECT ?1", [rating], |r| r.get(0)).unwrap();
            assert_eq!(back, rating);
        }
        let none: Option<Rating> = conn.query_row("SELECT NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(none, None);
        let some: Option<Rating> = conn.query_row("SELECT 2", [], |r| r.get(0)).unwrap();
        assert_eq!(some, Some(Rating::Hard));
        for bad in ["0", "5", "300", "-1"] {
            let err = conn
                .query_row(&format!("SELECT 1, {bad}"), [], |r| r.get::<_, Rating>(1))
                .unwrap_err();
            let damaged = sql_error(Path::new("/data/pmquiz.db"), err);
            assert!(
                matches!(damaged, StoreError::Corrupt { .. }),
                "{bad}: {damaged:?}"
            );
        }
        let err = conn
            .query_row("SELECT 1, 7", [], |r| r.get::<_, Rating>(1))
            .unwrap_err();
        assert!(
            matches!(
                &err,
                rusqlite::Error::FromSqlConversionFailure(1, Type::Integer, e)
                    if e.to_string().starts_with("unknown rating 7")
            ),
            "{err:?}"
        );
    }

    #[test]
    fn sqlite_errors_become_user_facing_errors() {
        let path = Path::new("/data/pmquiz.db");
        let failure = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        let full = sql_error(path, failure(rusqlite::ffi::SQLITE_FULL));
        match &full {
            StoreError::Io { source, .. } => {
                assert_eq!(source.kind(), io::ErrorKind::StorageFull)
            }
            other => panic!("expected Io, got {other:?}"),
        }
        // As pmquiz prints it: the error, then its cause, each once.
        let msg = crate::commands::describe(&anyhow::Error::from(full));
        assert_eq!(
            msg,
            "error: cannot write to /data/pmquiz.db: the disk is full; free some space and try again"
        );
        let notadb = sql_error(path, failure(rusqlite::ffi::SQLITE_NOTADB));
        assert!(matches!(notadb, StoreError::Corrupt { .. }), "{notadb:?}");
        let busy = sql_error(path, failure(rusqlite::ffi::SQLITE_BUSY));
        assert!(matches!(busy, StoreError::Sqlite { .. }), "{busy:?}");
        let busy = crate::commands::describe(&anyhow::Error::from(busy));
        assert!(busy.contains("/data/pmquiz.db"), "{busy}");
    }

    #[test]
    fn empty_file_becomes_a_database() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(DB_FILE_NAME), b"").unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.record(&answer("d", "c", true, t0()), None).unwrap();
    }

    #[test]
    fn forget_resets_schedule_but_keeps_history() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        for (deck, card) in [("a", "1"), ("a", "2"), ("a", "3"), ("b", "1")] {
            store
                .record(
                    &answer(deck, card, true, now),
                    Some(&state(Phase::Review, now)),
                )
                .unwrap();
        }
        assert_eq!(store.forget("a", Some("2"), now).unwrap(), 1);
        assert_eq!(store.forget("a", Some("2"), now).unwrap(), 0);
        assert_eq!(store.card_state("a", "2").unwrap(), None);
        assert_eq!(store.card_states("a").unwrap().len(), 2);
        assert_eq!(store.forget("a", None, now).unwrap(), 2);
        assert!(store.card_states("a").unwrap().is_empty());
        assert_eq!(store.card_states("b").unwrap().len(), 1);
        assert_eq!(store.answers_since(&decks(&["a"]), now).unwrap().len(), 3);
        assert_eq!(
            store.answers_since(&decks(&["a", "b"]), now).unwrap().len(),
            4
        );
    }

    #[test]
    fn due_orders_missed_cards_first_then_most_overdue() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        let cards = [
            (
                "a",
                "review-3d",
                state(Phase::Review, now - TimeDelta::days(3)),
            ),
            (
                "a",
                "review-1d",
                state(Phase::Review, now - TimeDelta::days(1)),
            ),
            (
                "a",
                "relearn",
                state(Phase::Relearning, now - TimeDelta::minutes(2)),
            ),
            (
                "b",
                "learn",
                state(Phase::Learning, now - TimeDelta::minutes(30)),
            ),
            (
                "b",
                "review-5d",
                state(Phase::Review, now - TimeDelta::days(5)),
            ),
            (
                "a",
                "future",
                state(Phase::Review, now + TimeDelta::hours(3)),
            ),
            (
                "a",
                "learn-future",
                state(Phase::Learning, now + TimeDelta::minutes(1)),
            ),
            (
                "c",
                "other-deck",
                state(Phase::Review, now - TimeDelta::days(9)),
            ),
            ("a", "exactly-now", state(Phase::Review, now)),
        ];
        for (deck, card, st) in &cards {
            store
                .record(&answer(deck, card, true, now), Some(st))
                .unwrap();
        }
        // Days start at 4 am UTC: the card in review due at 11:30 today is due from 4 am.
        let days = Days::new(FixedOffset::east_opt(0).unwrap(), 4);
        let at = DueAt::new(now, &days);
        let due = store.due(&decks(&["a", "b"]), at, None).unwrap();
        let ids: Vec<&str> = due.iter().map(|d| d.card_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "learn",
                "relearn",
                "review-5d",
                "review-3d",
                "review-1d",
                "exactly-now",
                "future"
            ]
        );
        assert_eq!(due[0].deck_id, "b");
        assert_eq!(due[0].state, cards[3].2);

        let top2 = store.due(&decks(&["a", "b"]), at, Some(2)).unwrap();
        assert_eq!(top2.len(), 2);
        assert_eq!(top2[1].card_id, "relearn");
        assert!(store.due(&decks(&["a"]), at, Some(0)).unwrap().is_empty());
        assert!(store.due(&[], at, None).unwrap().is_empty());
        let ab = decks(&["a", "b"]);
        assert_eq!(store.count_due(&ab, at).unwrap(), 7);
        assert_eq!(store.count_due(&decks(&["c"]), at).unwrap(), 1);
        assert_eq!(store.count_due(&[], at).unwrap(), 0);

        // What comes next: the learning step in a minute; a card in review due the day after
        // tomorrow at 3 pm is asked from 4 am that day.
        let later = now + TimeDelta::days(2) + TimeDelta::hours(6);
        store
            .record(
                &answer("b", "in-two-days", true, now),
                Some(&state(Phase::Review, later)),
            )
            .unwrap();
        let next = store.upcoming(&ab, at).unwrap();
        assert_eq!(next.step, Some(now + TimeDelta::minutes(1)));
        assert_eq!(next.review, Some(later));
        assert_eq!(next.first(&days), Some(now + TimeDelta::minutes(1)));
        let only_b = store.upcoming(&decks(&["b"]), at).unwrap();
        assert_eq!(
            only_b.first(&days),
            Some(Utc.with_ymd_and_hms(2025, 6, 4, 4, 0, 0).unwrap())
        );
        assert_eq!(store.upcoming(&[], at).unwrap(), Upcoming::default());

        // Tomorrow's first review, at 4 am: every step due by then and the cards in review due
        // tomorrow, not yet the one due the day after.
        let tomorrow = DueAt::new(at.day_end, &days);
        assert_eq!(store.count_due(&ab, tomorrow).unwrap(), 8);
    }

    fn query_plan(store: &Store, sql: &str, params: &[&dyn ToSql]) -> String {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows = stmt
            .query_map(params, |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows.join("\n")
    }

    #[test]
    fn queries_use_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        // The due cards are read in index order, without sorting them all.
        for (sql, index) in [
            (DUE_STEPS, "cards_deck_steps"),
            (DUE_OTHERS, "cards_deck_due"),
        ] {
            let due_plan = query_plan(
                &store,
                &format!("SELECT {CARD_COLUMNS} {sql}"),
                &[&"a", &0i64, &0i64, &10i64],
            );
            assert!(due_plan.contains(index), "{due_plan}");
            assert!(!due_plan.contains("TEMP B-TREE"), "{due_plan}");
        }
        let tally_plan = query_plan(
            &store,
            "SELECT card_id, COUNT(*), SUM(correct = 0) FROM answers \
             WHERE deck_id = ?1 GROUP BY card_id",
            &[&"a"],
        );
        assert!(
            tally_plan.contains("COVERING INDEX answers_card"),
            "{tally_plan}"
        );
        let count_plan = query_plan(
            &store,
            "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM answers \
             WHERE deck_id = ?1 AND answered_at > ?2 AND answered_at <= ?3",
            &[&"a", &0i64, &0i64],
        );
        assert!(
            count_plan.contains(
                "COVERING INDEX answers_deck_time (deck_id=? AND answered_at>? AND answered_at<?)"
            ),
            "{count_plan}"
        );
        let hardest_plan = query_plan(
            &store,
            "SELECT card_id, COUNT(*) AS answers, COUNT(*) - SUM(correct) AS misses \
             FROM answers WHERE deck_id = ?1 \
             GROUP BY card_id HAVING misses > 0 \
             ORDER BY misses DESC, answers, card_id LIMIT ?2",
            &[&"a", &5i64],
        );
        assert!(
            hardest_plan.contains("COVERING INDEX answers_card"),
            "{hardest_plan}"
        );
        let misses_plan = query_plan(
            &store,
            "SELECT card_id, COUNT(*) AS misses FROM answers \
             WHERE deck_id = ?1 AND correct = 0 \
             GROUP BY card_id ORDER BY misses DESC LIMIT ?2",
            &[&"a", &5i64],
        );
        assert!(
            misses_plan.contains("COVERING INDEX answers_misses (deck_id=?)"),
            "{misses_plan}"
        );
        let answers_plan = query_plan(
            &store,
            "SELECT COUNT(*) FROM answers WHERE deck_id = ?1 AND card_id = ?2",
            &[&"a", &"b"],
        );
        assert!(
            answers_plan.contains("COVERING INDEX answers_card (deck_id=? AND card_id=?)"),
            "{answers_plan}"
        );
        let days_plan = query_plan(
            &store,
            "SELECT MAX(answered_at) FROM answers WHERE deck_id = ?1 AND answered_at <= ?2",
            &[&"a", &0i64],
        );
        assert!(
            days_plan.contains("COVERING INDEX answers_deck_time"),
            "{days_plan}"
        );
        assert!(!days_plan.contains("TEMP B-TREE"), "{days_plan}");
        // The recent answers of several decks are read by deck and time.
        let recent_plan = query_plan(
            &store,
            &format!(
                "SELECT {ANSWER_COLUMNS} FROM answers \
                 WHERE deck_id IN (?2, ?3, ?4) AND answered_at >= ?1 ORDER BY answered_at, id"
            ),
            &[&0i64, &"a", &"b", &"c"],
        );
        assert!(
            recent_plan.contains("INDEX answers_deck_time (deck_id=? AND answered_at>?)"),
            "{recent_plan}"
        );
    }

    #[test]
    fn schema_8_drops_the_indexes_no_query_reads() {
        let indexes = |conn: &Connection| -> Vec<String> {
            conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        // A history at version 7, with the two indexes.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..7] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 7).unwrap();
        let before = indexes(&conn);
        assert!(before.contains(&"answers_time".to_string()), "{before:?}");
        assert!(before.contains(&"cards_due".to_string()), "{before:?}");
        drop(conn);
        // Opened by this version: both gone, every other index kept.
        let store = Store::open(dir.path()).unwrap();
        let after = indexes(&store.conn);
        let mut expected = before.clone();
        expected.retain(|name| name != "answers_time" && name != "cards_due");
        assert_eq!(after, expected);
        // A new history never has them.
        let fresh = tempfile::tempdir().unwrap();
        let fresh = Store::open(fresh.path()).unwrap();
        assert_eq!(indexes(&fresh.conn), expected);
    }

    #[test]
    fn due_orders_a_large_schedule() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        {
            let tx =
                Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate).unwrap();
            for i in 0..100_000i64 {
                let deck = if i % 4 == 0 { "other" } else { "main" };
                let (phase, due) = if i % 1000 == 1 {
                    (Phase::Relearning, now - TimeDelta::minutes(i % 7))
                } else {
                    (
                        Phase::Review,
                        now + TimeDelta::minutes((i * 37) % 20_000 - 10_000),
                    )
                };
                upsert_card(&tx, deck, &format!("card-{i}"), &state(phase, due)).unwrap();
            }
            tx.commit().unwrap();
        }
        let at = DueAt::new(now, &utc());
        let due = store.due(&decks(&["main"]), at, Some(50)).unwrap();
        let upcoming = store.upcoming(&decks(&["main"]), at).unwrap();
        assert_eq!(due.len(), 50);
        // 100 relearning cards, all in "main" and due: they fill the top 50.
        assert!(
            due.iter()
                .all(|d| matches!(d.state.phase, Phase::Learning | Phase::Relearning))
        );
        assert!(due.windows(2).all(|w| w[0].state.due <= w[1].state.due));
        let all = store.due(&decks(&["main"]), at, None).unwrap();
        assert!(all.len() > 30_000, "{}", all.len());
        assert!(all[100..].iter().all(|d| d.state.phase == Phase::Review));
        assert!(
            all[100..]
                .windows(2)
                .all(|w| w[0].state.due <= w[1].state.due)
        );
        assert!(upcoming.review.is_some());
    }

    /// The due cards read deck by deck and merged are those, in the order, of one query that
    /// sorts every due card: steps first, then by due time, deck and card, whatever the
    /// phases, decks and limit.
    #[test]
    fn due_deck_by_deck_equals_one_sorted_query() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        let phases = [
            Phase::New,
            Phase::Learning,
            Phase::Review,
            Phase::Relearning,
        ];
        {
            let tx =
                Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate).unwrap();
            for i in 0..3_000i64 {
                let deck = ["a", "b", "c"][(i % 3) as usize];
                let phase = phases[((i * 7) % 4) as usize];
                // Minutes from two days ago to two days ahead, many cards sharing a time.
                let due = now + TimeDelta::minutes((i * 53) % 5_760 / 10 * 10 - 2_880);
                upsert_card(
                    &tx,
                    deck,
                    &format!("card-{}", i % 1_000),
                    &state(phase, due),
                )
                .unwrap();
            }
            tx.commit().unwrap();
        }
        let at = DueAt::new(now, &utc());
        let ids = |due: &[DueCard]| -> Vec<(String, String)> {
            due.iter()
                .map(|d| (d.deck_id.clone(), d.card_id.clone()))
                .collect()
        };
        let sorted = |decks: &[&str]| -> Vec<(String, String)> {
            let sql = format!(
                "SELECT deck_id, card_id FROM cards WHERE deck_id IN ({}) AND due < ?1 \
                 AND (phase = 'review' OR due <= ?2) \
                 ORDER BY phase IN ('learning', 'relearning') DESC, due, deck_id, card_id",
                placeholders(3, decks.len())
            );
            let mut values: Vec<rusqlite::types::Value> =
                vec![to_millis(at.day_end).into(), to_millis(at.now).into()];
            values.extend(decks.iter().map(|d| d.to_string().into()));
            let mut stmt = store.conn.prepare(&sql).unwrap();
            stmt.query_map(params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        for deck_list in [&["a"][..], &["c", "a"], &["a", "b", "c", "b"]] {
            let expected = sorted(deck_list);
            assert!(expected.len() > 100, "{}", expected.len());
            assert_eq!(
                ids(&store.due(&decks(deck_list), at, None).unwrap()),
                expected
            );
            for limit in [1, 7, 100, expected.len(), expected.len() + 5] {
                let due = store.due(&decks(deck_list), at, Some(limit)).unwrap();
                assert_eq!(ids(&due), expected[..limit.min(expected.len())]);
            }
        }
    }

    #[test]
    fn deck_history_summarises_answers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0(); // 2025-06-02 08:30 UTC
        let at = |days: i64, hours: i64| now - TimeDelta::days(days) - TimeDelta::hours(hours);
        let answers = [
            ("x", true, at(40, 0)),  // old: counts in tallies only
            ("x", false, at(35, 0)), // old
            ("x", false, at(10, 0)),
            ("y", false, at(3, 0)),
            ("y", true, at(1, 0)),
            ("y", true, at(1, 2)), // same day as the one above
            ("x", true, at(0, 1)),
            ("z", true, now + TimeDelta::days(2)), // in the future: ignored
        ];
        for (card, correct, t) in answers {
            store.record(&answer("d", card, correct, t), None).unwrap();
        }
        store
            .record(&answer("other", "x", false, now), None)
            .unwrap();

        let h = store.deck_history("d", now, &utc(), |_| true).unwrap();
        let count = |answers, correct| AnswerCount { answers, correct };
        assert_eq!(h.last_7_days, count(4, 3));
        assert_eq!(h.last_30_days, count(5, 3));

        // Cards with misses, most missed first; answers after `now` count too.
        let t: Vec<(&str, u64, u64)> = h
            .tallies
            .iter()
            .map(|t| (t.card_id.as_str(), t.answers, t.misses))
            .collect();
        assert_eq!(t, [("x", 4, 2), ("y", 3, 1)]);

        // Studied today and yesterday, then a gap (3 days ago).
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(h.study_days, [d(6, 2), d(6, 1)]);

        let stats = crate::stats::deck_stats_for(
            &[("x".into(), None), ("y".into(), None)],
            &h,
            now,
            &utc(),
        );
        assert_eq!(stats.streak_days, 2);
        assert_eq!(stats.last_30_days.answers, 5);
        assert_eq!(stats.hardest[0].card_id, "x");
    }

    #[test]
    fn deck_history_windows_are_rolling_and_end_at_now() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        let ms = TimeDelta::milliseconds(1);
        let week = now - TimeDelta::days(7);
        let month = now - TimeDelta::days(30);
        let answers = [
            (false, month - ms), // before both windows
            (true, month),       // exactly 30 days ago: outside
            (true, month + ms),  // 30 days only
            (false, week),       // exactly 7 days ago: 30 days only
            (true, week + ms),   // both
            (false, now - ms),   // both
            (true, now),         // exactly now: both
            (true, now + ms),    // after now: neither
            (false, now + TimeDelta::days(3)),
        ];
        for (i, (correct, at)) in answers.into_iter().enumerate() {
            store
                .record(&answer("d", &format!("c{i}"), correct, at), None)
                .unwrap();
        }
        // Another deck's answers count for that deck only.
        for at in [week + ms, now] {
            store.record(&answer("other", "c", true, at), None).unwrap();
        }
        let count = |answers, correct| AnswerCount { answers, correct };

        let h = store.deck_history("d", now, &utc(), |_| true).unwrap();
        assert_eq!(h.last_7_days, count(3, 2));
        assert_eq!(h.last_30_days, count(5, 3));
        let h = store.deck_history("other", now, &utc(), |_| true).unwrap();
        assert_eq!(h.last_7_days, count(2, 2));
        assert_eq!(h.last_30_days, count(2, 2));

        // A millisecond later both windows have moved: the answers at 30 days and at 7 days
        // before the old `now`, plus 1 ms, left them; the one at the old `now` plus 1 ms
        // entered both.
        let h = store.deck_history("d", now + ms, &utc(), |_| true).unwrap();
        assert_eq!(h.last_7_days, count(3, 2));
        assert_eq!(h.last_30_days, count(5, 3));

        // Stored times are whole milliseconds; a `now` between two of them counts the answer
        // at the millisecond before it and not the one after.
        let between = now + TimeDelta::microseconds(500);
        let h = store.deck_history("d", between, &utc(), |_| true).unwrap();
        assert_eq!(h.last_7_days, count(3, 2));
        assert_eq!(h.last_30_days, count(5, 3));

        // A deck without answers.
        let h = store.deck_history("none", now, &utc(), |_| true).unwrap();
        assert_eq!(h, DeckHistory::default());
    }

    #[test]
    fn deck_history_study_days_are_calendar_days_at_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0(); // 2025-06-02 08:30 UTC
        let utc_at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let ms = TimeDelta::milliseconds(1);
        let answers = [
            utc_at("2025-06-01T22:00:00Z"), // midnight starting 2 June at +02:00
            utc_at("2025-06-01T21:59:59.999Z"), // the last moment of 1 June at +02:00
            utc_at("2025-05-30T22:00:00Z"), // 31 May at +02:00, 30 May in UTC
            utc_at("2025-05-29T12:00:00Z"), // 29 May everywhere: after a gap at +02:00
            now + ms,                       // after now: ignored
        ];
        for at in answers {
            store.record(&answer("d", "c", true, at), None).unwrap();
        }
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let days = |offset| {
            store
                .deck_history("d", now, &Days::new(offset, 0), |_| true)
                .unwrap()
                .study_days
        };
        let east = FixedOffset::east_opt(2 * 3600).unwrap();
        assert_eq!(days(east), [d(6, 2), d(6, 1), d(5, 31)]);
        // In UTC: 1 June, then nothing on 31 May.
        assert_eq!(days(FixedOffset::east_opt(0).unwrap()), [d(6, 1)]);
        // At -12:00 it is still 1 June (20:30); 30 May and 29 May are not consecutive with it.
        let west = FixedOffset::west_opt(12 * 3600).unwrap();
        assert_eq!(days(west), [d(6, 1)]);
        // At +05:30 the first two answers are on 2 June, the third on 31 May.
        let india = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        assert_eq!(days(india), [d(6, 2)]);

        // An answer at exactly `now` is today; the latest run is found even when it ended long
        // ago (the streak is then 0, which deck_stats decides).
        store
            .record(&answer("e", "c", true, now - TimeDelta::days(10)), None)
            .unwrap();
        store
            .record(&answer("e", "c", true, now - TimeDelta::days(11)), None)
            .unwrap();
        store
            .record(&answer("e", "c", true, now + TimeDelta::days(1)), None)
            .unwrap();
        assert_eq!(
            store
                .deck_history("e", now, &utc(), |_| true)
                .unwrap()
                .study_days,
            [d(5, 23), d(5, 22)]
        );
        store.record(&answer("e", "c", true, now), None).unwrap();
        assert_eq!(
            store
                .deck_history("e", now, &utc(), |_| true)
                .unwrap()
                .study_days,
            [d(6, 2)]
        );
        assert!(
            store
                .deck_history("none", now, &Days::new(east, 0), |_| true)
                .unwrap()
                .study_days
                .is_empty()
        );
    }

    #[test]
    fn deck_history_follows_a_long_streak_to_its_first_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0(); // 08:30 UTC
        // Every day for 400 days, one to four answers a day between 05:30 and 08:30 UTC (the
        // same calendar day at every offset from -05:00 to +15:00); then a gap of two days and 30 more days.
        let mut times = Vec::new();
        for day in (0..400).chain(402..432) {
            for k in 0..(day % 4) + 1 {
                let minutes = (day * 37 + k * 53) % 180;
                times.push(now - TimeDelta::days(day) - TimeDelta::minutes(minutes));
            }
        }
        let tx = Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate).unwrap();
        for at in &times {
            tx.execute(
                &format!(
                    "INSERT INTO answers (event_id, device, {ANSWER_COLUMNS}) \
                     VALUES (randomblob(16), 1, 'd', 'c', 'typed', 1, 3, 'a', 'a', ?1, 0, 's')"
                ),
                [to_millis(*at)],
            )
            .unwrap();
        }
        tx.commit().unwrap();

        for hours in [-5, 0, 2, 12, 15] {
            let offset = FixedOffset::east_opt(hours * 3600).unwrap();
            let h = store
                .deck_history("d", now, &Days::new(offset, 0), |_| true)
                .unwrap();
            let today = Days::new(offset, 0).day_of(now);
            let expected: Vec<NaiveDate> = (0..400).map(|i| today - TimeDelta::days(i)).collect();
            assert_eq!(h.study_days, expected, "at {offset}");
            let stats = crate::stats::deck_stats_for(&[], &h, now, &Days::new(offset, 0));
            assert_eq!((stats.streak_days, stats.studied_today), (400, true));
        }

        // At other offsets some days' answers fall on two calendar days and others leave
        // days out: compare with a plain walk over every answer.
        for (hours, minutes) in [
            (-11, 0),
            (-8, 0),
            (-3, -30),
            (5, 30),
            (9, 0),
            (13, 45),
            (16, 0),
        ] {
            let offset = FixedOffset::east_opt(hours * 3600 + minutes * 60).unwrap();
            let mut all: Vec<NaiveDate> = times
                .iter()
                .filter(|&&t| t <= now)
                .map(|&t| Days::new(offset, 0).day_of(t))
                .collect();
            all.sort_unstable_by(|a, b| b.cmp(a));
            all.dedup();
            let run = 1 + all
                .windows(2)
                .take_while(|w| w[0] - w[1] == TimeDelta::days(1))
                .count();
            let h = store
                .deck_history("d", now, &Days::new(offset, 0), |_| true)
                .unwrap();
            assert_eq!(h.study_days, all[..run], "at {offset}");
        }
    }

    /// Inserts answers (card, correct, time) to deck `d` in one transaction.
    fn insert_answers(store: &Store, answers: &[(String, bool, DateTime<Utc>)]) {
        let tx = Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate).unwrap();
        for (card, correct, at) in answers {
            tx.execute(
                &format!(
                    "INSERT INTO answers (event_id, device, {ANSWER_COLUMNS}) \
                     VALUES (randomblob(16), 1, 'd', ?1, 'typed', ?2, 3, 'a', 'a', ?3, 0, 's')"
                ),
                params![card, correct, to_millis(*at)],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    /// The hardest cards from every card's tally, the way deck_stats ranked them before the
    /// store returned only the top ones.
    fn hardest_from_all_tallies(
        store: &Store,
        cards: &[(String, Option<CardState>)],
    ) -> Vec<String> {
        let all: Vec<CardTally> = store
            .conn
            .prepare("SELECT card_id, COUNT(*), SUM(correct = 0) FROM answers GROUP BY card_id")
            .unwrap()
            .query_map([], |r| {
                Ok(CardTally {
                    card_id: r.get(0)?,
                    answers: r.get::<_, i64>(1)? as u64,
                    misses: r.get::<_, i64>(2)? as u64,
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let history = DeckHistory {
            tallies: all,
            ..DeckHistory::default()
        };
        crate::stats::deck_stats_for(cards, &history, t0(), &utc())
            .hardest
            .into_iter()
            .map(|h| h.card_id)
            .collect()
    }

    /// A deck of the given card ids, none of them scheduled.
    fn deck_of(ids: &[String]) -> Vec<(String, Option<CardState>)> {
        ids.iter().map(|id| (id.clone(), None)).collect()
    }

    /// (card, misses, answers) of the hardest cards of `cards` as `pmquiz stats` shows them.
    fn hardest_of(store: &Store, cards: &[(String, Option<CardState>)]) -> Vec<(String, u64, u64)> {
        let ids: HashSet<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
        let h = store
            .deck_history("d", t0(), &utc(), |id| ids.contains(id))
            .unwrap();
        let hardest: Vec<(String, u64, u64)> =
            crate::stats::deck_stats_for(cards, &h, t0(), &utc())
                .hardest
                .into_iter()
                .map(|h| (h.card_id, h.misses, h.answers))
                .collect();
        let names: Vec<String> = hardest.iter().map(|h| h.0.clone()).collect();
        assert_eq!(names, hardest_from_all_tallies(store, cards));
        hardest
    }

    fn hard(list: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
        list.iter()
            .map(|&(id, m, a)| (id.to_string(), m, a))
            .collect()
    }

    #[test]
    fn hardest_cards_rank_by_misses_then_answers_then_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        let mut answers = Vec::new();
        // (card, answers, misses)
        for (card, total, misses) in [
            ("a", 10, 1),
            ("b", 10, 5),
            ("c", 6, 5),
            ("d", 3, 0),
            ("e", 4, 2),
            ("f", 9, 3),
            ("g", 2, 2),
            ("h", 9, 3),
            ("é", 2, 2), // after "g" in byte order, as in Rust
        ] {
            for i in 0..total {
                answers.push((card.to_string(), i >= misses, now - TimeDelta::hours(i)));
            }
        }
        // An answer after `now` still counts.
        answers.push(("a".to_string(), false, now + TimeDelta::days(1)));
        insert_answers(&store, &answers);
        let ids = |list: &[&str]| -> Vec<String> { list.iter().map(|s| s.to_string()).collect() };

        let all = deck_of(&ids(&["a", "b", "c", "d", "e", "f", "g", "h", "é"]));
        assert_eq!(
            hardest_of(&store, &all),
            hard(&[
                ("c", 5, 6),
                ("b", 5, 10),
                ("f", 3, 9),
                ("h", 3, 9),
                ("g", 2, 2)
            ])
        );
        // The missed answers were enough to tell: only the candidates' answers were counted.
        let h = store.hardest_by_misses("d", |_| true).unwrap().unwrap();
        assert_eq!(h.len(), 8, "{h:?}"); // every card with 2 misses or more
        // Cards not in the deck do not count.
        let without_b_g = deck_of(&ids(&["a", "c", "d", "e", "f", "h", "é"]));
        assert_eq!(
            hardest_of(&store, &without_b_g),
            hard(&[
                ("c", 5, 6),
                ("f", 3, 9),
                ("h", 3, 9),
                ("é", 2, 2),
                ("e", 2, 4)
            ])
        );
        // Fewer than five cards of the deck with misses.
        assert_eq!(
            hardest_of(&store, &deck_of(&ids(&["a", "d", "x"]))),
            hard(&[("a", 2, 11)])
        );
        assert!(hardest_of(&store, &deck_of(&ids(&["d", "x"]))).is_empty());
        assert!(hardest_of(&store, &[]).is_empty());
        assert!(
            store
                .deck_history("none", now, &utc(), |_| true)
                .unwrap()
                .tallies
                .is_empty()
        );
    }

    #[test]
    fn hardest_cards_skip_many_removed_cards() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        // More removed cards than either batch holds lead the ranking; the deck's own cards
        // have fewer misses, with ties broken by answers and id.
        let gone = MISSES_BATCH as usize + 20;
        let mut answers = Vec::new();
        for i in 0..gone {
            for k in 0..6 {
                answers.push((format!("gone-{i:04}"), k >= 5, now));
            }
        }
        for i in 0..40 {
            let total = 3 + i % 5;
            let misses = 1 + i % 3;
            for k in 0..total {
                answers.push((format!("card-{i:02}"), k >= misses, now));
            }
        }
        insert_answers(&store, &answers);
        let ids: Vec<String> = (0..45).map(|i| format!("card-{i:02}")).collect();
        let in_deck = |id: &str| id.starts_with("card-");
        assert!(store.hardest_by_misses("d", in_deck).unwrap().is_none());
        let h = store.hardest_by_tallies("d", in_deck).unwrap();
        assert!(h.len() > HARDEST_BATCH as usize, "{}", h.len());

        // Three misses in three answers (i = 5, 20, 35), then three in four (i = 11, 26).
        assert_eq!(
            hardest_of(&store, &deck_of(&ids)),
            hard(&[
                ("card-05", 3, 3),
                ("card-20", 3, 3),
                ("card-35", 3, 3),
                ("card-11", 3, 4),
                ("card-26", 3, 4)
            ])
        );
    }

    #[test]
    fn hardest_cards_among_many_ties() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        // More cards with one miss each than the batch of missed answers holds: which five
        // are hardest depends on their answers.
        let cards = MISSES_BATCH as usize + 100;
        let mut answers = Vec::new();
        for i in 0..cards {
            for k in 0..1 + (i * 5 + 3) % 7 {
                answers.push((format!("t{i:04}"), k > 0, now));
            }
        }
        insert_answers(&store, &answers);
        let ids: Vec<String> = (0..cards).map(|i| format!("t{i:04}")).collect();
        assert!(store.hardest_by_misses("d", |_| true).unwrap().is_none());
        // One answer when (i * 5 + 3) % 7 == 0: i = 5, 12, 19, …
        assert_eq!(
            hardest_of(&store, &deck_of(&ids)),
            hard(&[
                ("t0005", 1, 1),
                ("t0012", 1, 1),
                ("t0019", 1, 1),
                ("t0026", 1, 1),
                ("t0033", 1, 1)
            ])
        );
        // A deck of a few of them: the removed cards' ties still fill the batch.
        let few: Vec<String> = ids.iter().step_by(100).cloned().collect();
        let in_few = |id: &str| few.iter().any(|f| f == id);
        assert!(store.hardest_by_misses("d", in_few).unwrap().is_none());
        hardest_of(&store, &deck_of(&few));
    }

    #[test]
    fn hardest_cards_match_a_ranking_of_every_tally() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        let mut answers = Vec::new();
        let mut x: u64 = 7;
        for i in 0..3000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let card = format!("c{:03}", (x >> 33) % 600);
            answers.push((
                card,
                !(x >> 20).is_multiple_of(3),
                now - TimeDelta::minutes(i),
            ));
        }
        insert_answers(&store, &answers);
        // Decks holding every card, every other card, every seventh card, and none.
        for keep in [1, 2, 7, 1000] {
            let cards: Vec<(String, Option<CardState>)> = (0..600)
                .filter(|i| i % keep == 0)
                .map(|i| (format!("c{i:03}"), None))
                .collect();
            let ids: HashSet<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
            let h = store
                .deck_history("d", now, &utc(), |id| ids.contains(id))
                .unwrap();
            let stats = crate::stats::deck_stats_for(&cards, &h, now, &utc());
            let got: Vec<String> = stats.hardest.iter().map(|h| h.card_id.clone()).collect();
            assert_eq!(got, hardest_from_all_tallies(&store, &cards), "keep {keep}");
        }
    }

    #[test]
    fn for_each_card_state_and_due_visit_the_deck_s_schedules() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = t0();
        let states = [
            ("a", "1", state(Phase::Review, now)),
            ("a", "2", state(Phase::Learning, now + TimeDelta::hours(1))),
            (
                "a",
                "héllo/row",
                state(Phase::Relearning, now - TimeDelta::days(2)),
            ),
            ("b", "1", state(Phase::Review, now + TimeDelta::days(9))),
        ];
        for (deck, card, st) in &states {
            store
                .record(&answer(deck, card, true, now), Some(st))
                .unwrap();
        }
        let mut seen = Vec::new();
        store
            .for_each_card_state("a", |id, st| seen.push((id.to_string(), st)))
            .unwrap();
        seen.sort_by(|x, y| x.0.cmp(&y.0));
        let expected: Vec<(String, CardState)> = states[..3]
            .iter()
            .map(|(_, card, st)| (card.to_string(), st.clone()))
            .collect();
        assert_eq!(seen, expected);
        assert_eq!(store.card_states("a").unwrap().len(), 3);
        store
            .for_each_card_state("none", |_, _| panic!("no cards"))
            .unwrap();

        // The phase and due time alone, the id as the row's bytes.
        let mut dues = Vec::new();
        store
            .for_each_card_due("a", |id, due| {
                dues.push((String::from_utf8(id.to_vec()).unwrap(), due))
            })
            .unwrap();
        dues.sort_by(|x, y| x.0.cmp(&y.0));
        let expected: Vec<(String, CardDue)> = expected
            .iter()
            .map(|(id, st)| (id.clone(), CardDue::from(st)))
            .collect();
        assert_eq!(dues, expected);
        store
            .for_each_card_due("none", |_, _| panic!("no cards"))
            .unwrap();

        // A schedule pmquiz cannot read is reported, not skipped.
        store
            .conn
            .execute_batch(
                "PRAGMA ignore_check_constraints = ON; \
                 UPDATE cards SET phase = 'lost' WHERE deck_id = 'b';",
            )
            .unwrap();
        let err = store.for_each_card_state("b", |_, _| {}).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        let err = store.for_each_card_due("b", |_, _| {}).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    }
}
