//! Questions: their kinds, the seeded generator that turns cards into questions, and answer
//! checking.

mod answer;
mod generate;
mod question;

pub use answer::{Grade, Outcome, Response, Verdict, check, normalize};
pub use generate::{Filter, available_questions, generate, generate_for};
pub use question::{Body, Kind, Question};
