//! Questions: their kinds, the seeded generator that turns cards into questions, answer
//! checking, and the text matching both rely on.

mod answer;
mod build;
mod generate;
mod item;
mod pools;
mod question;
mod text;

pub(crate) use answer::contains_keyword;
pub use answer::{Grade, Note, Outcome, Response, Verdict, check};
pub use generate::{Filter, available_questions, generate, generate_for};
pub use question::{Body, Kind, Question};
pub(crate) use text::list_items;
#[cfg(test)]
pub(crate) use text::{Folded, reads_as_list, shape, word_count};
pub use text::{normalize, normalize_accented};
