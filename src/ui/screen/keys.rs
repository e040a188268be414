//! The study screen's keys, as data: one table of key → action for every place on the screen.
//! The footer's hints and the `?` help are drawn from this table, so they cannot disagree with
//! what the keys do.

use crate::quiz::Grade;

/// A key press, independent of the terminal library that read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Char(char),
    /// A letter with Ctrl held (`Ctrl('c')`).
    Ctrl(char),
    Enter,
    Esc,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    /// A function key, `F(1)` for F1.
    F(u8),
}

/// Where the learner is on the screen: which keys apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A multiple-choice question.
    Choice,
    /// A true/false question.
    TrueFalse,
    /// A typed or fill-in answer being written.
    Typing,
    /// A flashcard's front, before the answer is shown.
    Front,
    /// A flashcard's back, waiting for a grade.
    Back,
    /// Feedback after an answer.
    Feedback,
}

/// Editing the answer line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineOp {
    Insert(char),
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
    /// Delete from the start of the line to the cursor.
    KillStart,
    /// Delete from the cursor to the end of the line.
    KillEnd,
    /// Delete the word before the cursor.
    KillWord,
    /// The session's previous input (Up) or the next one (Down).
    Older,
    Newer,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Answer with the option of this index.
    Pick(usize),
    /// Answer true or false.
    Bool(bool),
    /// Move the highlight up or down.
    Prev,
    Next,
    /// Answer with the highlighted option, or submit the typed line.
    Confirm,
    Line(LineOp),
    Reveal,
    Grade(Grade),
    /// Leave the feedback for the next question.
    Continue,
    Undo,
    Override,
    Edit,
    Skip,
    Help,
    Quit,
    Interrupt,
    ScrollUp,
    ScrollDown,
}

/// What a matcher needs to know besides the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Context {
    /// Options of a multiple-choice question.
    pub(crate) options: usize,
    /// The last answer can be overridden as right.
    pub(crate) can_override: bool,
    /// There is an answer to undo.
    pub(crate) can_undo: bool,
}

/// One line of the key table.
pub(crate) struct Binding {
    /// The keys as shown to people.
    pub(crate) keys: &'static str,
    /// The keys on the answer line, where letters are text (`Ctrl-Z` for `u`).
    pub(crate) typing: Option<&'static str>,
    /// A word or two for the footer.
    pub(crate) name: &'static str,
    /// What the keys do, for the help screen.
    pub(crate) help: &'static str,
    pub(crate) places: &'static [Place],
    /// Shown in the footer (the help lists every binding).
    pub(crate) footer: bool,
    /// Shown first in the footer, whatever its place in the table.
    pub(crate) lead: bool,
    matcher: fn(Key, Place, Context) -> Option<Action>,
}

impl Binding {
    pub(crate) fn applies(&self, place: Place) -> bool {
        self.places.contains(&place)
    }

    /// The keys as the footer shows them here: the Ctrl form on the answer line, and the
    /// option keys as far as the question has options (`1-4 a-d`).
    pub(crate) fn keys_for(&self, place: Place, cx: Context) -> String {
        if self.keys == OPTION_KEYS && (1..9).contains(&cx.options) {
            let last = (b'a' + cx.options as u8 - 1) as char;
            return format!("1-{} a-{last}", cx.options);
        }
        match self.typing {
            Some(typing) if place == Typing => typing.to_string(),
            _ => self.keys.to_string(),
        }
    }

    /// Every key of the binding, for the help (`u Ctrl-Z`).
    pub(crate) fn all_keys(&self) -> String {
        match self.typing {
            Some(typing) => format!("{} {typing}", self.keys),
            None => self.keys.to_string(),
        }
    }
}

const OPTION_KEYS: &str = "1-9 a-i";

use Place::*;

const EVERYWHERE: &[Place] = &[Choice, TrueFalse, Typing, Front, Back, Feedback];

/// Option numbers and letters: `1`-`9`, `a`-`i`, as far as the question has options. A letter
/// that names an option is an answer, not a command.
fn option_key(key: Key, cx: Context) -> Option<usize> {
    let index = match key {
        Key::Char(c @ '1'..='9') => c as usize - '1' as usize,
        Key::Char(c @ 'a'..='i') => c as usize - 'a' as usize,
        _ => return None,
    };
    (index < cx.options).then_some(index)
}

