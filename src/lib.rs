//! pmquiz library: scheduling, review history and statistics.

pub mod schedule;
pub mod stats;
