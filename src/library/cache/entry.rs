//! The layout of a cache entry, how it is written, and how a deck is read from it in place.
//!
//! An entry is a header and six segments, each a separate rkyv archive that is checked (its
//! hash, then rkyv's validation) only when it is first read, so that a command pays for the
//! parts it uses:
//!
//! | segment | holds | read by |
//! | --- | --- | --- |
//! | meta | the deck's id, name, description, source, tags, and its counts | every command |
//! | items | every reviewable item: its review id, card and row, tags; ids by hash | `review`, `stats`, `run` |
//! | pools | the answers and terms wrong options are drawn from | questions that offer options |
//! | directory | where each card is in the cards segment, and its hash | asking a card |
//! | cards | each card on its own, as an rkyv archive checked when the card is built | asking a card |
//! | blocks | the hash of every block of the deck file, and which cards it holds | updating an entry after an edit |
//!
//! The header holds what the entry was built from (the deck file's length and hash, the build of
//! pmquiz), each segment's place and hash, and a hash of itself.

use crate::deck::{ArchivedCard, Card, Content, Deck, DeckSource, Origin, Slot, Strs, row_id};
use rkyv::rancor;
use rkyv::util::AlignedVec;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::PathBuf;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

pub(super) const MAGIC: &[u8; 8] = b"pmquizD2";
/// Segments, in the order of the header's table.
pub(super) const META: usize = 0;
pub(super) const ITEMS: usize = 1;
pub(super) const POOLS: usize = 2;
pub(super) const DIRECTORY: usize = 3;
pub(super) const CARDS: usize = 4;
pub(super) const BLOCKS: usize = 5;
const SEGMENTS: usize = 6;
/// Magic, key (40 bytes), the segment table (24 bytes a segment), the header's own hash.
pub(super) const HEADER: usize = 256;
const TABLE_AT: usize = 40;
const HEADER_HASH_AT: usize = HEADER - 8;
/// Segments and cards start at multiples of this, so that rkyv reads them in place.
const ALIGN: usize = 16;
/// The row of an item that is a whole card.
const NO_ROW: u32 = u32::MAX;

/// What an entry must have been built from to be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) build: u64,
    pub(super) source_len: u64,
    pub(super) source_hash: u128,
}

#[derive(rkyv::Archive, rkyv::Serialize)]
pub(super) struct Meta {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) description: String,
    pub(super) source: String,
    pub(super) tags: Vec<String>,
    pub(super) cards: u32,
    pub(super) items: u32,
}

#[derive(rkyv::Archive, rkyv::Serialize, Clone, Copy)]
pub(super) struct ItemSlot {
    pub(super) card: u32,
    /// [`NO_ROW`] for an item that is a whole card.
    pub(super) row: u32,
}

#[derive(rkyv::Archive, rkyv::Serialize, Clone, Copy)]
pub(super) struct Hashed {
    pub(super) hash: u64,
    pub(super) item: u32,
}

/// Strings kept one after another, which rkyv checks as one string rather than one by one.
#[derive(rkyv::Archive, rkyv::Serialize, Default)]
pub(super) struct Texts {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

impl Texts {
    /// Adds a string; returns its index.
    fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        self.ends.len() as u32 - 1
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

impl ArchivedTexts {
    /// String `i`; empty when out of range.
    pub(super) fn get(&self, i: usize) -> &str {
        crate::deck::packed(&self.text, &self.ends, i)
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The strings listed in `list` (indexes), as a deck hands them out.
    fn list<'a>(&'a self, list: &'a [rkyv::primitive::ArchivedU32]) -> Strs<'a> {
        Strs::Packed {
            text: &self.text,
            ends: &self.ends,
            list,
        }
    }
}

#[derive(rkyv::Archive, rkyv::Serialize, Default)]
pub(super) struct Items {
    /// The review id of each item.
    pub(super) ids: Texts,
    pub(super) slots: Vec<ItemSlot>,
    /// Each item's tags (its row's, then its card's), as an index in `sets`.
    pub(super) tag_sets: Vec<u32>,
    pub(super) sets: Vec<Vec<String>>,
    /// `(xxh3 of the review id, item)`, sorted: looking an id up is a binary search.
    pub(super) by_hash: Vec<Hashed>,
    /// The card of each table card, whose own id is no review id, and the id.
    pub(super) tables: Vec<u32>,
    pub(super) table_ids: Texts,
}

/// Where some strings of [`Pools::texts`] are listed in [`Pools::lists`].
#[derive(rkyv::Archive, rkyv::Serialize, Clone, Copy)]
pub(super) struct List {
    pub(super) start: u32,
    pub(super) len: u32,
}

#[derive(rkyv::Archive, rkyv::Serialize)]
pub(super) struct AnswerEntry {
    pub(super) card: u32,
    pub(super) text: u32,
    pub(super) tags: List,
}

#[derive(rkyv::Archive, rkyv::Serialize)]
pub(super) struct TermEntry {
    pub(super) card: u32,
    pub(super) term: u32,
    pub(super) normalized: u32,
    pub(super) definition: u32,
    pub(super) exclusive: bool,
    pub(super) includes: List,
}

/// The answers and terms of a deck; every string is in `texts`, by index.
#[derive(rkyv::Archive, rkyv::Serialize, Default)]
pub(super) struct Pools {
    pub(super) texts: Texts,
    /// Lists of strings (tags, includes): indexes in `texts`.
    pub(super) lists: Vec<u32>,
    pub(super) answers: Vec<AnswerEntry>,
    pub(super) terms: Vec<TermEntry>,
}

impl Pools {
    fn list<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) -> List {
        let start = self.lists.len() as u32;
        for item in items {
            let at = self.texts.push(item);
            self.lists.push(at);
        }
        List {
            start,
            len: self.lists.len() as u32 - start,
        }
    }

