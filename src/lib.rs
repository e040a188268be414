//! pmquiz: a terminal quiz and flashcard app.
//!
//! The domain (decks, question generation, sessions, scheduling, statistics) is pure code that
//! takes its randomness, clock and storage as arguments; the terminal front ends and the SQLite
//! history are thin edges around it.

pub mod cli;
pub mod commands;
mod config;
pub mod day;
pub mod deck;
pub mod diagnostic;
pub mod draft;
mod export;
mod import;
pub mod library;
mod optimize;
pub mod quiz;
pub mod schedule;
mod session;
pub mod simulate;
pub mod stats;
pub mod store;
pub mod sync;
mod timing;
mod ui;