/// A command: its letter, except on the answer line (where letters are text) and where the
/// letter names an option of the question; its Ctrl form everywhere.
fn command(
    key: Key,
    place: Place,
    cx: Context,
    letter: char,
    ctrl: Option<char>,
    action: Action,
) -> Option<Action> {
    match key {
        Key::Char(c) if c == letter && place != Typing && option_key(key, cx).is_none() => {
            Some(action)
        }
        Key::Ctrl(c) if Some(c) == ctrl => Some(action),
        _ => None,
    }
}

/// The key table, in the order the footer and the help show it.
pub(crate) static BINDINGS: &[Binding] = &[
    Binding {
        keys: OPTION_KEYS,
        typing: None,
        name: "answer",
        help: "answer with that option",
        places: &[Choice],
        footer: true,
        lead: false,
        matcher: |k, _, cx| option_key(k, cx).map(Action::Pick),
    },
    Binding {
        keys: "t f",
        typing: None,
        name: "true/false",
        help: "answer true or false at once (also y/n, 1/2)",
        places: &[TrueFalse],
        footer: true,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Char('t' | 'T' | 'y' | 'Y' | '1') => Some(Action::Bool(true)),
            Key::Char('f' | 'F' | 'n' | 'N' | '2') => Some(Action::Bool(false)),
            _ => None,
        },
    },
    Binding {
        keys: "↑↓ Enter",
        typing: None,
        name: "choose",
        help: "highlight an option (j/k), answer",
        places: &[Choice, TrueFalse],
        footer: false,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Up | Key::Char('k') => Some(Action::Prev),
            Key::Down | Key::Char('j') => Some(Action::Next),
            Key::Enter => Some(Action::Confirm),
            _ => None,
        },
    },
    Binding {
        keys: "Space",
        typing: None,
        name: "show answer",
        help: "show the answer (Enter)",
        places: &[Front],
        footer: true,
        lead: false,
        matcher: |k, _, _| matches!(k, Key::Char(' ') | Key::Enter).then_some(Action::Reveal),
    },
    Binding {
        keys: "1-4",
        typing: None,
        name: "grade",
        help: "grade: again, hard, good, easy",
        places: &[Back],
        footer: true,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Char('1') => Some(Action::Grade(Grade::Again)),
            Key::Char('2') => Some(Action::Grade(Grade::Hard)),
            Key::Char('3') => Some(Action::Grade(Grade::Good)),
            Key::Char('4') => Some(Action::Grade(Grade::Easy)),
            _ => None,
        },
    },
    Binding {
        keys: "Space",
        typing: None,
        name: "good",
        help: "grade Good (Enter)",
        places: &[Back],
        footer: true,
        lead: false,
        matcher: |k, _, _| {
            matches!(k, Key::Char(' ') | Key::Enter).then_some(Action::Grade(Grade::Good))
        },
    },
    Binding {
        keys: "Enter",
        typing: None,
        name: "answer",
        help: "check the answer (empty: don't know)",
        places: &[Typing],
        footer: true,
        lead: false,
        matcher: |k, _, _| (k == Key::Enter).then_some(Action::Confirm),
    },
    Binding {
        keys: "←→ Home End",
        typing: None,
        name: "move",
        help: "move (Ctrl-A, Ctrl-E)",
        places: &[Typing],
        footer: false,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Left => Some(Action::Line(LineOp::Left)),
            Key::Right => Some(Action::Line(LineOp::Right)),
            Key::Home | Key::Ctrl('a') => Some(Action::Line(LineOp::Home)),
            Key::End | Key::Ctrl('e') => Some(Action::Line(LineOp::End)),
            _ => None,
        },
    },
    Binding {
        keys: "Ctrl-U Ctrl-W Ctrl-K",
        typing: None,
        name: "delete",
        help: "delete to start, word, to end",
        places: &[Typing],
        footer: false,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Backspace | Key::Ctrl('h') => Some(Action::Line(LineOp::Backspace)),
            Key::Delete | Key::Ctrl('d') => Some(Action::Line(LineOp::Delete)),
            Key::Ctrl('u') => Some(Action::Line(LineOp::KillStart)),
            Key::Ctrl('w') => Some(Action::Line(LineOp::KillWord)),
            Key::Ctrl('k') => Some(Action::Line(LineOp::KillEnd)),
            _ => None,
        },
    },
    Binding {
        keys: "↑↓",
        typing: None,
        name: "earlier answers",
        help: "answers typed earlier",
        places: &[Typing],
        footer: false,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Up => Some(Action::Line(LineOp::Older)),
            Key::Down => Some(Action::Line(LineOp::Newer)),
            _ => None,
        },
    },
    Binding {
        keys: "o",
        typing: None,
        name: "I was right",
        help: "count the answer as right",
        places: &[Feedback],
        footer: true,
        lead: false,
        matcher: |k, _, cx| (cx.can_override && k == Key::Char('o')).then_some(Action::Override),
    },
    Binding {
        keys: "u",
        typing: Some("Ctrl-Z"),
        name: "undo",
        help: "undo the last answer, ask again",
        places: EVERYWHERE,
        footer: true,
        lead: false,
        matcher: |k, place, cx| command(k, place, cx, 'u', Some('z'), Action::Undo),
    },
    Binding {
        keys: "e",
        typing: Some("Ctrl-O"),
        name: "edit",
        help: "edit the card in $EDITOR",
        places: EVERYWHERE,
        footer: true,
        lead: false,
        matcher: |k, place, cx| command(k, place, cx, 'e', Some('o'), Action::Edit),
    },
    Binding {
        keys: "s",
        typing: Some("Ctrl-S"),
        name: "skip",
        help: "skip: nothing is recorded",
        places: &[Choice, TrueFalse, Typing, Front, Back],
        footer: true,
        lead: false,
        matcher: |k, place, cx| command(k, place, cx, 's', Some('s'), Action::Skip),
    },
    Binding {
        keys: "PgUp PgDn",
        typing: None,
        name: "scroll",
        help: "scroll (or the mouse wheel)",
        places: EVERYWHERE,
        footer: false,
        lead: false,
        matcher: |k, _, _| match k {
            Key::PageUp => Some(Action::ScrollUp),
            Key::PageDown => Some(Action::ScrollDown),
            _ => None,
        },
    },
    Binding {
        keys: "?",
        typing: Some("F1"),
        name: "keys",
        help: "show the keys",
        places: EVERYWHERE,
        footer: true,
        lead: false,
        matcher: |k, place, _| match k {
            Key::Char('?') if place != Typing => Some(Action::Help),
            Key::F(1) => Some(Action::Help),
            _ => None,
        },
    },
    Binding {
        keys: "q",
        typing: Some("Esc"),
        name: "quit",
        help: "end the session, after asking",
        places: EVERYWHERE,
        footer: true,
        lead: false,
        matcher: |k, place, cx| match k {
            Key::Esc => Some(Action::Quit),
            _ => command(k, place, cx, 'q', None, Action::Quit),
        },
    },
    Binding {
        keys: "Ctrl-C",
        typing: None,
        name: "stop",
        help: "end at once",
        places: EVERYWHERE,
        footer: false,
        lead: false,
        matcher: |k, _, _| (k == Key::Ctrl('c')).then_some(Action::Interrupt),
    },
    Binding {
        keys: "any key",
        typing: None,
        name: "next",
        help: "go on",
        places: &[Feedback],
        footer: true,
        lead: true,
        matcher: |_, _, _| Some(Action::Continue),
    },
    Binding {
        keys: "letters",
        typing: None,
        name: "type",
        help: "type the answer",
        places: &[Typing],
        footer: false,
        lead: false,
        matcher: |k, _, _| match k {
            Key::Char(c) => Some(Action::Line(LineOp::Insert(c))),
            _ => None,
        },
    },
];