    fn answer<'a>(&mut self, card: u32, text: &str, tags: impl IntoIterator<Item = &'a str>) {
        let text = self.texts.push(text);
        let tags = self.list(tags);
        self.answers.push(AnswerEntry { card, text, tags });
    }

    fn term<'a>(
        &mut self,
        card: u32,
        (term, normalized, definition): (&str, &str, &str),
        exclusive: bool,
        includes: impl IntoIterator<Item = &'a str>,
    ) {
        let term = self.texts.push(term);
        let normalized = self.texts.push(normalized);
        let definition = self.texts.push(definition);
        let includes = self.list(includes);
        self.terms.push(TermEntry {
            card,
            term,
            normalized,
            definition,
            exclusive,
            includes,
        });
    }
}

impl ArchivedPools {
    fn list(&self, list: &ArchivedList) -> Strs<'_> {
        let start = list.start.to_native() as usize;
        let end = start.saturating_add(list.len.to_native() as usize);
        self.texts
            .list(self.lists.get(start..end).unwrap_or_default())
    }
}

#[derive(rkyv::Archive, rkyv::Serialize, Clone, Copy)]
pub(super) struct CardRef {
    /// Where the card's archive starts in the cards segment.
    pub(super) offset: u64,
    pub(super) len: u32,
    pub(super) hash: u64,
}

/// What a block of the deck file is, as [`crate::deck::BlockKind`].
pub(super) const PREAMBLE: u8 = 0;
pub(super) const DECK_BLOCK: u8 = 1;
pub(super) const CARD_BLOCK: u8 = 2;

#[derive(rkyv::Archive, rkyv::Serialize, Clone, Copy)]
pub(super) struct BlockEntry {
    pub(super) hash: u128,
    pub(super) len: u64,
    pub(super) kind: u8,
    /// The block's first card, and how many it holds.
    pub(super) first: u32,
    pub(super) cards: u32,
}

#[derive(rkyv::Archive, rkyv::Serialize, Default)]
pub(super) struct Blocks {
    /// The blocks of the deck file, in order; empty when the deck could not be parsed block by
    /// block, so that any edit means parsing it again.
    pub(super) blocks: Vec<BlockEntry>,
}

