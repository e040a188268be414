//! `pmquiz export`: decks out of pmquiz, as an Anki package (`.apkg`), as CSV or TSV with
//! Anki's headers (Anki's text import takes them as they are), or as Markdown in hashcards'
//! format. [`notes`] decides what each card becomes; [`anki`] and [`text`] are pure;
//! [`package`] writes the SQLite and zip of a package.

pub(crate) mod anki;
pub(crate) mod notes;
pub(crate) mod package;
pub(crate) mod text;
