//! Log files on disk: reading one from where the last read stopped, in pieces, and writing
//! records so that a reader, a crash or a sync tool never sees anything but whole records
//! followed, at worst, by the start of one.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::error::SyncError;
use super::event::Event;
use super::format::{self, Damage, FRAME_LEN, Header, MAGIC, Record, Step};
use crate::store::SyncRead;

/// How much of a file is read at a time.
const CHUNK: usize = 4 << 20;

/// How many events are handed over at a time (one transaction each).
pub const BATCH: usize = 200_000;

/// Something in a log that was not read, for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Bytes that are not a record, skipped.
    Damaged {
        path: PathBuf,
        offset: u64,
        len: u64,
        damage: Damage,
    },
    /// A record of a newer pmquiz: the file is read up to it, and from it once pmquiz is
    /// upgraded.
    Newer {
        path: PathBuf,
        offset: u64,
        kind: u8,
    },
    /// The file is not the one read last time (it was replaced or rewritten): read again
    /// from the start.
    Replaced { path: PathBuf },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Damaged {
                path,
                offset,
                len,
                damage,
            } => write!(
                f,
                "{}: damaged record at byte {offset} ({damage}; {len} bytes skipped). The rest \
                 of the file was read; the events in the damaged part are missing here (to get \
                 them, run `pmquiz history export FILE` on that device and `pmquiz history \
                 import FILE` here).",
                path.display()
            ),
            Notice::Newer { path, offset, kind } => write!(
                f,
                "{}: from byte {offset} on, records of a newer pmquiz (kind {kind}); upgrade \
                 pmquiz to read them. The file was read up to there.",
                path.display()
            ),
            Notice::Replaced { path } => write!(
                f,
                "{}: the file was replaced since the last sync; read again from the start \
                 (events already here are not added twice)",
                path.display()
            ),
        }
    }
}

/// What reading a log found, besides its events.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Where the next read starts.
    pub read: SyncRead,
    /// The header records seen.
    pub headers: Vec<Header>,
    pub notices: Vec<Notice>,
    /// Bytes at the end that are not a whole record yet (a record being written or copied).
    pub tail: u64,
}

/// Reads the log at `path` from where `from` says the last read stopped, handing its events
/// to `batch` up to [`BATCH`] at a time with the position after them. A file that is shorter
/// than `from`, or whose last record read is no longer where it was, was replaced: it is read
/// from the start. Damaged bytes are skipped and noted; the end of the file that is not a
/// whole record yet is left for the next read.
pub fn read(
    path: &Path,
    from: SyncRead,
    mut batch: impl FnMut(&[Event], SyncRead) -> Result<(), SyncError>,
) -> Result<Outcome, SyncError> {
    let mut file = File::open(path).map_err(SyncError::io("read", path))?;
    let len = file.metadata().map_err(SyncError::io("read", path))?.len();
    let mut outcome = Outcome::default();
    let mut start = from;
    if from.offset > 0 && !same_file(&mut file, len, from).map_err(SyncError::io("read", path))? {
        outcome.notices.push(Notice::Replaced {
            path: path.to_path_buf(),
        });
        start = SyncRead::default();
    }
    file.seek(SeekFrom::Start(start.offset))
        .map_err(SyncError::io("read", path))?;
    let mut input = file.take(len - start.offset);

    let mut buf: Vec<u8> = Vec::new();
    let mut base = start.offset; // the file offset of buf[0]
    let mut pos = 0; // the next byte of buf to read
    let mut eof = false;
    let mut events: Vec<Event> = Vec::new();
    let mut read = start;
    loop {
        let step = format::next(&buf[pos..], eof);
        match step {
            Step::Record { len, record } => {
                let offset = base + pos as u64;
                let crc = u32::from_le_bytes(buf[pos + 8..pos + 12].try_into().expect("4 bytes"));
                match record {
                    Record::Header(h) => outcome.headers.push(h),
                    Record::Event(e) => events.push(e),
                    Record::Newer { kind } => {
                        outcome.notices.push(Notice::Newer {
                            path: path.to_path_buf(),
                            offset,
                            kind,
                        });
                        break;
                    }
                }
                pos += len;
                read = SyncRead {
                    offset: base + pos as u64,
                    last: Some((offset, crc)),
                };
            }
            Step::Damaged { len, damage } => {
                let offset = base + pos as u64;
                match outcome.notices.last_mut() {
                    Some(Notice::Damaged {
                        offset: o, len: l, ..
                    }) if *o + *l == offset => *l += len as u64,
                    _ => outcome.notices.push(Notice::Damaged {
                        path: path.to_path_buf(),
                        offset,
                        len: len as u64,
                        damage,
                    }),
                }
                pos += len;
                read.offset = base + pos as u64;
            }
            Step::Incomplete if eof => break,
            Step::Incomplete => {
                // Drop what was read, then read the next piece.
                buf.drain(..pos);
                base += pos as u64;
                pos = 0;
                let before = buf.len();
                (&mut input)
                    .take(CHUNK as u64)
                    .read_to_end(&mut buf)
                    .map_err(SyncError::io("read", path))?;
                eof = buf.len() - before < CHUNK;
            }
        }
        if events.len() >= BATCH {
            batch(&events, read)?;
            events.clear();
        }
    }
    if !events.is_empty() || read != start {
        batch(&events, read)?;
    }
    outcome.tail = len - read.offset;
    outcome.read = read;
    Ok(outcome)
}