#[cfg(test)]
thread_local! {
    /// The texts this thread hashed as blocks: where each starts, and its length.
    pub(super) static BLOCKS_HASHED: std::cell::RefCell<Vec<(usize, usize)>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// One block's hash and length, as kept in an entry.
pub(super) fn block_hash(text: &[u8]) -> u128 {
    #[cfg(test)]
    BLOCKS_HASHED.with(|hashed| {
        hashed
            .borrow_mut()
            .push((text.as_ptr() as usize, text.len()))
    });
    xxh3_128(text)
}

fn pad(bytes: &mut AlignedVec<ALIGN>) {
    let padded = bytes.len().next_multiple_of(ALIGN);
    bytes.resize(padded, 0);
}

/// Collects the parts of an entry, card by card, and writes it. The cards are written as they
/// come, into the buffer that becomes the entry: its header first (filled in at the end), then
/// the cards, then the other segments.
pub(super) struct Writer {
    meta: Meta,
    bytes: AlignedVec<ALIGN>,
    directory: Vec<CardRef>,
    items: Items,
    sets: HashMap<Vec<String>, u32>,
    /// For the cards copied from an earlier entry: the set of its tag sets (by index) in this
    /// one.
    old_sets: Vec<Option<u32>>,
    pools: Pools,
    blocks: Blocks,
}

impl Writer {
    pub(super) fn new(
        id: &str,
        name: &str,
        description: &str,
        source: &str,
        tags: &[String],
        capacity: usize,
    ) -> Self {
        let mut bytes = AlignedVec::with_capacity(HEADER + capacity);
        bytes.resize(HEADER, 0);
        Writer {
            meta: Meta {
                id: id.to_string(),
                name: name.to_string(),
                description: description.to_string(),
                source: source.to_string(),
                tags: tags.to_vec(),
                cards: 0,
                items: 0,
            },
            bytes,
            directory: Vec::new(),
            items: Items::default(),
            sets: HashMap::new(),
            old_sets: Vec::new(),
            pools: Pools::default(),
            blocks: Blocks::default(),
        }
    }

    fn card_index(&self) -> u32 {
        self.directory.len() as u32
    }

    fn tag_set(&mut self, tags: &[String]) -> u32 {
        if let Some(&at) = self.sets.get(tags) {
            return at;
        }
        let at = self.items.sets.len() as u32;
        self.items.sets.push(tags.to_vec());
        self.sets.insert(tags.to_vec(), at);
        at
    }

    fn item(&mut self, id: &str, slot: ItemSlot, set: u32) {
        self.items.ids.push(id);
        self.items.slots.push(slot);
        self.items.tag_sets.push(set);
    }

    /// Appends a card's archive, with its hash and place in the directory.
    fn archive(&mut self, bytes: &[u8], hash: u64) {
        pad(&mut self.bytes);
        self.directory.push(CardRef {
            offset: (self.bytes.len() - HEADER) as u64,
            len: bytes.len() as u32,
            hash,
        });
        self.bytes.extend_from_slice(bytes);
    }

    /// Adds a card of the deck, the next in order.
    pub(super) fn card(&mut self, card: &Card) -> Result<(), rancor::Error> {
        let index = self.card_index();
        pad(&mut self.bytes);
        let start = self.bytes.len();
        self.bytes = rkyv::api::high::to_bytes_in::<_, rancor::Error>(
            card,
            std::mem::take(&mut self.bytes),
        )?;
        let written = &self.bytes[start..];
        self.directory.push(CardRef {
            offset: (start - HEADER) as u64,
            len: written.len() as u32,
            hash: xxh3_64(written),
        });
        match &card.content {
            Content::Table { rows, .. } => {
                self.items.tables.push(index);
                self.items.table_ids.push(&card.id);
                for (r, row) in rows.iter().enumerate() {
                    let mut tags = row.tags.clone();
                    for t in &card.tags {
                        if !tags.contains(t) {
                            tags.push(t.clone());
                        }
                    }
                    let set = self.tag_set(&tags);
                    let slot = ItemSlot {
                        card: index,
                        row: r as u32,
                    };
                    self.item(&row_id(&card.id, &row.id), slot, set);
                }
            }
            _ => {
                let set = self.tag_set(&card.tags);
                let slot = ItemSlot {
                    card: index,
                    row: NO_ROW,
                };
                self.item(&card.id, slot, set);
            }
        }
        match &card.content {
            Content::Card { answer, .. } => {
                let tags = card.tags.iter().map(String::as_str);
                self.pools.answer(index, answer, tags);
            }
            Content::Term {
                term,
                definition,
                exclusive,
                includes,
                ..
            } => {
                let normalized = crate::quiz::normalize(term);
                let includes = includes.iter().map(String::as_str);
                let texts = (term.as_str(), normalized.as_str(), definition.as_str());
                self.pools.term(index, texts, *exclusive, includes);
            }
            _ => {}
        }
        Ok(())
    }

    /// Adds card `index` of an earlier entry, unchanged: its archive is copied as it is (once
    /// its hash is checked, so that damage is never carried into a new entry).
    pub(super) fn kept(&mut self, old: &CachedDeck, index: u32, found: &OldIndex) -> Option<()> {
        let new = self.card_index();
        let (reference, bytes) = old.card_bytes(index)?;
        self.archive(bytes, reference.hash);
        let items = old.view_items()?;
        if self.old_sets.is_empty() {
            self.old_sets = vec![None; items.sets.len()];
        }
        for item in found.items_of(index) {
            let slot = items.slots.get(item)?;
            let old_set = items.tag_sets.get(item)?.to_native() as usize;
            let set = match *self.old_sets.get(old_set)? {
                Some(set) => set,
                None => {
                    let tags: Vec<String> = items
                        .sets
                        .get(old_set)?
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect();
                    let set = self.tag_set(&tags);
                    self.old_sets[old_set] = Some(set);
                    set
                }
            };
            let row = slot.row.to_native();
            self.item(items.ids.get(item), ItemSlot { card: new, row }, set);
        }
        if let Some(at) = found.table_of(index) {
            self.items.tables.push(new);
            self.items.table_ids.push(items.table_ids.get(at));
        }
        let pools = old.view_pools()?;
        if let Some(at) = found.answer_of(index) {
            let a = pools.answers.get(at)?;
            let text = pools.texts.get(a.text.to_native() as usize);
            self.pools.answer(new, text, pools.list(&a.tags).iter());
        }
        if let Some(at) = found.term_of(index) {
            let t = pools.terms.get(at)?;
            let text = |i: &rkyv::primitive::ArchivedU32| pools.texts.get(i.to_native() as usize);
            let texts = (text(&t.term), text(&t.normalized), text(&t.definition));
            self.pools
                .term(new, texts, t.exclusive, pools.list(&t.includes).iter());
        }
        Some(())
    }

    /// Records the next block of the deck file, which holds the last `cards` cards added.
    pub(super) fn block(&mut self, hash: u128, len: usize, kind: u8, cards: u32) {
        self.blocks.blocks.push(BlockEntry {
            hash,
            len: len as u64,
            kind,
            first: self.card_index() - cards,
            cards,
        });
    }

    /// Forgets the blocks: the entry is used as it is, but any edit parses the file again.
    pub(super) fn without_blocks(&mut self) {
        self.blocks.blocks.clear();
    }

    /// Whether every term named in `includes` is another term of the deck.
    pub(super) fn includes_are_terms(&self) -> bool {
        let pools = &self.pools;
        let text = |i: u32| pools.texts.get(i as usize);
        let terms: std::collections::HashSet<&str> =
            pools.terms.iter().map(|t| text(t.normalized)).collect();
        pools.terms.iter().all(|t| {
            let start = t.includes.start as usize;
            pools.lists[start..start + t.includes.len as usize]
                .iter()
                .all(|&included| {
                    let norm = crate::quiz::normalize(text(included));
                    norm != text(t.normalized) && terms.contains(norm.as_str())
                })
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.directory.is_empty()
    }

    /// The review ids by hash, sorted; `None` when two cards (or rows) share an id.
    fn ids_by_hash(&self) -> Option<Vec<Hashed>> {
        let ids = &self.items.ids;
        let mut by_hash: Vec<Hashed> = (0..ids.len())
            .map(|i| Hashed {
                hash: xxh3_64(ids.get(i).as_bytes()),
                item: i as u32,
            })
            .collect();
        by_hash.sort_unstable_by_key(|h| (h.hash, h.item));
        let same = |a: &Hashed, b: &Hashed| {
            a.hash == b.hash && ids.get(a.item as usize) == ids.get(b.item as usize)
        };
        if by_hash.windows(2).any(|w| same(&w[0], &w[1])) {
            return None;
        }
        // A table's own id is no review id, but no card may have it either.
        let tables = &self.items.table_ids;
        let mut table_hashes: Vec<(u64, usize)> = (0..tables.len())
            .map(|i| (xxh3_64(tables.get(i).as_bytes()), i))
            .collect();
        table_hashes.sort_unstable();
        let clash = table_hashes
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && tables.get(w[0].1) == tables.get(w[1].1))
            || table_hashes.iter().any(|&(hash, i)| {
                let first = by_hash.partition_point(|h| h.hash < hash);
                by_hash[first..]
                    .iter()
                    .take_while(|h| h.hash == hash)
                    .any(|h| ids.get(h.item as usize) == tables.get(i))
            });
        (!clash).then_some(by_hash)
    }

    /// The entry's bytes; `None` when two cards share an id (which only an entry brought up to
    /// date can find: a parsed deck was checked).
    pub(super) fn finish(mut self, key: Key) -> Option<AlignedVec<ALIGN>> {
        self.meta.cards = self.directory.len() as u32;
        self.meta.items = self.items.slots.len() as u32;
        self.items.by_hash = self.ids_by_hash()?;

        let mut places = [(0usize, 0usize); SEGMENTS];
        places[CARDS] = (HEADER, self.bytes.len() - HEADER);
        let mut bytes = self.bytes;
        use rkyv::api::high::to_bytes_in;
        type E = rancor::Error;
        places[META] = append(&mut bytes, |b| to_bytes_in::<_, E>(&self.meta, b))?;
        places[ITEMS] = append(&mut bytes, |b| to_bytes_in::<_, E>(&self.items, b))?;
        places[POOLS] = append(&mut bytes, |b| to_bytes_in::<_, E>(&self.pools, b))?;
        places[DIRECTORY] = append(&mut bytes, |b| to_bytes_in::<_, E>(&self.directory, b))?;
        places[BLOCKS] = append(&mut bytes, |b| to_bytes_in::<_, E>(&self.blocks, b))?;

        bytes[..8].copy_from_slice(MAGIC);
        bytes[8..16].copy_from_slice(&key.build.to_le_bytes());
        bytes[16..24].copy_from_slice(&key.source_len.to_le_bytes());
        bytes[24..40].copy_from_slice(&key.source_hash.to_le_bytes());
        for (i, (offset, len)) in places.into_iter().enumerate() {
            // The cards are checked one by one, each with its own hash in the directory.
            let hash = if i == CARDS {
                0
            } else {
                xxh3_64(&bytes[offset..offset + len])
            };
            let at = TABLE_AT + i * 24;
            bytes[at..at + 8].copy_from_slice(&(offset as u64).to_le_bytes());
            bytes[at + 8..at + 16].copy_from_slice(&(len as u64).to_le_bytes());
            bytes[at + 16..at + 24].copy_from_slice(&hash.to_le_bytes());
        }
        let header_hash = xxh3_64(&bytes[..HEADER_HASH_AT]);
        bytes[HEADER_HASH_AT..HEADER].copy_from_slice(&header_hash.to_le_bytes());
        Some(bytes)
    }
}

/// Appends a segment (an rkyv archive that `write` adds to the buffer) at the next aligned
/// place; where it is and how long.
fn append(
    bytes: &mut AlignedVec<ALIGN>,
    write: impl FnOnce(AlignedVec<ALIGN>) -> Result<AlignedVec<ALIGN>, rancor::Error>,
) -> Option<(usize, usize)> {
    pad(bytes);
    let start = bytes.len();
    *bytes = write(std::mem::take(bytes)).ok()?;
    Some((start, bytes.len() - start))
}

/// The bytes of an entry: a read-only mapping of its file, or an entry just written.
pub(super) enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(AlignedVec<ALIGN>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(bytes) => bytes,
        }
    }
}

