//! A cache of validated decks, so that a large deck is parsed once rather than on every start,
//! and read in place rather than loaded whole.
//!
//! Parsing and validating a 100 000-card deck (20 MB of TOML) takes about 0.4 s on two cores.
//! Each deck file of at least [`CACHE_FROM`] bytes gets one entry in the cache directory, named
//! after the file's absolute path, that holds the deck in rkyv's format (see [`entry`] for its
//! layout). A command maps the entry into memory and reads only what it uses: the deck's name
//! and counts, the item it asks, the card it builds; nothing else of the entry is read.
//!
//! An entry holds the length and hash of the deck text it was built from and a fingerprint of
//! the pmquiz binary that wrote it, so it is only used for exactly the same text read by exactly
//! the same build. After an edit, the entry of the earlier text is brought up to date: the file
//! is cut into blocks at its top-level headers, only the blocks the entry does not already hold
//! are parsed and validated, and the checks that span the deck (unique ids, terms named in
//! `includes`, at least one card) run over the whole result (see [`update`]). A change to the
//! `[deck]` table, or anything the blocks alone cannot tell, means parsing the whole file.
//!
//! The cache never changes what pmquiz does, only how fast: an entry that is missing, stale,
//! truncated or damaged is ignored and rewritten. Each part of an entry is checked (its hash,
//! then rkyv's validation) when it is first read, and a part that fails makes the deck parse its
//! file after all. An entry that cannot be written (read-only or full disk) only costs the time it
//! would have saved. Only valid decks are cached, so every diagnostic still comes from parsing
//! the file. Entries are written to a temporary file and renamed into place, so concurrent
//! pmquiz processes never see half an entry, and a file once mapped never changes.

mod entry;
mod update;

use super::file::{LoadError, into_text, read_bytes, stem};
use crate::deck::{BlockKind, Deck, Origin, parse_by_blocks, parse_whole};
pub use entry::CachedDeck;
use entry::{Bytes, CARD_BLOCK, DECK_BLOCK, Key, PREAMBLE, Writer, block_hash};
use rkyv::util::AlignedVec;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

/// Deck files smaller than this are always parsed: it takes a few milliseconds at most.
pub(super) const CACHE_FROM: usize = 64 * 1024;

/// Entries not used for this long are removed when another entry is written.
const KEEP_UNUSED: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Temporary files older than this are left from an interrupted write, and removed.
const KEEP_TEMPORARY: Duration = Duration::from_secs(60 * 60);
/// How often the modification time of an entry in use is moved forward.
const MARK_USED_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

const EXTENSION: &str = "deck";
const TEMP_EXTENSION: &str = "tmp";

/// Decks cached in one directory.
#[derive(Debug, Clone)]
pub struct DeckCache {
    dir: PathBuf,
    /// Identifies the pmquiz build: entries written by any other build are ignored.
    build: u64,
}

