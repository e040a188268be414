//! The full-screen study view of `run` and `review` in a real terminal: the state
//! ([`View`]), the keys ([`keys`]), the pure drawing function ([`draw()`]), and at the edge the
//! terminal guard and event loop.

mod draw;
pub(crate) mod keys;
mod line;
mod tty;
mod view;

use draw::{MIN_WIDTH, draw, fit};
pub(crate) use tty::{Fullscreen, usable};
pub(crate) use view::Counts;

#[cfg(test)]
mod tests;