/// A segment's place in the entry.
#[derive(Debug, Clone, Copy)]
struct Segment {
    offset: usize,
    len: usize,
    hash: u64,
}

/// The key an entry's header holds, if it is a whole header of this format.
pub(super) fn key_of(bytes: &[u8]) -> Option<Key> {
    let header = bytes.get(..HEADER)?;
    let u64_at = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    let ok = &header[..8] == MAGIC && xxh3_64(&header[..HEADER_HASH_AT]) == u64_at(HEADER_HASH_AT);
    ok.then(|| Key {
        build: u64_at(8),
        source_len: u64_at(16),
        source_hash: u128::from_le_bytes(header[24..40].try_into().expect("16 bytes")),
    })
}

/// A deck read in place from its cache entry.
///
/// Its header was checked when it was opened; every other part is checked when first read. A
/// part that fails its check (a damaged entry) makes the deck parse its file after all, and
/// every later question is answered from that parse.
pub struct CachedDeck {
    bytes: Bytes,
    segments: [Segment; SEGMENTS],
    /// Whether each segment passed its checks, once it was first read.
    checked: [OnceCell<bool>; SEGMENTS],
    id: String,
    name: String,
    description: String,
    source: String,
    tags: Vec<String>,
    origin: Origin,
    items: usize,
    cards: Vec<OnceCell<Box<Card>>>,
    /// The deck parsed from its file, when a part of the entry turned out damaged.
    parsed: OnceCell<Option<Deck>>,
    /// Parses the deck file when the entry is damaged (and writes a new entry).
    reparse: Box<dyn Fn() -> Option<Deck>>,
}

