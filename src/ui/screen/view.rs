//! The study screen's state: what is on screen and why, and how a key changes it. No terminal
//! types here; the event loop turns key presses into calls of [`View::press`] and draws the
//! result with [`super::draw`].

use super::keys::{self, Action, Context, Key, Place};
use super::line::LineEditor;
use crate::quiz::{Body, Grade, Kind, Note, Question, Response, Verdict};
use crate::session::{Mode, Progress};
use std::time::Duration;

/// Cards still to do in a review, by where they stand in their schedule (as Anki counts them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) new: usize,
    pub(crate) learning: usize,
    pub(crate) review: usize,
}

/// What the learner is doing with the current question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stage {
    /// Choosing among options (multiple choice, or True/False), with one highlighted.
    Choice {
        selected: usize,
    },
    /// Writing a typed or fill-in answer.
    Typing(LineEditor),
    /// A flashcard's front.
    Front,
    /// A flashcard's back, waiting for a grade.
    Back,
    Feedback(Feedback),
}

/// How an answer was judged, as shown after it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Feedback {
    pub(crate) verdict: Verdict,
    pub(crate) given: String,
    pub(crate) grade: Option<Grade>,
    /// The option answered (multiple choice; True = 0 and False = 1 for true/false).
    pub(crate) chosen: Option<usize>,
    /// When the card comes back, if the answer was recorded: `10m`, `2d`.
    pub(crate) next: Option<String>,
    /// The learner overrode a wrong verdict.
    pub(crate) overridden: bool,
    /// What the check adds: the right spelling, or what was missing.
    pub(crate) note: Option<Note>,
}

/// A box drawn over the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overlay {
    Help,
    ConfirmQuit,
}

/// What the screen asks of the session after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intent {
    Answer(Response),
    /// Feedback read: on to the next question.
    Continue,
    Undo,
    Override,
    Edit,
    Skip,
    /// The learner confirmed ending the session.
    Quit,
    /// Ctrl-C.
    Interrupt,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct View {
    /// The decks studied, for the header.
    pub(crate) decks: String,
    pub(crate) mode: Mode,
    pub(crate) progress: Progress,
    pub(crate) elapsed: Duration,
    /// Review counts (`pmquiz review` only).
    pub(crate) counts: Option<Counts>,
    pub(crate) question: Question,
    pub(crate) stage: Stage,
    /// First line of the question area shown.
    pub(crate) scroll: usize,
    /// Lines the question area showed when last drawn (a page, for PageUp/PageDown).
    pub(crate) page: usize,
    pub(crate) overlay: Option<Overlay>,
    /// A one-line message: what was undone, why an edit was not taken.
    pub(crate) notice: Option<String>,
    /// The next interval for each grade (Again, Hard, Good, Easy), when answers are recorded.
    pub(crate) intervals: Option<[String; 4]>,
    /// There is an answer to undo.
    pub(crate) can_undo: bool,
    pub(crate) color: bool,
    /// Answers typed earlier in the session, oldest first.
    pub(crate) earlier: Vec<String>,
}

impl View {
    pub(crate) fn new(decks: String, mode: Mode, question: Question, progress: Progress) -> Self {
        View {
            decks,
            mode,
            progress,
            elapsed: Duration::ZERO,
            counts: None,
            stage: first_stage(&question),
            question,
            scroll: 0,
            page: 1,
            overlay: None,
            notice: None,
            intervals: None,
            can_undo: false,
            color: true,
            earlier: Vec::new(),
        }
    }

    /// Shows a new question, keeping the session-wide parts of the view.
    pub(crate) fn ask(&mut self, question: Question, progress: Progress) {
        self.stage = first_stage(&question);
        self.question = question;
        self.progress = progress;
        self.scroll = 0;
        self.overlay = None;
        self.intervals = None;
    }

    /// Shows how the answer just given was judged.
    pub(crate) fn show_feedback(&mut self, feedback: Feedback, progress: Progress) {
        if matches!(self.stage, Stage::Typing(_))
            && !feedback.given.is_empty()
            && self.earlier.last() != Some(&feedback.given)
        {
            self.earlier.push(feedback.given.clone());
        }
        self.stage = Stage::Feedback(feedback);
        self.progress = progress;
        self.scroll = 0;
    }

    /// Where the learner is, for the key table.
    pub(crate) fn place(&self) -> Place {
        match (&self.stage, &self.question.body) {
            (Stage::Feedback(_), _) => Place::Feedback,
            (Stage::Front, _) => Place::Front,
            (Stage::Back, _) => Place::Back,
            (Stage::Typing(_), _) => Place::Typing,
            (Stage::Choice { .. }, Body::TrueFalse { .. }) => Place::TrueFalse,
            (Stage::Choice { .. }, _) => Place::Choice,
        }
    }

    pub(crate) fn context(&self) -> Context {
        Context {
            options: match (&self.stage, &self.question.body) {
                (Stage::Choice { .. }, Body::Choice { options, .. }) => options.len(),
                _ => 0,
            },
            can_override: self.can_override(),
            can_undo: self.can_undo,
        }
    }

