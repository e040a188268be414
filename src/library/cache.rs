//! A cache of validated decks, so that a large deck is parsed once rather than on every start.
//!
//! Parsing and validating a 100 000-card deck (20 MB of TOML) takes about 0.4 s on two cores;
//! reading its binary form back takes a small part of that. Each deck file of at least
//! [`CACHE_FROM`] bytes gets one entry in the cache directory, named after the file's absolute
//! path. An entry holds the length and hash of the deck text it was built from and a
//! fingerprint of the pmquiz binary that wrote it, so it is only used for exactly the same text
//! read by exactly the same build; any edit to the deck, or a new pmquiz, means parsing again.
//!
//! The cache never changes what pmquiz does, only how fast: an entry that is missing, stale,
//! truncated or damaged is ignored and rewritten, and an entry that cannot be written (read-only
//! or full disk) only costs the time it would have saved. Only valid decks are cached, so every
//! diagnostic still comes from parsing the file. Entries are written to a temporary file and
//! renamed into place, so concurrent pmquiz processes never see half an entry.

use super::file::{LoadError, into_text, parse_text, read_bytes};
use crate::deck::{Deck, Origin};
use rkyv::rancor;
use rkyv::util::AlignedVec;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

/// Deck files smaller than this are always parsed: it takes a few milliseconds at most.
pub(super) const CACHE_FROM: usize = 64 * 1024;

/// Entries not used for this long are removed when another entry is written.
const KEEP_UNUSED: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Temporary files older than this are left from an interrupted write, and removed.
const KEEP_TEMPORARY: Duration = Duration::from_secs(60 * 60);
/// How often the modification time of an entry in use is moved forward.
const MARK_USED_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

const MAGIC: &[u8; 8] = b"pmquizDk";
const HEADER: usize = 64;
const EXTENSION: &str = "deck";
const TEMP_EXTENSION: &str = "tmp";

/// Decks cached in one directory.
#[derive(Debug, Clone)]
pub struct DeckCache {
    dir: PathBuf,
    /// Identifies the pmquiz build: entries written by any other build are ignored.
    build: u64,
}

/// What an entry must have been built from to be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    build: u64,
    source_len: u64,
    source_hash: u128,
}

impl Key {
    fn of(build: u64, source: &[u8]) -> Key {
        Key {
            build,
            source_len: source.len() as u64,
            source_hash: xxh3_128(source),
        }
    }
}

/// What tells this pmquiz binary from any other: its version, and the size, times and (on Unix)
/// device and inode of its file. The modification time alone is not enough: package managers
/// and archives give every file the same one. The change time and inode cannot be set that way,
/// and any new or copied binary gets new ones, so entries of another build are never read.
fn build_identity(meta: &std::fs::Metadata) -> Option<String> {
    let since_epoch = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).ok();
    let modified = since_epoch(meta.modified().ok()?)?.as_nanos();
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::MetadataExt;
        format!(
            "{} {} {}.{:09}",
            meta.dev(),
            meta.ino(),
            meta.ctime(),
            meta.ctime_nsec()
        )
    };
    #[cfg(not(unix))]
    let file = meta
        .created()
        .ok()
        .and_then(since_epoch)
        .map_or(0, |t| t.as_nanos())
        .to_string();
    Some(format!(
        "{} {} {modified} {file}",
        env!("CARGO_PKG_VERSION"),
        meta.len()
    ))
}

impl DeckCache {
    /// A cache in `dir`, which is created when the first entry is written. `None` when the
    /// running binary cannot be identified, since entries are tied to the build that wrote them.
    pub fn new(dir: PathBuf) -> Option<DeckCache> {
        let exe = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(exe).ok()?;
        Some(DeckCache {
            dir,
            build: xxh3_64(build_identity(&meta)?.as_bytes()),
        })
    }

    /// Reads and validates one deck file, from its cache entry when the file is unchanged.
    pub fn load(&self, path: &Path) -> Result<Deck, LoadError> {
        let mut bytes = read_bytes(path)?;
        if bytes.len() < CACHE_FROM {
            return parse_text(path, &into_text(path, bytes)?);
        }
        // The entry was built from text that was valid UTF-8, so a match needs no new check.
        let mut key = Key::of(self.build, &bytes);
        let entry = self.entry_path(path);
        if let Some(matching) = Entry::open(&entry, key) {
            // Only the entry is needed now: free the text before reading it.
            drop(bytes);
            if let Some(mut deck) = matching.read() {
                mark_used(&entry);
                deck.origin = Origin::File(path.to_path_buf());
                return Ok(deck);
            }
            // A damaged entry: parse the file after all.
            bytes = read_bytes(path)?;
            key = Key::of(self.build, &bytes);
        }
        let text = into_text(path, bytes)?;
        let deck = parse_text(path, &text)?;
        drop(text);
        // Best effort: without the entry the next start parses the file again.
        let _ = self.write_entry(&entry, key, &deck);
        Ok(deck)
    }