impl std::fmt::Debug for CachedDeck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedDeck")
            .field("id", &self.id)
            .field("origin", &self.origin)
            .field("cards", &self.cards.len())
            .finish_non_exhaustive()
    }
}

impl CachedDeck {
    /// The deck of an entry whose header matches `key`, if its header and its meta segment are
    /// intact. `reparse` gives the deck from its file, should another part be damaged.
    pub(super) fn open(
        bytes: Bytes,
        key: Key,
        path: PathBuf,
        reparse: Box<dyn Fn() -> Option<Deck>>,
    ) -> Option<CachedDeck> {
        if key_of(&bytes)? != key {
            return None;
        }
        let mut segments = [Segment {
            offset: 0,
            len: 0,
            hash: 0,
        }; SEGMENTS];
        for (i, segment) in segments.iter_mut().enumerate() {
            let at = TABLE_AT + i * 24;
            let u64_at =
                |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
            let offset = usize::try_from(u64_at(at)).ok()?;
            let len = usize::try_from(u64_at(at + 8)).ok()?;
            let end = offset.checked_add(len)?;
            if offset < HEADER || offset % ALIGN != 0 || end > bytes.len() {
                return None;
            }
            *segment = Segment {
                offset,
                len,
                hash: u64_at(at + 16),
            };
        }
        let mut deck = CachedDeck {
            bytes,
            segments,
            checked: Default::default(),
            id: String::new(),
            name: String::new(),
            description: String::new(),
            source: String::new(),
            tags: Vec::new(),
            origin: Origin::File(path),
            items: 0,
            cards: Vec::new(),
            parsed: OnceCell::new(),
            reparse,
        };
        let meta = deck.view::<ArchivedMeta>(META)?;
        let (id, name, description, source) = (
            meta.id.to_string(),
            meta.name.to_string(),
            meta.description.to_string(),
            meta.source.to_string(),
        );
        let tags = meta.tags.iter().map(|t| t.to_string()).collect();
        let (cards, items) = (meta.cards.to_native(), meta.items.to_native());
        deck.id = id;
        deck.name = name;
        deck.description = description;
        deck.source = source;
        deck.tags = tags;
        deck.items = items as usize;
        deck.cards = (0..cards).map(|_| OnceCell::new()).collect();
        Some(deck)
    }