    /// A wrong typed or fill-in answer can be counted as right.
    pub(crate) fn can_override(&self) -> bool {
        matches!(&self.stage, Stage::Feedback(f) if f.verdict == Verdict::Wrong && !f.overridden)
            && matches!(self.question.kind, Kind::Typed | Kind::Blank)
    }

    /// How many options the question shows (True and False for true/false).
    pub(crate) fn option_count(&self) -> usize {
        match &self.question.body {
            Body::Choice { options, .. } => options.len(),
            Body::TrueFalse { .. } => 2,
            _ => 0,
        }
    }

    /// Handles a key press; returns what the session should do, if anything.
    pub(crate) fn press(&mut self, key: Key) -> Option<Intent> {
        match self.overlay {
            Some(Overlay::Help) => {
                self.overlay = None;
                return (key == Key::Ctrl('c')).then_some(Intent::Interrupt);
            }
            Some(Overlay::ConfirmQuit) => {
                self.overlay = None;
                return match key {
                    Key::Char('y' | 'Y') => Some(Intent::Quit),
                    Key::Ctrl('c') => Some(Intent::Interrupt),
                    _ => None,
                };
            }
            None => {}
        }
        let action = keys::action(self.place(), key, self.context())?;
        if action != Action::Undo {
            self.notice = None;
        }
        match action {
            Action::Pick(i) => Some(Intent::Answer(Response::Choice(i))),
            Action::Bool(b) => Some(Intent::Answer(Response::Bool(b))),
            Action::Prev | Action::Next => {
                let n = self.option_count();
                if let Stage::Choice { selected } = &mut self.stage {
                    *selected = if action == Action::Prev {
                        (*selected + n - 1) % n
                    } else {
                        (*selected + 1) % n
                    };
                }
                None
            }
            Action::Confirm => match (&self.stage, &self.question.body) {
                (Stage::Choice { selected }, Body::TrueFalse { .. }) => {
                    Some(Intent::Answer(Response::Bool(*selected == 0)))
                }
                (Stage::Choice { selected }, _) => {
                    Some(Intent::Answer(Response::Choice(*selected)))
                }
                (Stage::Typing(line), _) => {
                    Some(Intent::Answer(Response::Text(line.text().to_string())))
                }
                _ => None,
            },
            Action::Line(op) => {
                if let Stage::Typing(line) = &mut self.stage {
                    line.apply(op, &self.earlier);
                }
                None
            }
            Action::Reveal => {
                self.stage = Stage::Back;
                None
            }
            Action::Grade(g) => Some(Intent::Answer(Response::Grade(g))),
            Action::Continue => Some(Intent::Continue),
            Action::Undo if !self.can_undo => {
                self.notice = Some("Nothing to undo yet.".to_string());
                None
            }
            Action::Undo => Some(Intent::Undo),
            Action::Override => Some(Intent::Override),
            Action::Edit => Some(Intent::Edit),
            Action::Skip => Some(Intent::Skip),
            Action::Help => {
                self.overlay = Some(Overlay::Help);
                None
            }
            Action::Quit => {
                self.overlay = Some(Overlay::ConfirmQuit);
                None
            }
            Action::Interrupt => Some(Intent::Interrupt),
            Action::ScrollUp => {
                self.scroll_by(-(self.page.max(2) as isize - 1));
                None
            }
            Action::ScrollDown => {
                self.scroll_by(self.page.max(2) as isize - 1);
                None
            }
        }
    }

    /// Scrolls the question area by `lines` (the mouse wheel, PageUp/PageDown); drawing keeps
    /// the offset within the text.
    pub(crate) fn scroll_by(&mut self, lines: isize) {
        self.scroll = self.scroll.saturating_add_signed(lines);
    }
}

fn first_stage(question: &Question) -> Stage {
    match question.body {
        Body::Choice { .. } | Body::TrueFalse { .. } => Stage::Choice { selected: 0 },
        Body::Typed { .. } | Body::Blank { .. } => Stage::Typing(LineEditor::default()),
        Body::Flash { .. } => Stage::Front,
    }
}