/// Whether the record that ended the last read is still where it was, with the same checksum.
fn same_file(file: &mut File, len: u64, from: SyncRead) -> io::Result<bool> {
    if from.offset > len {
        return Ok(false);
    }
    let Some((start, crc)) = from.last else {
        return Ok(true);
    };
    if start + FRAME_LEN as u64 > len {
        return Ok(false);
    }
    let mut frame = [0u8; FRAME_LEN];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut frame)?;
    let record_len = u32::from_le_bytes(frame[4..8].try_into().expect("4 bytes")) as u64;
    Ok(frame[..4] == MAGIC
        && u32::from_le_bytes(frame[8..12].try_into().expect("4 bytes")) == crc
        && start + FRAME_LEN as u64 + record_len == from.offset)
}

/// Appends `bytes` (whole records) to the file at `path` and waits until they are on disk.
/// The file must exist.
pub fn append(path: &Path, bytes: &[u8]) -> Result<(), SyncError> {
    let mut file = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(SyncError::io("write to", path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_data())
        .map_err(SyncError::io("write to", path))
}

/// Cuts the file at `path` to its first `len` bytes (the end of its last whole record).
pub fn truncate(path: &Path, len: u64) -> Result<(), SyncError> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(SyncError::io("write to", path))?;
    file.set_len(len)
        .and_then(|()| file.sync_all())
        .map_err(SyncError::io("write to", path))
}