    fn segment(&self, i: usize) -> &[u8] {
        let s = self.segments[i];
        &self.bytes[s.offset..s.offset + s.len]
    }

    /// The archived value of segment `i`, checked the first time it is asked for.
    fn view<T>(&self, i: usize) -> Option<&T>
    where
        T: rkyv::Portable
            + for<'a> rkyv::bytecheck::CheckBytes<rkyv::api::high::HighValidator<'a, rancor::Error>>,
    {
        let bytes = self.segment(i);
        let ok = *self.checked[i].get_or_init(|| {
            xxh3_64(bytes) == self.segments[i].hash
                && rkyv::access::<T, rancor::Error>(bytes).is_ok()
        });
        if !ok {
            return None;
        }
        // SAFETY: `rkyv::access` checked these bytes as a `T` when the segment was first read
        // (segment `i` is always read as the same type), and they have not changed since: they
        // are an owned buffer, or a read-only mapping of a file that pmquiz never writes to (a
        // new entry is written to a new file and renamed over the old one).
        Some(unsafe { rkyv::access_unchecked::<T>(bytes) })
    }

    pub(super) fn view_items(&self) -> Option<&ArchivedItems> {
        self.view::<ArchivedItems>(ITEMS)
    }

    pub(super) fn view_pools(&self) -> Option<&ArchivedPools> {
        self.view::<ArchivedPools>(POOLS)
    }

    pub(super) fn view_blocks(&self) -> Option<&ArchivedBlocks> {
        self.view::<ArchivedBlocks>(BLOCKS)
    }

    /// The directory entry and the archive of card `index`, if its hash matches.
    pub(super) fn card_bytes(&self, index: u32) -> Option<(CardRef, &[u8])> {
        let directory = self.view::<rkyv::vec::ArchivedVec<ArchivedCardRef>>(DIRECTORY)?;
        let r = directory.get(index as usize)?;
        let reference = CardRef {
            offset: r.offset.to_native(),
            len: r.len.to_native(),
            hash: r.hash.to_native(),
        };
        let start = usize::try_from(reference.offset).ok()?;
        let bytes = self
            .segment(CARDS)
            .get(start..start.checked_add(reference.len as usize)?)?;
        (start % ALIGN == 0 && xxh3_64(bytes) == reference.hash).then_some((reference, bytes))
    }

