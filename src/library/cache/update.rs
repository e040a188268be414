//! Bringing an entry up to date after its deck file was edited.
//!
//! The entry knows the blocks of the text it was built from (the text between two top-level
//! headers, as the block parser cuts it): their lengths, hashes, and cards. The new text is
//! compared block by block from its start and from its end; the blocks found unchanged keep
//! their cards, copied from the entry as they are. Only the text in between is cut into blocks
//! again, and of those only the ones the entry does not hold are parsed and validated, each on
//! its own. The checks that span the deck then run over the result: ids used once, terms named
//! in `includes` present, at least one card. The result is the entry that parsing the whole new
//! text gives, byte for byte (a property test checks this).
//!
//! Anything this cannot settle gives `None`, and the caller parses the whole file, which also
//! reports every problem: a changed `[deck]` table (every card takes its tags), a second
//! `[deck]`, a block that does not parse or validate on its own, a deck-wide check that fails,
//! text that is not UTF-8.

use super::entry::{
    ArchivedBlockEntry, CARD_BLOCK, CachedDeck, DECK_BLOCK, Key, OldIndex, PREAMBLE, Writer,
    block_hash,
};
use crate::deck::{parse_card_blocks, split_region};
use rkyv::util::AlignedVec;
use std::collections::HashMap;
use std::ops::Range;

/// A block of the new text: one the entry holds (its index there), or one to parse, with its
/// header's name and its hash.
enum Part<'a> {
    Kept(&'a ArchivedBlockEntry),
    New(Range<usize>, Option<&'static str>, u128),
}

/// The entry for the deck text `new`, from `old`, the entry of an earlier text of the same
/// file; `path` names the file in diagnostics.
pub(super) fn update(old: &CachedDeck, new: &[u8], path: &str, key: Key) -> Option<AlignedVec<16>> {
    let blocks = old.view_blocks()?.blocks.as_slice();
    if blocks.is_empty() {
        return None;
    }
    let len = |b: &ArchivedBlockEntry| usize::try_from(b.len.to_native()).ok();
    // Leading blocks whose bytes are unchanged. The last of them is cut again with the text
    // after it: what follows it may no longer start a block.
    let (mut prefix, mut prefix_end) = (0, 0);
    while let Some(block) = blocks.get(prefix) {
        let end = prefix_end + len(block)?;
        match new.get(prefix_end..end) {
            Some(text) if block_hash(text) == block.hash.to_native() => {
                prefix += 1;
                prefix_end = end;
            }
            _ => break,
        }
    }
    let keep = prefix.saturating_sub(1);
    let middle_start: usize = blocks[..keep].iter().map(len).sum::<Option<usize>>()?;
    // Trailing blocks likewise, after the leading ones.
    let (mut suffix, mut suffix_start) = (blocks.len(), new.len());
    while suffix > prefix {
        let block = &blocks[suffix - 1];
        let Some(start) = suffix_start.checked_sub(len(block)?) else {
            break;
        };
        // Text before the first header is a block of its own at the start of a file only.
        let misplaced = block.kind == PREAMBLE && start != 0;
        if misplaced
            || start < prefix_end
            || block_hash(&new[start..suffix_start]) != block.hash.to_native()
        {
            break;
        }
        suffix -= 1;
        suffix_start = start;
    }

    // The text in between, cut again: it must end where a line starts, outside a multi-line
    // string, so that the trailing blocks are cut as before.
    let middle = std::str::from_utf8(&new[middle_start..suffix_start]).ok()?;
    let mut parts: Vec<Part<'_>> = blocks[..keep].iter().map(Part::Kept).collect();
    if !middle.is_empty() {
        let (split, clean) = split_region(middle, middle_start);
        let at_line_start = suffix_start == new.len() || middle.ends_with('\n');
        if suffix < blocks.len() && !(clean && at_line_start) {
            return None;
        }
        // Blocks of the old text between the unchanged ones, by hash: those the middle still
        // holds are kept.
        let known: HashMap<u128, &ArchivedBlockEntry> = blocks[keep..suffix]
            .iter()
            .map(|b| (b.hash.to_native(), b))
            .collect();
        for (range, name) in split {
            let text = &new[range.clone()];
            let hash = block_hash(text);
            let found = known
                .get(&hash)
                .filter(|b| len(b) == Some(text.len()) && b.kind == kind(name));
            parts.push(match found {
                Some(block) => Part::Kept(block),
                None => Part::New(range, name, hash),
            });
        }
    }
    parts.extend(blocks[suffix..].iter().map(Part::Kept));

    // Every card takes the deck's tags: the `[deck]` block must be the one the entry holds.
    let decks = parts.iter().filter(|p| match p {
        Part::Kept(b) => b.kind == DECK_BLOCK,
        Part::New(_, name, _) => *name == Some("deck"),
    });
    if decks.clone().count() != 1 || decks.clone().any(|p| matches!(p, Part::New(..))) {
        return None;
    }

    let (id, name, description, source, tags) = old.header();
    let changed: Vec<(Range<usize>, Option<&str>)> = parts
        .iter()
        .filter_map(|p| match p {
            Part::New(range, name, _) => {
                Some((range.start - middle_start..range.end - middle_start, *name))
            }
            Part::Kept(_) => None,
        })
        .collect();
    let mut parsed = parse_card_blocks(middle, path, &changed, tags)?.into_iter();

    let index = OldIndex::new(old)?;
    let mut writer = Writer::new(id, name, description, source, tags, old.cards_size());
    for part in &parts {
        match part {
            Part::Kept(block) => {
                let first = block.first.to_native();
                let cards = block.cards.to_native();
                for card in first..first.checked_add(cards)? {
                    writer.kept(old, card, &index)?;
                }
                writer.block(block.hash.to_native(), len(block)?, block.kind, cards);
            }
            Part::New(range, name, hash) => {
                let cards = parsed.next()?;
                for card in &cards {
                    writer.card(card).ok()?;
                }
                writer.block(*hash, range.len(), kind(*name), cards.len() as u32);
            }
        }
    }
    if writer.is_empty() || !writer.includes_are_terms() {
        return None;
    }
    writer.finish(key)
}

fn kind(name: Option<&str>) -> u8 {
    match name {
        None => PREAMBLE,
        Some("deck") => DECK_BLOCK,
        Some(_) => CARD_BLOCK,
    }
}