/// A time span as Anki shows intervals: `<1m`, `10m`, `3h`, `2d`, `5mo`, `1.5y`.
pub(crate) fn interval(d: Duration) -> String {
    let secs = d.as_secs();
    let minutes = secs / 60;
    let hours = minutes / 60;
    let days = hours / 24;
    if minutes < 1 {
        "<1m".to_string()
    } else if hours < 1 {
        format!("{minutes}m")
    } else if days < 1 {
        format!("{hours}h")
    } else if days < 31 {
        format!("{days}d")
    } else if days < 365 {
        format!("{}mo", (days as f64 / 30.4).round() as u64)
    } else {
        let years = days as f64 / 365.25;
        format!("{years:.1}y").replace(".0y", "y")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::Body;

    pub(crate) fn question(body: Body, kind: Kind) -> Question {
        Question {
            deck_id: "faq".into(),
            card_id: "c1".into(),
            kind,
            prompt: "What does production management plan?".into(),
            body,
            explain: None,
            tags: vec![],
        }
    }

    fn progress() -> Progress {
        Progress {
            number: 1,
            total: 3,
            answered: 0,
            correct: 0,
            retry: false,
            remaining: 3,
            show_score: true,
        }
    }

    fn view(body: Body, kind: Kind) -> View {
        View::new(
            "faq".into(),
            Mode::Practice,
            question(body, kind),
            progress(),
        )
    }

    fn choice() -> Body {
        Body::Choice {
            options: vec!["a".into(), "b".into(), "c".into()],
            correct: 1,
        }
    }

    #[test]
    fn one_key_answers_a_multiple_choice_question() {
        let mut v = view(choice(), Kind::Mcq);
        assert_eq!(
            v.press(Key::Char('2')),
            Some(Intent::Answer(Response::Choice(1)))
        );
        assert_eq!(
            v.press(Key::Char('c')),
            Some(Intent::Answer(Response::Choice(2)))
        );
        // Arrows wrap around and Enter answers with the highlighted option.
        assert_eq!(v.press(Key::Up), None);
        assert_eq!(v.stage, Stage::Choice { selected: 2 });
        assert_eq!(
            v.press(Key::Enter),
            Some(Intent::Answer(Response::Choice(2)))
        );
    }

    #[test]
    fn a_flashcard_graded_good_takes_two_keys() {
        let mut v = view(
            Body::Flash {
                back: "The making of goods".into(),
            },
            Kind::Flash,
        );
        assert_eq!(v.press(Key::Char(' ')), None);
        assert_eq!(v.stage, Stage::Back);
        assert_eq!(
            v.press(Key::Char(' ')),
            Some(Intent::Answer(Response::Grade(Grade::Good)))
        );
    }

    #[test]
    fn typed_answers_are_edited_then_submitted() {
        let mut v = view(
            Body::Typed {
                accepted: vec!["kpi".into()],
                keywords: Vec::new(),
                list: false,
                rejected: Vec::new(),
            },
            Kind::Typed,
        );
        for c in "kpx".chars() {
            assert_eq!(v.press(Key::Char(c)), None);
        }
        v.press(Key::Backspace);
        v.press(Key::Char('i'));
        assert_eq!(
            v.press(Key::Enter),
            Some(Intent::Answer(Response::Text("kpi".into())))
        );
    }

    #[test]
    fn quitting_asks_first() {
        let mut v = view(choice(), Kind::Mcq);
        assert_eq!(v.press(Key::Char('q')), None);
        assert_eq!(v.overlay, Some(Overlay::ConfirmQuit));
        assert_eq!(v.press(Key::Char('n')), None);
        assert_eq!(v.overlay, None);
        assert_eq!(v.press(Key::Esc), None);
        assert_eq!(v.press(Key::Char('y')), Some(Intent::Quit));
        assert_eq!(v.press(Key::Ctrl('c')), Some(Intent::Interrupt));
    }

    #[test]
    fn undo_says_when_there_is_nothing_to_undo() {
        let mut v = view(choice(), Kind::Mcq);
        assert_eq!(v.press(Key::Char('u')), None);
        assert_eq!(v.notice.as_deref(), Some("Nothing to undo yet."));
        v.can_undo = true;
        assert_eq!(v.press(Key::Char('u')), Some(Intent::Undo));
    }

    #[test]
    fn override_is_offered_after_a_wrong_typed_answer_only() {
        let mut v = view(
            Body::Typed {
                accepted: vec!["kpi".into()],
                keywords: Vec::new(),
                list: false,
                rejected: Vec::new(),
            },
            Kind::Typed,
        );
        let wrong = Feedback {
            verdict: Verdict::Wrong,
            given: "kip".into(),
            grade: None,
            chosen: None,
            next: None,
            overridden: false,
            note: None,
        };
        v.show_feedback(wrong.clone(), progress());
        assert_eq!(v.earlier, ["kip"]);
        assert_eq!(v.press(Key::Char('o')), Some(Intent::Override));
        v.show_feedback(
            Feedback {
                overridden: true,
                ..wrong
            },
            progress(),
        );
        assert_eq!(v.press(Key::Char('o')), Some(Intent::Continue));
    }

    #[test]
    fn intervals_read_like_ankis() {
        assert_eq!(interval(Duration::from_secs(30)), "<1m");
        assert_eq!(interval(Duration::from_secs(600)), "10m");
        assert_eq!(interval(Duration::from_secs(3 * 3600)), "3h");
        assert_eq!(interval(Duration::from_secs(2 * 86400)), "2d");
        assert_eq!(interval(Duration::from_secs(90 * 86400)), "3mo");
        assert_eq!(interval(Duration::from_secs(365 * 86400)), "1y");
        assert_eq!(interval(Duration::from_secs(548 * 86400)), "1.5y");
    }
}