    fn read_card(&self, index: u32) -> Option<Card> {
        let (_, bytes) = self.card_bytes(index)?;
        let archived = rkyv::access::<ArchivedCard, rancor::Error>(bytes).ok()?;
        rkyv::deserialize::<Card, rancor::Error>(archived).ok()
    }

    /// The deck parsed from its file, once a part of the entry was found damaged.
    fn fallen_back(&self) -> Option<&Deck> {
        self.parsed.get().and_then(Option::as_ref)
    }

    /// Parses the deck file: a part of the entry is damaged.
    fn fall_back(&self) -> Option<&Deck> {
        self.parsed.get_or_init(|| (self.reparse)()).as_ref()
    }

    /// The size of the cards' archives, all together.
    pub(super) fn cards_size(&self) -> usize {
        self.segments[CARDS].len
    }

    /// How many cards the entry holds.
    pub(super) fn card_total(&self) -> u32 {
        self.cards.len() as u32
    }

    pub(super) fn header(&self) -> (&str, &str, &str, &str, &[String]) {
        (
            &self.id,
            &self.name,
            &self.description,
            &self.source,
            &self.tags,
        )
    }
}

/// Where the parts of each card of an earlier entry are, for copying them into a new one.
pub(super) struct OldIndex {
    /// The first item of each card, and one past the last card's items.
    first_item: Vec<u32>,
    /// For each card, its place among the tables, answers and terms, if it has one.
    table: Vec<u32>,
    answer: Vec<u32>,
    term: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl OldIndex {
    pub(super) fn new(old: &CachedDeck) -> Option<OldIndex> {
        let items = old.view_items()?;
        let pools = old.view_pools()?;
        let cards = old.card_total() as usize;
        let mut first_item = vec![0u32; cards + 1];
        for slot in items.slots.iter() {
            *first_item.get_mut(slot.card.to_native() as usize + 1)? += 1;
        }
        for c in 0..cards {
            first_item[c + 1] += first_item[c];
        }
        // Items are in card order: check it, since copying relies on it.
        let in_order = items.slots.iter().enumerate().all(|(i, s)| {
            let c = s.card.to_native() as usize;
            (first_item[c] as usize..first_item[c + 1] as usize).contains(&i)
        });
        if !in_order {
            return None;
        }
        let by_card = |owners: &mut dyn Iterator<Item = u32>| -> Option<Vec<u32>> {
            let mut at = vec![NONE; cards];
            for (i, card) in owners.enumerate() {
                *at.get_mut(card as usize)? = i as u32;
            }
            Some(at)
        };
        Some(OldIndex {
            first_item,
            table: by_card(&mut items.tables.iter().map(|t| t.to_native()))?,
            answer: by_card(&mut pools.answers.iter().map(|a| a.card.to_native()))?,
            term: by_card(&mut pools.terms.iter().map(|t| t.card.to_native()))?,
        })
    }

    fn items_of(&self, card: u32) -> std::ops::Range<usize> {
        let c = card as usize;
        self.first_item[c] as usize..self.first_item[c + 1] as usize
    }

    fn place(list: &[u32], card: u32) -> Option<usize> {
        list.get(card as usize)
            .filter(|&&at| at != NONE)
            .map(|&at| at as usize)
    }

    fn table_of(&self, card: u32) -> Option<usize> {
        Self::place(&self.table, card)
    }

    fn answer_of(&self, card: u32) -> Option<usize> {
        Self::place(&self.answer, card)
    }

    fn term_of(&self, card: u32) -> Option<usize> {
        Self::place(&self.term, card)
    }
}

impl DeckSource for CachedDeck {
    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn origin(&self) -> &Origin {
        &self.origin
    }

    fn card_count(&self) -> usize {
        match self.fallen_back() {
            Some(deck) => deck.card_count(),
            None => self.items,
        }
    }

    fn slots(&self, tags: &[String]) -> Vec<Slot> {
        if let Some(deck) = self.fallen_back() {
            return deck.slots(tags);
        }
        let Some(items) = self.view_items() else {
            return self.fall_back().map_or_else(Vec::new, |d| d.slots(tags));
        };
        let wanted: Vec<bool> = items
            .sets
            .iter()
            .map(|set| tags.is_empty() || set.iter().any(|t| tags.iter().any(|w| w == t.as_str())))
            .collect();
        items
            .slots
            .iter()
            .zip(items.tag_sets.iter())
            .filter(|(_, set)| wanted.get(set.to_native() as usize) == Some(&true))
            .map(|(slot, _)| Slot {
                card: slot.card.to_native(),
                row: match slot.row.to_native() {
                    NO_ROW => None,
                    row => Some(row),
                },
            })
            .collect()
    }