/// What `key` does at `place`: the first binding of the table that takes it.
pub(crate) fn action(place: Place, key: Key, cx: Context) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.applies(place))
        .find_map(|b| (b.matcher)(key, place, cx))
}

/// The bindings whose hints the footer shows at `place`, in table order.
pub(crate) fn footer(place: Place, cx: Context) -> impl Iterator<Item = &'static Binding> {
    let shown = move |b: &&Binding| {
        b.footer
            && b.applies(place)
            && (b.name != "I was right" || cx.can_override)
            && (b.name != "undo" || cx.can_undo)
    };
    let lead = BINDINGS.iter().filter(shown).filter(|b| b.lead);
    lead.chain(BINDINGS.iter().filter(shown).filter(|b| !b.lead))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOUR: Context = Context {
        options: 4,
        can_override: false,
        can_undo: true,
    };

    #[test]
    fn numbers_and_letters_pick_options_that_exist() {
        assert_eq!(action(Choice, Key::Char('1'), FOUR), Some(Action::Pick(0)));
        assert_eq!(action(Choice, Key::Char('d'), FOUR), Some(Action::Pick(3)));
        assert_eq!(action(Choice, Key::Char('5'), FOUR), None);
        // With four options, `e` is the edit command; with five it names the fifth option.
        assert_eq!(action(Choice, Key::Char('e'), FOUR), Some(Action::Edit));
        let five = Context { options: 5, ..FOUR };
        assert_eq!(action(Choice, Key::Char('e'), five), Some(Action::Pick(4)));
        assert_eq!(action(Choice, Key::Ctrl('o'), five), Some(Action::Edit));
    }

    #[test]
    fn true_false_and_flashcards_take_one_key() {
        assert_eq!(
            action(TrueFalse, Key::Char('t'), FOUR),
            Some(Action::Bool(true))
        );
        assert_eq!(
            action(TrueFalse, Key::Char('n'), FOUR),
            Some(Action::Bool(false))
        );
        assert_eq!(
            action(TrueFalse, Key::Char('2'), FOUR),
            Some(Action::Bool(false))
        );
        assert_eq!(action(Front, Key::Char(' '), FOUR), Some(Action::Reveal));
        assert_eq!(
            action(Back, Key::Char(' '), FOUR),
            Some(Action::Grade(Grade::Good))
        );
        assert_eq!(
            action(Back, Key::Char('1'), FOUR),
            Some(Action::Grade(Grade::Again))
        );
    }

    #[test]
    fn letters_on_the_answer_line_are_text() {
        for c in ['u', 'e', 's', 'q', 'o', '?', 'j', ' '] {
            assert_eq!(
                action(Typing, Key::Char(c), FOUR),
                Some(Action::Line(LineOp::Insert(c))),
                "{c}"
            );
        }
        assert_eq!(action(Typing, Key::Ctrl('z'), FOUR), Some(Action::Undo));
        assert_eq!(action(Typing, Key::Ctrl('s'), FOUR), Some(Action::Skip));
        assert_eq!(action(Typing, Key::Ctrl('o'), FOUR), Some(Action::Edit));
        assert_eq!(
            action(Typing, Key::Ctrl('e'), FOUR),
            Some(Action::Line(LineOp::End))
        );
        assert_eq!(action(Typing, Key::Esc, FOUR), Some(Action::Quit));
        assert_eq!(action(Typing, Key::F(1), FOUR), Some(Action::Help));
        assert_eq!(
            action(Typing, Key::Up, FOUR),
            Some(Action::Line(LineOp::Older))
        );
    }

    #[test]
    fn feedback_continues_on_any_other_key() {
        let wrong = Context {
            options: 0,
            can_override: true,
            can_undo: true,
        };
        assert_eq!(
            action(Feedback, Key::Char('o'), wrong),
            Some(Action::Override)
        );
        assert_eq!(
            action(Feedback, Key::Char('o'), FOUR),
            Some(Action::Continue)
        );
        assert_eq!(action(Feedback, Key::Char('u'), FOUR), Some(Action::Undo));
        assert_eq!(action(Feedback, Key::Char('q'), FOUR), Some(Action::Quit));
        assert_eq!(
            action(Feedback, Key::Char('x'), FOUR),
            Some(Action::Continue)
        );
        assert_eq!(action(Feedback, Key::Enter, FOUR), Some(Action::Continue));
        assert_eq!(
            action(Feedback, Key::Ctrl('c'), FOUR),
            Some(Action::Interrupt)
        );
    }

    #[test]
    fn the_footer_offers_override_only_when_it_applies() {
        let names = |cx| footer(Feedback, cx).map(|b| b.name).collect::<Vec<_>>();
        assert!(!names(FOUR).contains(&"I was right"));
        let wrong = Context {
            options: 0,
            can_override: true,
            can_undo: true,
        };
        assert!(names(wrong).contains(&"I was right"));
    }
}
