//! The sync folder on disk, `DIR/pmquiz/`: one log per device, `DEVICE.log`, each written by
//! its device alone; `pmquiz sync` reads the others and appends to its own. Also the export
//! and import of a whole history in the same format.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::error::SyncError;
use super::event::{DeviceId, Event, EventId};
use super::format::{self, FORMAT_VERSION, Header, Purpose, Step};
use super::log_file::{self, Notice};
use crate::schedule::Scheduler;
use crate::store::{Events, Imported, OwnLog, Store, StoreError, SyncLog, SyncRead};

/// From this many unread bytes on (about 200 000 answers), a log is read in one transaction
/// with the history's indexes built at the end ([`Store::bulk_import`]).
const BULK_BYTES: u64 = 32 << 20;

/// From this many events in or out, a sync empties the write-ahead log at its end (see
/// [`Store::checkpoint`]); a smaller one leaves its few pages for a later writer to copy.
const BIG_SYNC: usize = 10_000;

/// The folder inside the sync folder that holds pmquiz's logs.
pub const SUBFOLDER: &str = "pmquiz";

/// What one sync did.
#[derive(Debug, Default)]
pub struct Report {
    /// The folder holding the logs (`DIR/pmquiz`).
    pub folder: PathBuf,
    /// This device's events written to its log.
    pub sent: u64,
    /// What the other logs brought.
    pub received: Imported,
    /// Logs read (other devices' and copies made by sync tools).
    pub logs_read: usize,
    /// Cards whose schedules were computed again.
    pub replayed: u64,
    /// Things the user should know: damaged records, a log written again, …
    pub notices: Vec<String>,
}

/// The sync folder `dir`: checks that it exists and makes `dir/pmquiz` in it.
fn open_folder(dir: &Path, create: bool) -> Result<(PathBuf, String), SyncError> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(SyncError::NotAFolder(dir.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(SyncError::MissingFolder(dir.to_path_buf()));
        }
        Err(e) => return Err(SyncError::io("open the sync folder", dir)(e)),
    }
    let folder = dir.join(SUBFOLDER);
    if create && !folder.is_dir() {
        fs::create_dir(&folder)
            .or_else(|e| if folder.is_dir() { Ok(()) } else { Err(e) })
            .map_err(SyncError::io("create", &folder))?;
    }
    // The key under which the history remembers this folder: its absolute path.
    let key = fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .join(SUBFOLDER)
        .to_string_lossy()
        .into_owned();
    Ok((folder, key))
}

/// The logs of other devices in `folder`, by file name: every file whose name starts with a
/// device id, including the copies sync tools make of a file changed on two devices at once
/// (`ID.sync-conflict-….log`, `ID (conflicted copy …).log`, `ID.log.orig`), which are read as
/// logs of that device. Hidden files (a sync tool's or pmquiz's temporary files) are not.
fn other_logs(folder: &Path, own: &str) -> Result<BTreeMap<String, DeviceId>, SyncError> {
    let mut logs = BTreeMap::new();
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(logs),
        Err(e) => return Err(SyncError::io("list", folder)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(SyncError::io("list", folder))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == own || name.starts_with('.') || name.ends_with(".tmp") {
            continue;
        }
        let Some(device) = name.get(..36).and_then(|id| id.parse::<DeviceId>().ok()) else {
            continue;
        };
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            logs.insert(name, device);
        }
    }
    Ok(logs)
}

/// This device's log file name.
pub fn log_name(device: DeviceId) -> String {
    format!("{device}.log")
}

/// The name this device goes by: its host name.
pub fn device_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
        let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
        if ok {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let name = String::from_utf8_lossy(&buf[..end]).trim().to_string();
            if !name.is_empty() {
                return name;
            }
        }
    }
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

