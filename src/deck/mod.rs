//! Decks: the model, loading TOML with positions, validation, the built-in decks and discovery of
//! the user's own.

mod builtin;
mod cache;
mod discover;
mod id;
mod load;
mod model;

pub use builtin::{BUILTIN, builtin_decks};
pub use cache::DeckCache;
pub use discover::{DeckEntry, DeckSource, LoadError, deck_dirs, list_decks, load_file, resolve};
pub use id::derived_id;
pub use load::{parse_deck, plural, slug};
pub use model::{Card, Cloze, Content, Deck, Origin, Row, Segment};