    /// The entry of a deck file: named by a hash of its absolute path, which also fixes the file
    /// name that a deck without an `id` takes its id from.
    fn entry_path(&self, path: &Path) -> PathBuf {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let hash = xxh3_64(absolute.as_os_str().as_encoded_bytes());
        self.dir.join(format!("{hash:016x}.{EXTENSION}"))
    }

    fn write_entry(&self, entry: &Path, key: Key, deck: &Deck) -> std::io::Result<()> {
        // The temporary file first: where it cannot be written, the deck is not encoded either.
        std::fs::create_dir_all(&self.dir)?;
        let temp = self.dir.join(format!(
            ".{}.{}-{:016x}.{TEMP_EXTENSION}",
            entry.file_stem().unwrap_or_default().to_string_lossy(),
            std::process::id(),
            rand::random::<u64>()
        ));
        let mut file = File::options().write(true).create_new(true).open(&temp)?;
        let written = encode(deck, key)
            .map_err(std::io::Error::other)
            .and_then(|bytes| file.write_all(&bytes))
            .and_then(|()| std::fs::rename(&temp, entry));
        drop(file);
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        self.prune(entry);
        written
    }

    /// Removes entries not used for a long time (decks deleted, renamed or no longer studied)
    /// and temporary files that an interrupted write left. An entry's modification time tells
    /// when it was last written or used (see [`mark_used`]).
    fn prune(&self, keep: &Path) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        for path in read.filter_map(|e| e.ok().map(|e| e.path())) {
            let limit = match path.extension() {
                Some(x) if x == EXTENSION => KEEP_UNUSED,
                Some(x) if x == TEMP_EXTENSION => KEEP_TEMPORARY,
                _ => continue,
            };
            let old = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > limit));
            if old && path != keep {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// The entry for `deck`: a header (magic, key, payload length and hash), then the deck in
/// rkyv's format.
fn encode(deck: &Deck, key: Key) -> Result<Vec<u8>, rancor::Error> {
    let payload = rkyv::to_bytes::<rancor::Error>(deck)?;
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&key.build.to_le_bytes());
    bytes.extend_from_slice(&key.source_len.to_le_bytes());
    bytes.extend_from_slice(&key.source_hash.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&xxh3_128(&payload).to_le_bytes());
    debug_assert_eq!(bytes.len(), HEADER);
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// The payload length and hash recorded in a header, if the header is pmquiz's and matches `key`.
fn check_header(header: &[u8; HEADER], key: Key) -> Option<(u64, u128)> {
    let u64_at = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    let u128_at =
        |at: usize| u128::from_le_bytes(header[at..at + 16].try_into().expect("16 bytes"));
    let found = Key {
        build: u64_at(8),
        source_len: u64_at(16),
        source_hash: u128_at(24),
    };
    (&header[..8] == MAGIC && found == key).then(|| (u64_at(40), u128_at(48)))
}

/// The deck in a payload whose hash matches; rkyv also checks its structure.
fn decode(payload: &[u8], hash: u128) -> Option<Deck> {
    if xxh3_128(payload) != hash {
        return None;
    }
    rkyv::from_bytes::<Deck, rancor::Error>(payload).ok()
}

/// Moves the modification time of an entry that was just used to now, at most once a day (so
/// that most starts write nothing), so that pruning goes by when an entry was last used.
fn mark_used(entry: &Path) {
    let now = SystemTime::now();
    let due = std::fs::metadata(entry)
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > MARK_USED_EVERY));
    if due && let Ok(file) = File::options().write(true).open(entry) {
        // Best effort: in a read-only cache the entry is pruned a month after it was written.
        let _ = file.set_modified(now);
    }
}

/// An entry whose header matches a deck file, not yet read.
struct Entry {
    file: File,
    len: u64,
    hash: u128,
}

impl Entry {
    /// The entry at `path`, if it exists and its header matches `key` and its size.
    fn open(path: &Path, key: Key) -> Option<Entry> {
        let mut file = File::open(path).ok()?;
        let mut header = [0; HEADER];
        file.read_exact(&mut header).ok()?;
        let (len, hash) = check_header(&header, key)?;
        let size = file.metadata().ok()?.len();
        (size.checked_sub(HEADER as u64) == Some(len)).then_some(Entry { file, len, hash })
    }