/// Syncs the history with the sync folder `dir`: reads every other device's log from where
/// it last stopped, replays the cards the new events touch, and appends this device's new
/// events to its own log. `scheduler` is this device's (its settings); `name` is written in
/// the header of this device's log.
///
/// Safe to kill at any point: events and how far each log was read are committed together,
/// the cards to replay are noted with them, and this device's log is checked against what
/// the history says was written, and mended, before anything is appended.
pub fn sync(
    store: &Store,
    dir: &Path,
    scheduler: &Scheduler,
    name: &str,
) -> Result<Report, SyncError> {
    let (folder, key) = open_folder(dir, true)?;
    let mut report = Report {
        folder: folder.clone(),
        ..Report::default()
    };
    let own_name = log_name(store.device_id());
    store.use_big_cache(256)?;
    store.commit_without_waiting_for_the_disk()?;

    // In: every other log, from where it was left.
    let reads = store.sync_reads(&key)?;
    for (file, device) in other_logs(&folder, &own_name)? {
        let path = folder.join(&file);
        let from = reads.get(&file).copied().unwrap_or_default();
        let mut received = Imported::default();
        let unread = fs::metadata(&path)
            .map(|m| m.len().saturating_sub(from.offset))
            .unwrap_or(0);
        let outcome = if unread >= BULK_BYTES {
            // A big log (a device's whole history, the first time): in one transaction, with
            // the indexes built once at the end.
            let bulk = store.bulk_import()?;
            let outcome = log_file::read(&path, from, |events, at| {
                received += bulk.add(events, Some((&key, &file, at)))?;
                Ok(())
            })?;
            bulk.finish()?;
            outcome
        } else {
            log_file::read(&path, from, |events, at| {
                received += store.import_and_replay(events, Some((&key, &file, at)), scheduler)?;
                Ok(())
            })?
        };
        for h in &outcome.headers {
            if h.device == device && !h.name.is_empty() {
                store.set_device_name(h.device, &h.name)?;
            }
        }
        // The cards replayed are counted once, in `report.replayed`.
        report.replayed += received.replayed as u64;
        report.received += Imported {
            replayed: 0,
            ..received
        };
        report.logs_read += 1;
        report
            .notices
            .extend(outcome.notices.iter().map(Notice::to_string));
    }
    report.replayed += store.replay_pending(scheduler)?;

    // Out: this device's new events.
    let path = folder.join(&own_name);
    let (sent, notices) = write_own_log(store, &path, &key, name)?;
    report.sent = sent;
    report.notices.extend(notices);
    // Mending the log may have found events this history lacked.
    report.replayed += store.replay_pending(scheduler)?;
    if report.received.added + report.sent as usize >= BIG_SYNC {
        store.checkpoint()?;
    }
    Ok(report)
}

