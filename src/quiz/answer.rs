//! Checking answers: normalizing typed text, tolerating small typos, and judging a response.

use super::question::{Body, Question};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A learner's self-grade on a flashcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Again,
    Hard,
    Good,
    Easy,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Again, Grade::Hard, Grade::Good, Grade::Easy];

    pub fn label(self) -> &'static str {
        match self {
            Grade::Again => "Again",
            Grade::Hard => "Hard",
            Grade::Good => "Good",
            Grade::Easy => "Easy",
        }
    }
}

/// What the learner answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// Index of the chosen option.
    Choice(usize),
    Bool(bool),
    /// Typed text; for several blanks, the answers separated by `;`.
    Text(String),
    Grade(Grade),
    /// "I don't know": counts as wrong.
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Right,
    /// Right, with a small typo in a longer answer.
    RightWithTypo,
    Wrong,
}

impl Verdict {
    pub fn is_right(self) -> bool {
        self != Verdict::Wrong
    }
}

/// The judgement of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// The response as text, for summaries and the history.
    pub given: String,
    /// The learner's own grade, for flashcards.
    pub grade: Option<Grade>,
}

/// Lower-cases, strips accents, folds white space and trims trailing punctuation.
///
/// Written as one pass over the text (with a shortcut for ASCII, which needs no Unicode
/// decomposition), since deck loading and question generation call it for every answer and term.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Runs of white space become one space, and only between words.
    let mut space = false;
    let mut push = |c: char| {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    };
    if text.is_ascii() {
        text.bytes()
            .for_each(|b| push(char::from(b.to_ascii_lowercase())));
    } else {
        text.nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .for_each(&mut push);
    }
    let kept = out
        .trim_end_matches(['.', ',', '!', '?', ';', ':'])
        .trim_end()
        .len();
    // An answer made only of punctuation keeps it, so that it can still be matched.
    if kept > 0 {
        out.truncate(kept);
    }
    out
}

/// How many edits a typed answer may be off by: 1 from 5 characters, 2 from 12.
pub(crate) fn typo_allowance(expected_len: usize) -> usize {
    match expected_len {
        0..=4 => 0,
        5..=11 => 1,
        _ => 2,
    }
}

fn match_text(given: &str, accepted: &[String]) -> Verdict {
    let given = normalize(given);
    if given.is_empty() {
        return Verdict::Wrong;
    }
    let mut best = Verdict::Wrong;
    for answer in accepted {
        let answer = normalize(answer);
        if answer == given {
            return Verdict::Right;
        }
        let allowance = typo_allowance(answer.chars().count());
        if allowance > 0 && strsim::levenshtein(&answer, &given) <= allowance {
            best = Verdict::RightWithTypo;
        }
    }
    best
}