    /// The deck in the entry, if it is intact.
    fn read(mut self) -> Option<Deck> {
        // rkyv reads its values in place, so the payload must be suitably aligned in memory.
        let mut payload = AlignedVec::<16>::with_capacity(usize::try_from(self.len).ok()?);
        payload.extend_from_reader(&mut self.file).ok()?;
        (payload.len() as u64 == self.len).then_some(())?;
        decode(&payload, self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse_deck;
    use proptest::prelude::*;

    const DECK: &str = r#"
[deck]
id = "cached"
name = "Cached"

[[card]]
question = "Which is older, production or operation management?"
answer = "production management"
accept = ["production"]
wrong = ["operation management"]
explain = "Production management came first."

[[term]]
term = "throughput"
definition = "output per unit of time"
examples = ["the line's {{throughput}} doubled"]

[[statement]]
text = "Operation management also covers services."
answer = true

[[cloze]]
text = "Production management is about {{goods|products}}."

[[choice]]
question = "Pick one"
options = ["a", "b", "c"]
answer = "b"

[[table]]
id = "compare"
subjects = ["production", "operation"]

[[table.row]]
aspect = "output"
cells = ["goods", "goods and services"]
"#;

    fn deck() -> Deck {
        parse_deck(DECK, "cached.toml", "cached", Origin::BuiltIn).expect("valid deck")
    }

    fn key(source: &str) -> Key {
        Key::of(7, source.as_bytes())
    }

    /// Splits an entry into its header and an aligned payload, as `read_entry` does.
    fn split(bytes: &[u8]) -> ([u8; HEADER], AlignedVec<16>) {
        let header: [u8; HEADER] = bytes[..HEADER].try_into().unwrap();
        let mut payload = AlignedVec::<16>::new();
        payload.extend_from_slice(&bytes[HEADER..]);
        (header, payload)
    }

    fn json(deck: &Deck) -> String {
        serde_json::to_string(deck).unwrap()
    }

    #[test]
    fn an_entry_gives_back_the_same_deck() {
        let deck = deck();
        let bytes = encode(&deck, key(DECK)).unwrap();
        let (header, payload) = split(&bytes);
        let (len, hash) = check_header(&header, key(DECK)).expect("header matches");
        assert_eq!(len as usize, payload.len());
        let back = decode(&payload, hash).expect("payload decodes");
        assert_eq!(json(&back), json(&deck));
        assert_eq!(back.review_ids(), deck.review_ids());
    }

    #[test]
    fn an_entry_of_other_text_or_another_build_is_not_used() {
        let bytes = encode(&deck(), key(DECK)).unwrap();
        let (header, _) = split(&bytes);
        let edited = DECK.replace("came first", "came earlier");
        assert_eq!(check_header(&header, key(&edited)), None);
        assert_eq!(check_header(&header, Key::of(8, DECK.as_bytes())), None);
        let mut other = header;
        other[0] = b'x';
        assert_eq!(check_header(&other, key(DECK)), None);
    }

    #[test]
    fn a_damaged_payload_is_not_used() {
        let bytes = encode(&deck(), key(DECK)).unwrap();
        let (header, payload) = split(&bytes);
        let (_, hash) = check_header(&header, key(DECK)).unwrap();
        for at in [0, payload.len() / 2, payload.len() - 1] {
            let mut damaged = AlignedVec::<16>::new();
            damaged.extend_from_slice(&payload);
            damaged[at] ^= 0x55;
            assert!(decode(&damaged, hash).is_none(), "byte {at} flipped");
        }
        // A payload that passes the hash check but is not a deck is refused by rkyv.
        let mut garbage = AlignedVec::<16>::new();
        garbage.extend_from_slice(&[0xff; 64]);
        assert!(decode(&garbage, xxh3_128(&garbage)).is_none());
    }

    #[test]
    fn binaries_with_the_same_size_and_time_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "same bytes").unwrap();
        std::fs::write(&b, "same bytes").unwrap();
        // As a package manager or an archive leaves them.
        let epoch = SystemTime::UNIX_EPOCH + Duration::from_secs(1);
        for path in [&a, &b] {
            File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(epoch)
                .unwrap();
        }
        let identity = |p: &Path| build_identity(&std::fs::metadata(p).unwrap()).unwrap();
        assert_ne!(identity(&a), identity(&b));
        assert_eq!(identity(&a), identity(&a));
    }

    proptest! {
        /// Whatever a damaged or foreign entry holds, reading it gives a deck or nothing: the
        /// hash is checked first, so the bytes here get the matching hash to reach rkyv.
        #[test]
        fn any_payload_gives_a_deck_or_nothing(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
            cut in any::<prop::sample::Index>(),
            flip in any::<u8>(),
        ) {
            let mut payload = AlignedVec::<16>::new();
            payload.extend_from_slice(&bytes);
            let _ = decode(&payload, xxh3_128(&payload));

            // A real entry with one byte changed (and its hash updated).
            let entry = encode(&deck(), key(DECK)).unwrap();
            let mut payload = AlignedVec::<16>::new();
            payload.extend_from_slice(&entry[HEADER..]);
            let at = cut.index(payload.len());
            payload[at] ^= flip;
            let _ = decode(&payload, xxh3_128(&payload));
        }
    }
}
