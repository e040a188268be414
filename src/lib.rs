pub mod schedule;
pub mod stats;
pub mod store;