/// Judges `response` against `question`. A response of the wrong shape is wrong.
pub fn check(question: &Question, response: &Response) -> Outcome {
    let (verdict, given, grade) = match (&question.body, response) {
        (Body::Flash { .. }, Response::Grade(g)) => {
            let v = if *g == Grade::Again {
                Verdict::Wrong
            } else {
                Verdict::Right
            };
            (v, g.label().to_string(), Some(*g))
        }
        (Body::Choice { options, correct }, Response::Choice(i)) => {
            let v = if i == correct {
                Verdict::Right
            } else {
                Verdict::Wrong
            };
            (v, options.get(*i).cloned().unwrap_or_default(), None)
        }
        (Body::TrueFalse { answer }, Response::Bool(b)) => {
            let v = if b == answer {
                Verdict::Right
            } else {
                Verdict::Wrong
            };
            (v, b.to_string(), None)
        }
        (Body::Typed { accepted }, Response::Text(t)) => {
            (match_text(t, accepted), t.trim().to_string(), None)
        }
        (Body::Blank { blanks }, Response::Text(t)) => {
            let parts: Vec<&str> = if blanks.len() == 1 {
                vec![t.as_str()]
            } else {
                t.split(';').collect()
            };
            let verdict = if parts.len() != blanks.len() {
                Verdict::Wrong
            } else {
                parts
                    .iter()
                    .zip(blanks)
                    .map(|(p, accepted)| match_text(p, accepted))
                    .fold(Verdict::Right, |acc, v| match (acc, v) {
                        (Verdict::Wrong, _) | (_, Verdict::Wrong) => Verdict::Wrong,
                        (Verdict::RightWithTypo, _) | (_, Verdict::RightWithTypo) => {
                            Verdict::RightWithTypo
                        }
                        _ => Verdict::Right,
                    })
            };
            (verdict, t.trim().to_string(), None)
        }
        (_, Response::Skip) => (Verdict::Wrong, String::new(), None),
        (_, other) => (Verdict::Wrong, format!("{other:?}"), None),
    };
    Outcome {
        verdict,
        given,
        grade,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::Kind;
    use proptest::prelude::*;

    /// `normalize` spelled out step by step: the definition the fast version must agree with.
    fn normalize_by_steps(text: &str) -> String {
        let folded: String = text
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect();
        let joined = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        let trimmed = joined
            .trim_end_matches(['.', ',', '!', '?', ';', ':'])
            .trim_end();
        if trimmed.is_empty() {
            joined
        } else {
            trimmed.to_string()
        }
    }

    proptest! {
        #[test]
        fn normalize_agrees_with_its_definition(
            text in r"[ \t\n\u{a0}\u{2003}.,!?;:a-zA-Z0-9éÉçñÅøßİĲﬁ①ΣΑάЖйё日本\u{301}\u{308}-]{0,24}",
        ) {
            prop_assert_eq!(normalize(&text), normalize_by_steps(&text));
        }

        #[test]
        fn normalize_agrees_with_its_definition_on_any_text(text in any::<String>()) {
            prop_assert_eq!(normalize(&text), normalize_by_steps(&text));
        }
    }

    fn typed(accepted: &[&str]) -> Question {
        Question {
            deck_id: "d".into(),
            card_id: "c".into(),
            kind: Kind::Typed,
            prompt: "?".into(),
            body: Body::Typed {
                accepted: accepted.iter().map(|s| s.to_string()).collect(),
            },
            explain: None,
            tags: vec![],
        }
    }

    fn verdict(q: &Question, text: &str) -> Verdict {
        check(q, &Response::Text(text.into())).verdict
    }

    #[test]
    fn normalization_ignores_case_space_punctuation_and_accents() {
        assert_eq!(normalize("  Café   AU lait!! "), "cafe au lait");
        assert_eq!(normalize("Six Sigma."), "six sigma");
        assert_eq!(normalize("ÉTÉ"), "ete");
        assert_eq!(normalize(" ? "), "?");
        assert_eq!(normalize("  "), "");
    }

    #[test]
    fn typed_answers_accept_alternatives_and_small_typos() {
        let q = typed(&["Operation management", "operations management"]);
        assert_eq!(verdict(&q, "operation MANAGEMENT."), Verdict::Right);
        assert_eq!(verdict(&q, "Operations management"), Verdict::Right);
        assert_eq!(verdict(&q, "operaton managment"), Verdict::RightWithTypo);
        assert_eq!(verdict(&q, "production management"), Verdict::Wrong);
        assert_eq!(verdict(&q, ""), Verdict::Wrong);
    }

    #[test]
    fn typo_allowance_grows_with_length() {
        let short = typed(&["TQM"]);
        assert_eq!(verdict(&short, "TQN"), Verdict::Wrong);
        let five = typed(&["sigma"]);
        assert_eq!(verdict(&five, "sigmo"), Verdict::RightWithTypo);
        assert_eq!(verdict(&five, "sagmo"), Verdict::Wrong);
        let twelve = typed(&["lean manufacturing"]);
        assert_eq!(
            verdict(&twelve, "laen manufacturing"),
            Verdict::RightWithTypo
        );
    }

    #[test]
    fn blanks_are_checked_in_order() {
        let q = Question {
            body: Body::Blank {
                blanks: vec![
                    vec!["Lean".into()],
                    vec!["TQM".into(), "Total Quality Management".into()],
                ],
            },
            kind: Kind::Blank,
            ..typed(&["x"])
        };
        assert_eq!(
            verdict(&q, "lean; total quality management"),
            Verdict::Right
        );
        assert_eq!(verdict(&q, "TQM; lean"), Verdict::Wrong);
        assert_eq!(verdict(&q, "lean"), Verdict::Wrong);
    }

    #[test]
    fn flashcard_grades_count_again_as_wrong() {
        let q = Question {
            body: Body::Flash { back: "b".into() },
            kind: Kind::Flash,
            ..typed(&["x"])
        };
        assert_eq!(
            check(&q, &Response::Grade(Grade::Again)).verdict,
            Verdict::Wrong
        );
        assert_eq!(
            check(&q, &Response::Grade(Grade::Hard)).verdict,
            Verdict::Right
        );
    }
}
