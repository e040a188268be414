//! Decks: the model, parsing TOML with positions, validation and the built-in decks. Pure code:
//! reading deck files, finding them and caching them is [`crate::library`]'s work.

mod builtin;
mod id;
mod load;
mod model;
mod source;
mod strings;
mod syntax;
mod write;

pub use builtin::builtin_decks;
pub(crate) use builtin::builtin_ids;
pub use id::derived_id;
pub(crate) use id::legacy_renames;
#[cfg(test)]
pub(crate) use load::BLOCK_PARSES;
pub(crate) use load::parse_whole;
pub(crate) use load::{
    BlockKind, card_lines, parse_by_blocks, parse_card_blocks, plural, slug, split_region,
};
pub use load::{deck_id_span, parse_deck};
pub use model::{
    ArchivedCard, ArchivedContent, ArchivedRow, Card, Cloze, Content, Deck, Origin, Row, Segment,
};
pub use source::{Answer, DeckSource, Slot, Strs, Term, packed, row_id};
pub(crate) use write::{DeckFile, FileCard, cloze_source, to_toml};
