//! `pmquiz import`: cards from other tools as pmquiz decks.
//!
//! Each source has its own pure parser that turns the file's content into [`model::Imported`]
//! cards: [`anki`] (note types, fields, clozes) over what [`package`] reads from Anki's zip and
//! SQLite files, [`delimited`] for CSV/TSV, Anki's text export and Quizlet, [`markdown`] for
//! hashcards and Obsidian; [`history`] turns Anki's review log into answers. [`plan`] groups the cards into deck files and checks each with the
//! deck loader, so that what is written is a deck `pmquiz check` accepts; [`output`] writes the
//! files, [`report`] says what happened.

pub(crate) mod anki;
mod cloze;
pub(crate) mod delimited;
mod detect;
pub(crate) mod history;
mod html;
pub(crate) mod markdown;
pub(crate) mod model;
pub(crate) mod output;
pub(crate) mod package;
pub(crate) mod plan;
mod protobuf;
pub(crate) mod read;
pub(crate) mod report;