    fn find(&self, review_ids: &[&str]) -> Vec<Option<Slot>> {
        if let Some(deck) = self.fallen_back() {
            return deck.find(review_ids);
        }
        let Some(items) = self.view_items() else {
            return self
                .fall_back()
                .map_or_else(|| vec![None; review_ids.len()], |d| d.find(review_ids));
        };
        let by_hash = items.by_hash.as_slice();
        review_ids
            .iter()
            .map(|id| {
                let hash = xxh3_64(id.as_bytes());
                let first = by_hash.partition_point(|h| h.hash.to_native() < hash);
                by_hash[first..]
                    .iter()
                    .take_while(|h| h.hash.to_native() == hash)
                    .map(|h| h.item.to_native() as usize)
                    .find(|&i| items.ids.get(i) == *id)
                    .and_then(|i| items.slots.get(i))
                    .map(|slot| Slot {
                        card: slot.card.to_native(),
                        row: match slot.row.to_native() {
                            NO_ROW => None,
                            row => Some(row),
                        },
                    })
            })
            .collect()
    }

    fn card(&self, index: u32) -> Option<&Card> {
        if let Some(deck) = self.fallen_back() {
            return deck.cards.get(index as usize);
        }
        let cell = self.cards.get(index as usize)?;
        if let Some(card) = cell.get() {
            return Some(card);
        }
        match self.read_card(index) {
            Some(card) => Some(cell.get_or_init(|| Box::new(card))),
            None => self.fall_back()?.cards.get(index as usize),
        }
    }

    fn review_ids(&self) -> Vec<Cow<'_, str>> {
        if let Some(deck) = self.fallen_back() {
            return DeckSource::review_ids(deck);
        }
        match self.view_items() {
            Some(items) => (0..items.ids.len())
                .map(|i| Cow::Borrowed(items.ids.get(i)))
                .collect(),
            None => self
                .fall_back()
                .map_or_else(Vec::new, DeckSource::review_ids),
        }
    }

    fn answers(&self) -> Vec<crate::deck::Answer<'_>> {
        if let Some(deck) = self.fallen_back() {
            return deck.answers();
        }
        match self.view_pools() {
            Some(pools) => pools
                .answers
                .iter()
                .map(|a| crate::deck::Answer {
                    text: pools.texts.get(a.text.to_native() as usize),
                    tags: pools.list(&a.tags),
                })
                .collect(),
            None => self.fall_back().map_or_else(Vec::new, |d| d.answers()),
        }
    }

    fn terms(&self) -> Vec<crate::deck::Term<'_>> {
        if let Some(deck) = self.fallen_back() {
            return deck.terms();
        }
        match self.view_pools() {
            Some(pools) => pools
                .terms
                .iter()
                .map(|t| {
                    let text =
                        |i: &rkyv::primitive::ArchivedU32| pools.texts.get(i.to_native() as usize);
                    crate::deck::Term {
                        term: text(&t.term),
                        normalized: Some(text(&t.normalized)),
                        definition: text(&t.definition),
                        exclusive: t.exclusive,
                        includes: pools.list(&t.includes),
                    }
                })
                .collect(),
            None => self.fall_back().map_or_else(Vec::new, |d| d.terms()),
        }
    }

    fn to_deck(&self) -> Deck {
        let built: Option<Vec<Card>> = match self.fallen_back() {
            Some(_) => None,
            None => (0..self.card_total())
                .map(|i| match self.cards[i as usize].get() {
                    Some(card) => Some(card.as_ref().clone()),
                    None => self.read_card(i),
                })
                .collect(),
        };
        match built {
            Some(cards) => Deck {
                id: self.id.clone(),
                name: self.name.clone(),
                description: self.description.clone(),
                source: self.source.clone(),
                tags: self.tags.clone(),
                cards,
                origin: self.origin.clone(),
            },
            None => match self.fall_back() {
                Some(deck) => deck.clone(),
                // The entry is damaged and the file no longer loads: what the entry still has.
                None => Deck {
                    id: self.id.clone(),
                    name: self.name.clone(),
                    description: self.description.clone(),
                    source: self.source.clone(),
                    tags: self.tags.clone(),
                    cards: Vec::new(),
                    origin: self.origin.clone(),
                },
            },
        }
    }
}