/// Writes a new file at `path` holding `write`'s records, replacing any file there at once:
/// the records go to a temporary file beside it (whose name starts with a dot, which sync
/// folders' readers skip), which is synced and then renamed. `write` gets a buffer to fill
/// and a function that flushes it to the file.
pub fn create(
    path: &Path,
    write: impl FnOnce(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()>,
) -> Result<u64, SyncError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> io::Result<u64> {
        let mut file = File::create(&temp)?;
        let mut written = 0u64;
        write(&mut |bytes: &[u8]| {
            written += bytes.len() as u64;
            file.write_all(bytes)
        })?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        sync_dir(dir);
        Ok(written)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(SyncError::io("write", path))
}

/// Makes a new or renamed file's directory entry durable (Unix; elsewhere the rename is).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Rating;
    use crate::sync::event::{Answer, Body, DeviceId, EventId};
    use crate::sync::format::{FORMAT_VERSION, Purpose, encode_event, encode_header};
    use chrono::{TimeZone, Utc};
    use std::time::Duration;

    fn events(n: usize) -> Vec<Event> {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 31, 9, 0, 0).unwrap();
        let mut last = None;
        (0..n)
            .map(|i| {
                let at = t0 + chrono::TimeDelta::seconds(i as i64);
                let id = EventId::next(at, last, [i as u8; 10]);
                last = Some(id);
                Event {
                    id,
                    device: DeviceId::from_bytes([1; 16]),
                    at,
                    body: Body::Answer(
                        Answer {
                            deck_id: "d".to_string(),
                            card_id: format!("c{}", i % 7),
                            question_kind: "tf".to_string(),
                            correct: i % 3 != 0,
                            overridden: false,
                            given: "t".to_string(),
                            expected: "true".to_string(),
                            duration: Duration::from_millis(900),
                            session_id: "s".to_string(),
                            phase: None,
                        },
                        Rating::Good,
                    ),
                }
            })
            .collect()
    }

    fn log(events: &[Event]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_header(
            &Header {
                version: FORMAT_VERSION,
                device: DeviceId::from_bytes([1; 16]),
                name: "laptop".to_string(),
                purpose: Purpose::DeviceLog,
            },
            &mut out,
        );
        for e in events {
            encode_event(e, &mut out);
        }
        out
    }

    fn read_all(path: &Path, from: SyncRead) -> (Vec<Event>, Outcome) {
        let mut got = Vec::new();
        let outcome = read(path, from, |batch, _| {
            got.extend_from_slice(batch);
            Ok(())
        })
        .unwrap();
        (got, outcome)
    }

    #[test]
    fn reads_on_from_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        let all = events(10);
        let bytes = log(&all);
        fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        let (got, first) = read_all(&path, SyncRead::default());
        assert_eq!(got, all[..9]);
        assert_eq!(first.headers.len(), 1);
        assert!(first.tail > 0 && first.notices.is_empty());
        // The rest arrives.
        fs::write(&path, &bytes).unwrap();
        let (got, second) = read_all(&path, first.read);
        assert_eq!(got, all[9..]);
        assert_eq!(second.read.offset, bytes.len() as u64);
        assert!(second.headers.is_empty());
        // Nothing new.
        let (got, third) = read_all(&path, second.read);
        assert!(got.is_empty());
        assert_eq!(third.read, second.read);
    }

    #[test]
    fn a_replaced_file_is_read_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        let all = events(6);
        fs::write(&path, log(&all)).unwrap();
        let (_, first) = read_all(&path, SyncRead::default());
        // The owner wrote its log again, with other events at the same places.
        let other = events(8)[2..].to_vec();
        fs::write(&path, log(&other)).unwrap();
        let (got, second) = read_all(&path, first.read);
        assert_eq!(got, other);
        assert!(matches!(second.notices[..], [Notice::Replaced { .. }]));
        // A shorter file, too.
        fs::write(&path, log(&all[..2])).unwrap();
        let (got, _) = read_all(&path, second.read);
        assert_eq!(got, all[..2]);
    }

    #[test]
    fn a_big_log_is_read_in_batches_across_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.log");
        let all = events(BATCH + 15_000);
        let mut bytes = log(&all);
        // Damage in the middle, where a piece of the file ends.
        let middle = CHUNK + 3;
        bytes[middle] ^= 0x55;
        fs::write(&path, &bytes).unwrap();
        let mut batches = Vec::new();
        let mut got = Vec::new();
        let outcome = read(&path, SyncRead::default(), |batch, at| {
            batches.push((batch.len(), at.offset));
            got.extend_from_slice(batch);
            Ok(())
        })
        .unwrap();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].0, BATCH);
        assert_eq!(batches[1].1, bytes.len() as u64);
        assert_eq!(got.len(), all.len() - 1);
        match &outcome.notices[..] {
            [Notice::Damaged { offset, .. }] => assert!(*offset <= middle as u64),
            other => panic!("{other:?}"),
        }
        let text = outcome.notices[0].to_string();
        assert!(text.contains("big.log: damaged record at byte"), "{text}");
    }

    #[test]
    fn create_replaces_at_once_and_append_adds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        let all = events(3);
        let bytes = log(&all);
        let n = create(&path, |w| w(&bytes)).unwrap();
        assert_eq!(n, bytes.len() as u64);
        let more = log(&events(5)[3..]);
        append(&path, &more).unwrap();
        assert_eq!(fs::read(&path).unwrap().len(), bytes.len() + more.len());
        truncate(&path, bytes.len() as u64).unwrap();
        assert_eq!(fs::read(&path).unwrap(), bytes);
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert!(append(&dir.path().join("missing.log"), b"x").is_err());
    }
}
