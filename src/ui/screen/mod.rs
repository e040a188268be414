//! The full-screen study view of `run` and `review` in a real terminal: the state
//! ([`View`]), the keys ([`keys`]), the pure drawing function ([`draw()`]), and at the edge the
//! terminal guard and event loop.

mod draw;
pub(crate) mod keys;
mod line;
mod text;
mod view;

pub(crate) use draw::{MIN_HEIGHT, MIN_WIDTH, draw, fit};
pub(crate) use keys::Key;
pub(crate) use line::LineEditor;
pub(crate) use view::{Counts, Feedback, Intent, Overlay, Stage, View, interval};

#[cfg(test)]
mod tests;
