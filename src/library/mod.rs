//! The user's deck library on disk: deck files read and validated, found in the deck folders,
//! and kept in a cache of validated large decks. This is the I/O edge of [`crate::deck`], which
//! only models and parses.

mod cache;
mod discover;
mod file;
mod open;

pub use cache::{CachedDeck, DeckCache};
pub(crate) use discover::{DeckEntry, deck_dirs, is_path, list_decks, resolve, same_ids, usable};
pub use file::{LoadError, load_file};
pub use open::OpenDeck;
