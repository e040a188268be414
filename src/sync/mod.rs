//! Sync: one learner's history on several devices, through any shared folder.
//!
//! Every change to the history is an [`event::Event`] with a globally unique, time-sortable
//! id and the device that made it. `pmquiz sync DIR` appends this device's new events to its
//! own log, `DIR/pmquiz/DEVICE.log`, a file no other device writes, and reads every other
//! log from where it last stopped ([`folder`]). Logs are sequences of self-checking records
//! ([`format`]), so a file a sync tool is still copying is read up to its last whole record,
//! and a damaged record is reported and skipped. Incoming events are inserted once, by id,
//! and the cards they touch have their schedules computed again from all their events
//! ([`replay`]): devices that have seen the same events have the same schedules, whatever
//! order the events arrived in. `pmquiz history export` and `import` write and read the same
//! format as a backup.
//!
//! [`event`], [`format`] and [`replay`] are pure; [`log_file`] and [`folder`] are the edge that
//! touches files.

pub mod error;
pub mod event;
pub mod folder;
pub mod format;
pub mod log_file;
pub mod replay;

#[cfg(test)]
mod simulation;
