//! Front ends: the full-screen study view for a real terminal, the line-by-line reader for
//! scripts (and for terminals the full screen cannot use), and the text rendering of
//! questions, feedback and summaries.

pub(crate) mod render;
pub(crate) mod screen;
mod script;
pub(crate) mod text;

pub(crate) use screen::{Counts, Fullscreen};
pub(crate) use script::Script;

use crate::quiz::{Question, Response};
use crate::session::{Attempt, Progress};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What came back from asking a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Asked {
    Answer(Response),
    /// Skip the question: nothing is recorded.
    Skip,
    /// Undo the last answer (or skip) and ask that question again.
    Undo,
    /// Edit the question's card in the deck file.
    Edit,
    /// The learner ended the session and confirmed it.
    Quit,
    /// End of input: the session ends with the summary of what was answered.
    End,
    /// Ctrl-C.
    Interrupted,
}

/// What the learner did after reading the feedback on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterFeedback {
    Continue,
    Undo,
    /// Count the wrong answer as right.
    Override,
    Edit,
    Quit,
    Interrupted,
}

/// A question to ask, with what the screen shows around it.
pub(crate) struct Ask<'a> {
    pub(crate) question: &'a Question,
    pub(crate) progress: Progress,
    /// Review counts (`pmquiz review`).
    pub(crate) counts: Option<Counts>,
    /// The next interval of each flashcard grade (Again, Hard, Good, Easy), when answers are
    /// recorded.
    pub(crate) intervals: Option<[Duration; 4]>,
    pub(crate) can_undo: bool,
}

/// A way of asking questions and showing feedback.
pub(crate) trait Frontend {
    fn ask(&mut self, ask: &Ask<'_>) -> std::io::Result<Asked>;
    /// Shows how `attempt` was judged; `next` is when the card comes back, if recorded.
    fn feedback(
        &mut self,
        question: &Question,
        attempt: &Attempt,
        progress: Progress,
        next: Option<Duration>,
    ) -> std::io::Result<AfterFeedback>;
    /// A one-line message shown with the next screen.
    fn notice(&mut self, text: String);
    /// Hands the terminal to `run` (an editor) and takes it back afterwards.
    fn outside(&mut self, run: &mut dyn FnMut()) -> std::io::Result<()>;
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler of Ctrl-C (SIGINT), SIGTERM and SIGHUP that lets a session end cleanly:
/// the terminal restored, the summary printed, exit code 130.
pub(crate) fn catch_interrupts() {
    // An error here means a handler is already installed, which is just as good.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C was pressed (or SIGTERM or SIGHUP arrived).
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether colours are on (the terminal takes them and `NO_COLOR` is not set).
pub(crate) fn colors_enabled() -> bool {
    console::colors_enabled()
}

/// The width of the terminal pmquiz draws on, 80 when it draws on none.
pub(crate) fn screen_width() -> usize {
    console::Term::stdout()
        .size_checked()
        .or_else(|| console::Term::stderr().size_checked())
        .map_or(80, |(_, w)| usize::from(w))
}

/// Colours follow the terminal; `NO_COLOR` (non-empty) turns them off.
pub(crate) fn configure_colors() {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
}
