//! Front ends: the interactive terminal (dialoguer), the scripted line reader, and the text
//! rendering of questions, feedback and summaries that both share.

pub(crate) mod render;
pub(crate) mod screen;
mod script;
mod terminal;

pub(crate) use script::Script;
pub(crate) use terminal::Terminal;

use crate::quiz::{Question, Response};
use crate::session::{Attempt, Progress};
use std::sync::atomic::{AtomicBool, Ordering};

/// What came back from asking a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Asked {
    Answer(Response),
    /// End of input: the session ends with the summary of what was answered.
    End,
    /// Ctrl-C.
    Interrupted,
}

/// A way of asking questions and showing feedback.
pub(crate) trait Frontend {
    fn ask(&mut self, question: &Question, progress: &Progress) -> std::io::Result<Asked>;
    fn feedback(&mut self, question: &Question, attempt: &Attempt) -> std::io::Result<()>;
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler that lets a session end cleanly with its summary.
pub(crate) fn catch_interrupts() {
    // An error here means a handler is already installed, which is just as good.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C was pressed.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Colours follow the terminal; `NO_COLOR` (non-empty) turns them off.
pub(crate) fn configure_colors() {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
}