#[cfg(test)]
thread_local! {
    /// How many times this thread hashed a whole deck file.
    static FILE_HASHES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Key {
    fn of(build: u64, source: &[u8]) -> Key {
        #[cfg(test)]
        FILE_HASHES.with(|n| n.set(n.get() + 1));
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

    /// Opens one deck file in place from its cache entry: the entry as it is when the file is
    /// unchanged, brought up to date when only some of its cards changed, or written anew from
    /// the parsed file. `None` for a file too small to be cached: parse it.
    pub fn open(&self, path: &Path) -> Result<Option<CachedDeck>, LoadError> {
        if path.is_dir() {
            // As reading it would say.
            read_bytes(path)?;
        }
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if size < CACHE_FROM as u64 {
            return Ok(None);
        }
        // When there is an entry of this build for a file of this length, the file is hashed as
        // it is read, without keeping it: when the entry matches, only the entry is read. Without
        // one, that hash could not be used: the file is read whole, and hashed once below.
        let entry = self.entry_path(path);
        if let Some(bytes) = map(&entry)
            && let Some(key) = entry::key_of(&bytes)
            && key.build == self.build
            && key.source_len == size
            && hash_file(path) == Some((key.source_len, key.source_hash))
            && let Some(deck) = CachedDeck::open(bytes, key, path.to_path_buf(), self.reparse(path))
        {
            mark_used(&entry);
            return Ok(Some(deck));
        }
        // Missing, stale or damaged: read the file, and bring the entry up to date or parse it.
        let bytes = read_bytes(path)?;
        if bytes.len() < CACHE_FROM {
            return Ok(None);
        }
        let key = Key::of(self.build, &bytes);
        if let Some(deck) = self.update(path, &entry, &bytes, key) {
            return Ok(Some(deck));
        }
        let text = into_text(path, bytes)?;
        let (deck, bytes) = self.parse_and_write(path, &entry, text, key)?;
        drop(deck);
        Ok(bytes.and_then(|bytes| {
            CachedDeck::open(
                Bytes::Owned(bytes),
                key,
                path.to_path_buf(),
                self.reparse(path),
            )
        }))
    }

    /// The entry of an earlier text of the file, brought up to date for the file's `bytes` and
    /// written.
    fn update(&self, path: &Path, entry: &Path, bytes: &[u8], key: Key) -> Option<CachedDeck> {
        let old_bytes = map(entry)?;
        let old_key = entry::key_of(&old_bytes)?;
        if old_key.build != self.build {
            return None;
        }
        let none: Box<dyn Fn() -> Option<Deck>> = Box::new(|| None);
        let old = CachedDeck::open(old_bytes, old_key, path.to_path_buf(), none)?;
        let bytes = update::update(&old, bytes, &path.display().to_string(), key)?;
        drop(old);
        // Best effort: without the entry the next start brings it up to date again.
        let _ = self.write_entry(entry, &bytes);
        CachedDeck::open(
            Bytes::Owned(bytes),
            key,
            path.to_path_buf(),
            self.reparse(path),
        )
    }

    /// Parses the deck file and writes its entry; the deck, and the entry's bytes.
    fn parse_and_write(
        &self,
        path: &Path,
        entry: &Path,
        text: String,
        key: Key,
    ) -> Result<(Deck, Option<AlignedVec<16>>), LoadError> {
        let origin = Origin::File(path.to_path_buf());
        let shown = path.display().to_string();
        let default_id = stem(path);
        let (deck, blocks) = match parse_by_blocks(&text, &shown, &default_id, origin.clone()) {
            Some(parsed) => {
                let blocks: Vec<_> = parsed
                    .blocks
                    .iter()
                    .map(|b| (block_hash(text[b.range.clone()].as_bytes()), b))
                    .map(|(hash, b)| (hash, b.range.len(), b.kind, b.cards))
                    .collect();
                (parsed.deck, Some(blocks))
            }
            // Parsed whole, as a command parses a deck that fails block by block: the deck
            // without its blocks, or every problem of the file.
            None => {
                let deck = parse_whole(&text, &shown, &default_id, origin);
                (deck.map_err(LoadError::Invalid)?, None)
            }
        };
        // Only the blocks' hashes are needed now.
        let capacity = text.len() * 3 / 2;
        drop(text);
        let bytes = encode(&deck, blocks.as_deref(), key, capacity);
        // Best effort: without the entry the next start parses the file again.
        if let Some(bytes) = &bytes {
            let _ = self.write_entry(entry, bytes);
        }
        Ok((deck, bytes))
    }

    /// What a deck read from its entry does when a part of the entry is damaged: parse the file
    /// (and write a new entry).
    fn reparse(&self, path: &Path) -> Box<dyn Fn() -> Option<Deck>> {
        let cache = self.clone();
        let path = path.to_path_buf();
        Box::new(move || {
            let bytes = read_bytes(&path).ok()?;
            let key = Key::of(cache.build, &bytes);
            let text = into_text(&path, bytes).ok()?;
            let entry = cache.entry_path(&path);
            cache
                .parse_and_write(&path, &entry, text, key)
                .ok()
                .map(|(deck, _)| deck)
        })
    }

    /// The entry of a deck file: named by a hash of its absolute path, which also fixes the file
    /// name that a deck without an `id` takes its id from.
    fn entry_path(&self, path: &Path) -> PathBuf {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let hash = xxh3_64(absolute.as_os_str().as_encoded_bytes());
        self.dir.join(format!("{hash:016x}.{EXTENSION}"))
    }

    fn write_entry(&self, entry: &Path, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let temp = self.dir.join(format!(
            ".{}.{}-{:016x}.{TEMP_EXTENSION}",
            entry.file_stem().unwrap_or_default().to_string_lossy(),
            std::process::id(),
            rand::random::<u64>()
        ));
        let mut file = File::options().write(true).create_new(true).open(&temp)?;
        let written = file
            .write_all(bytes)
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

/// The length and hash of a file's bytes, read a piece at a time.
fn hash_file(path: &Path) -> Option<(u64, u128)> {
    #[cfg(test)]
    FILE_HASHES.with(|n| n.set(n.get() + 1));
    let mut file = File::open(path).ok()?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut len = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buffer[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((len, hasher.digest128()))
}

/// The entry file at `path` mapped into memory, if it exists and is at least a header long.
fn map(path: &Path) -> Option<Bytes> {
    let file = File::open(path).ok()?;
    if file.metadata().ok()?.len() < entry::HEADER as u64 {
        return None;
    }
    // SAFETY: the mapping is read-only, and pmquiz never writes to an entry file once it is
    // in place: a new entry is written to a temporary file and renamed over the old one, which
    // leaves the mapped file as it was. (A file changed by another program could change under
    // the mapping; every part read is checked against its hash first.)
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    // Cards are read one here, one there: no reading ahead around them.
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Random);
    Some(Bytes::Mapped(map))
}

/// A block of a deck file as an entry keeps it: its hash and length, what it is, and how many
/// cards it holds.
type BlockOf = (u128, usize, BlockKind, usize);

/// The entry of a parsed deck; with `blocks`, the blocks of the text it came from (which hold
/// its cards, in order), so that the entry can be brought up to date after an edit.
fn encode(
    deck: &Deck,
    blocks: Option<&[BlockOf]>,
    key: Key,
    capacity: usize,
) -> Option<AlignedVec<16>> {
    let mut writer = Writer::new(
        &deck.id,
        &deck.name,
        &deck.description,
        &deck.source,
        &deck.tags,
        capacity,
    );
    let mut cards = deck.cards.iter();
    for &(hash, len, kind, count) in blocks.unwrap_or_default() {
        for card in cards.by_ref().take(count) {
            writer.card(card).ok()?;
        }
        let kind = match kind {
            BlockKind::Preamble => PREAMBLE,
            BlockKind::Deck => DECK_BLOCK,
            BlockKind::Cards => CARD_BLOCK,
        };
        writer.block(hash, len, kind, count as u32);
    }
    for card in cards {
        writer.card(card).ok()?;
    }
    if blocks.is_none() {
        writer.without_blocks();
    }
    writer.finish(key)
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

#[cfg(test)]
mod tests;