/// Appends this device's events that its log in the folder lacks. Returns how many were
/// written, and notices for the user.
///
/// Usually the log is as long as the history says it was left, and the events after the last
/// one written are appended. Otherwise (the log was deleted, cut short, lost its end to a
/// crash, or grew: another data directory with this device's id writes to it) it is read
/// whole: events the history lacks are added to it, a record cut short at its end is cut off,
/// and every event of this device missing from the log is appended.
fn write_own_log(
    store: &Store,
    path: &Path,
    key: &str,
    name: &str,
) -> Result<(u64, Vec<String>), SyncError> {
    let log = store.own_log(key)?;
    let state = log.state();
    let device = store.device_id();
    let mut notices = Vec::new();
    let found = match fs::metadata(path) {
        Ok(m) => Some(m.len()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(SyncError::io("read", path)(e)),
    };
    let (length, sent, last) = match (state, found) {
        (Some(s), Some(len)) if s.length == len && len > 0 => {
            append_own(&log, path, s.exported, &HashSet::new(), Vec::new(), len)?
        }
        (_, None) => {
            if state.is_some() {
                notices.push(format!(
                    "{}: this device's log was missing; it was written again with all of \
                     this device's events",
                    path.display()
                ));
            }
            // A new log: every event of this device, written at once.
            let (mut sent, mut last) = (0, None);
            let length = create_with_events(path, &header(device, name), |each| {
                log.for_each_own_event(None, |e| {
                    last = Some(e.id);
                    sent += 1;
                    each(&e)
                })
            })?;
            (length, sent, last)
        }
        (_, Some(len)) => {
            // Read the whole log: what is in it, what is damaged, where its whole records end.
            let mut present: HashSet<EventId> = HashSet::new();
            let mut added = Imported::default();
            let outcome = log_file::read(path, SyncRead::default(), |events, _| {
                present.extend(events.iter().filter(|e| e.device == device).map(|e| e.id));
                let got = log.import(events)?;
                added.added += got.added;
                Ok(())
            })?;
            notices.extend(outcome.notices.iter().map(Notice::to_string));
            if added.added > 0 {
                notices.push(format!(
                    "{}: this device's log holds {} events this history did not have: is \
                     another data directory a copy of this one? They were added here.",
                    path.display(),
                    added.added
                ));
            }
            let mut end = len;
            if outcome.tail > 0 {
                end = outcome.read.offset;
                log_file::truncate(path, end)?;
            }
            let mut buf = Vec::new();
            if outcome.headers.is_empty() && end == 0 {
                format::encode_header(&header(device, name), &mut buf);
            }
            append_own(&log, path, None, &present, buf, end)?
        }
    };
    // Every event of this device up to the greatest id the history holds is in the log now.
    let exported = state.and_then(|s| s.exported).max(last).max(log.last_id()?);
    log.finish(SyncLog { length, exported })?;
    Ok((sent, notices))
}

/// Appends to the log at `path`, `len` bytes long, `buf` and then every event of this device
/// after `after` (all of them for `None`) that `present` lacks. Returns the log's new length,
/// how many events were appended and the greatest id of this device's events seen.
fn append_own(
    log: &OwnLog<'_>,
    path: &Path,
    after: Option<EventId>,
    present: &HashSet<EventId>,
    mut buf: Vec<u8>,
    len: u64,
) -> Result<(u64, u64, Option<EventId>), SyncError> {
    let (mut sent, mut last) = (0, None);
    log.for_each_own_event(after, |e| {
        last = Some(e.id);
        if !present.contains(&e.id) {
            format::encode_event(&e, &mut buf);
            sent += 1;
        }
        true
    })?;
    if !buf.is_empty() {
        log_file::append(path, &buf)?;
    }
    Ok((len + buf.len() as u64, sent, last))
}

fn header(device: DeviceId, name: &str) -> Header {
    Header {
        version: FORMAT_VERSION,
        device,
        name: name.to_string(),
        purpose: Purpose::DeviceLog,
    }
}

/// What `pmquiz sync --status` shows.
#[derive(Debug)]
pub struct Status {
    pub folder: PathBuf,
    /// This device's events not yet in its log in the folder.
    pub to_send: u64,
    /// Every device: what the history has of it, and what its logs hold that the history
    /// has not read yet.
    pub devices: Vec<DeviceStatus>,
    /// Cards waiting to be replayed.
    pub pending_replays: u64,
    pub notices: Vec<String>,
}

#[derive(Debug)]
pub struct DeviceStatus {
    pub id: DeviceId,
    pub name: String,
    pub this: bool,
    /// Answers (and practice answers) of it in this history.
    pub answers: u64,
    pub events: u64,
    pub last_at: Option<DateTime<Utc>>,
    /// Its log files in the folder (the log and any copies made by sync tools).
    pub files: Vec<String>,
    /// Whole records in its logs not read yet (not all of them need be new here).
    pub to_receive: u64,
}

/// The state of the sync with `dir`, changing nothing. `name` is the name this device gives
/// itself in its log (its host name).
pub fn status(store: &Store, dir: &Path, name: &str) -> Result<Status, SyncError> {
    let (folder, key) = open_folder(dir, false)?;
    let own_name = log_name(store.device_id());
    let mut notices = Vec::new();
    let own_len = fs::metadata(folder.join(&own_name)).map(|m| m.len()).ok();
    let state = store.sync_log(&key)?;
    let to_send = match (state, own_len) {
        (Some(s), Some(len)) if s.length == len => store.count_own_events_after(s.exported)?,
        (Some(_), None) => {
            notices.push(format!(
                "this device's log {} is missing; the next sync writes it again",
                folder.join(&own_name).display()
            ));
            store.count_own_events_after(None)?
        }
        (None, _) => store.count_own_events_after(None)?,
        (Some(s), Some(_)) => {
            notices.push(format!(
                "this device's log {} changed since the last sync; the next sync checks it",
                folder.join(&own_name).display()
            ));
            store.count_own_events_after(s.exported)?
        }
    };
    let mut devices: Vec<DeviceStatus> = store
        .devices()?
        .into_iter()
        .map(|d| DeviceStatus {
            id: d.id,
            name: if d.this && d.name.is_empty() {
                name.to_string()
            } else {
                d.name
            },
            this: d.this,
            answers: d.answers,
            events: d.events,
            last_at: d.last_at,
            files: Vec::new(),
            to_receive: 0,
        })
        .collect();
    if let Some(d) = devices.iter_mut().find(|d| d.this)
        && own_len.is_some()
    {
        d.files.push(own_name.clone());
    }
    let reads = store.sync_reads(&key)?;
    for (file, device) in other_logs(&folder, &own_name)? {
        let path = folder.join(&file);
        let from = reads.get(&file).copied().unwrap_or_default();
        let (records, header) = count_records(&path, from)?;
        let entry = match devices.iter().position(|d| d.id == device) {
            Some(i) => &mut devices[i],
            None => {
                devices.push(DeviceStatus {
                    id: device,
                    name: String::new(),
                    this: false,
                    answers: 0,
                    events: 0,
                    last_at: None,
                    files: Vec::new(),
                    to_receive: 0,
                });
                devices.last_mut().expect("just pushed")
            }
        };
        if entry.name.is_empty()
            && let Some(h) = header
        {
            entry.name = h.name;
        }
        entry.files.push(file);
        entry.to_receive += records;
    }
    // Devices seen only in the history whose logs are gone.
    for d in devices.iter().filter(|d| !d.this && d.files.is_empty()) {
        if reads.keys().any(|f| f.starts_with(&d.id.to_string())) {
            notices.push(format!(
                "the log of {} ({}) is no longer in the folder; its {} events are kept here",
                if d.name.is_empty() {
                    "a device"
                } else {
                    &d.name
                },
                d.id.short(),
                d.events
            ));
        }
    }
    Ok(Status {
        folder,
        to_send,
        devices,
        pending_replays: store.pending_replays()?,
        notices,
    })
}

/// The whole records of the log at `path` after `from` (from the start if the file was
/// replaced), and its header if that was among them.
fn count_records(path: &Path, from: SyncRead) -> Result<(u64, Option<Header>), SyncError> {
    let mut n = 0u64;
    let outcome = log_file::read(path, from, |events, _| {
        n += events.len() as u64;
        Ok(())
    })?;
    Ok((n, outcome.headers.into_iter().next()))
}

/// What an export or an import did.
#[derive(Debug, Default)]
pub struct Transfer {
    pub events: u64,
    pub answers: u64,
    pub imported: Imported,
    pub replayed: u64,
    pub notices: Vec<String>,
}

/// Writes every event of the history (of every device) to `path`, replacing it at once.
pub fn export(store: &Store, path: &Path, name: &str) -> Result<Transfer, SyncError> {
    let mut transfer = Transfer::default();
    let header = Header {
        version: FORMAT_VERSION,
        device: store.device_id(),
        name: name.to_string(),
        purpose: Purpose::Export,
    };
    create_with_events(path, &header, |each| {
        store.for_each_event(Events::All, |e| {
            transfer.events += 1;
            if matches!(
                e.body,
                super::event::Body::Answer(..) | super::event::Body::Practice(..)
            ) {
                transfer.answers += 1;
            }
            each(&e)
        })
    })?;
    Ok(transfer)
}

/// Writes a new file at `path` (replacing any file there at once, never in part): `header`,
/// then every event `events` passes to the function it is given (which returns false once
/// writing failed), 1 MiB at a time. Returns the file's length.
fn create_with_events(
    path: &Path,
    header: &Header,
    events: impl FnOnce(&mut dyn FnMut(&Event) -> bool) -> Result<(), StoreError>,
) -> Result<u64, SyncError> {
    log_file::create(path, |write| {
        let mut buf = Vec::new();
        format::encode_header(header, &mut buf);
        let mut failed = None;
        events(&mut |e| {
            format::encode_event(e, &mut buf);
            if buf.len() >= 1 << 20 {
                if let Err(e) = write(&buf) {
                    failed = Some(e);
                    return false;
                }
                buf.clear();
            }
            true
        })
        .map_err(io::Error::other)?;
        match failed {
            Some(e) => Err(e),
            None => write(&buf),
        }
    })
}

/// Adds the events of the export (or log) at `path` that the history lacks, and replays the
/// cards they touch with `scheduler`.
pub fn import(store: &Store, path: &Path, scheduler: &Scheduler) -> Result<Transfer, SyncError> {
    let mut transfer = Transfer::default();
    // A file that does not start with a record is not a pmquiz log: say so, rather than
    // reporting all of it as damaged.
    let mut start = [0u8; format::FRAME_LEN];
    let head = {
        use std::io::Read;
        let mut f = fs::File::open(path).map_err(SyncError::io("read", path))?;
        let n = f.read(&mut start).map_err(SyncError::io("read", path))?;
        &start[..n]
    };
    if !head.is_empty() && matches!(format::next(head, false), Step::Damaged { .. }) {
        return Err(SyncError::Io {
            action: "import",
            path: path.to_path_buf(),
            source: io::Error::new(
                io::ErrorKind::InvalidData,
                "it is not a pmquiz history export (made by `pmquiz history export`) or log",
            ),
        });
    }
    store.use_big_cache(256)?;
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bulk = if size >= BULK_BYTES {
        Some(store.bulk_import()?)
    } else {
        None
    };
    let outcome = log_file::read(path, SyncRead::default(), |events, _| {
        transfer.events += events.len() as u64;
        let got = match &bulk {
            Some(bulk) => bulk.add(events, None)?,
            None => store.import(events, None)?,
        };
        transfer.imported += got;
        Ok(())
    })?;
    if let Some(bulk) = bulk {
        bulk.finish()?;
    }
    transfer.notices = outcome.notices.iter().map(Notice::to_string).collect();
    if outcome.tail > 0 {
        transfer.notices.push(format!(
            "{}: the last {} bytes are not a whole record (the file is cut short); the \
             events before them were read",
            path.display(),
            outcome.tail
        ));
    }
    transfer.replayed = store.replay_pending(scheduler)?;
    if transfer.imported.added >= BIG_SYNC {
        store.checkpoint()?;
    }
    Ok(transfer)
}
