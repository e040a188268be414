//! Judging a response: options and true/false by identity; typed text by its normalized form
//! with small typos in letters tolerated, lists as sets of items, blanks that may come in any
//! order, and the keywords a long answer must contain.

use super::question::{Body, Question};
use super::text::{Closeness, closeness, list_items, normalize, normalize_accented, spelling};
use serde::Serialize;

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
    /// What the feedback adds to right or wrong.
    pub note: Option<Note>,
}

/// A remark on a typed answer, shown with the feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Accepted, but spelled differently (accents): the right spelling.
    Spelled(String),
    /// Partly right: the items, keywords or blanks that were missing.
    Missed(Vec<String>),
}

/// How a typed text fares against one set of accepted answers.
struct Match {
    closeness: Closeness,
    /// The accepted answer it matched, when its accents differ from the typed text.
    spelled: Option<String>,
}

/// Compares a typed text with accepted answers: the closest one wins, the first on a tie.
fn match_text(given: &str, accepted: &[String]) -> Match {
    let typed = normalize(given);
    let mut best = Match {
        closeness: Closeness::Far,
        spelled: None,
    };
    if typed.is_empty() {
        return best;
    }
    for answer in accepted {
        match closeness(&typed, &normalize(answer)) {
            Closeness::Same => {
                return Match {
                    closeness: Closeness::Same,
                    spelled: (spelling(given) != spelling(answer)).then(|| answer.clone()),
                };
            }
            Closeness::Typo => best.closeness = Closeness::Typo,
            Closeness::Far => {}
        }
    }
    best
}

fn verdict_of(closeness: Closeness) -> Verdict {
    match closeness {
        Closeness::Same => Verdict::Right,
        Closeness::Typo => Verdict::RightWithTypo,
        Closeness::Far => Verdict::Wrong,
    }
}

/// Pairs expected entries with typed ones, each used once, so that as many expected entries as
/// possible find a partner, preferring exact partners. `close(e, g)` says how close typed entry
/// `g` is to expected entry `e`. Returns the closeness of each expected entry's partner (`Far`
/// for none).
///
/// A maximum matching by augmenting paths, first over exact pairs only, then also over typos:
/// when every entry can be paired exactly, the first pass finds it.
fn pair_up(
    n_expected: usize,
    n_given: usize,
    close: impl Fn(usize, usize) -> Closeness,
) -> Vec<Closeness> {
    let table: Vec<Closeness> = (0..n_expected)
        .flat_map(|e| (0..n_given).map(move |g| (e, g)))
        .map(|(e, g)| close(e, g))
        .collect();
    let at = |e: usize, g: usize| table[e * n_given + g];
    let mut partner: Vec<Option<usize>> = vec![None; n_given];
    fn augment(
        e: usize,
        limit: Closeness,
        n_given: usize,
        at: &dyn Fn(usize, usize) -> Closeness,
        seen: &mut [bool],
        partner: &mut [Option<usize>],
    ) -> bool {
        for g in 0..n_given {
            if seen[g] || at(e, g) > limit {
                continue;
            }
            seen[g] = true;
            let free = match partner[g] {
                None => true,
                Some(other) => augment(other, limit, n_given, at, seen, partner),
            };
            if free {
                partner[g] = Some(e);
                return true;
            }
        }
        false
    }
    for limit in [Closeness::Same, Closeness::Typo] {
        for e in 0..n_expected {
            if partner.contains(&Some(e)) {
                continue;
            }
            let mut seen = vec![false; n_given];
            augment(e, limit, n_given, &at, &mut seen, &mut partner);
        }
    }
    let mut result = vec![Closeness::Far; n_expected];
    for (g, e) in partner.iter().enumerate() {
        if let Some(e) = *e {
            result[e] = at(e, g);
        }
    }
    result
}

/// The worst of several closenesses: all must be right for the whole to be right.
fn worst(all: impl IntoIterator<Item = Closeness>) -> Closeness {
    all.into_iter().max().unwrap_or(Closeness::Far)
}

/// Judges a list answer as a set of items against each accepted answer that is a list: right
/// when every item is there and nothing else; otherwise the items missed from the closest one.
fn match_list(given: &str, accepted: &[String]) -> (Closeness, Vec<String>) {
    let typed: Vec<String> = list_items(given).iter().map(|i| normalize(i)).collect();
    let mut best: Option<(usize, Closeness, Vec<String>)> = None;
    for answer in accepted {
        let items = list_items(answer);
        if items.len() < 2 {
            continue;
        }
        let norms: Vec<String> = items.iter().map(|i| normalize(i)).collect();
        let paired = pair_up(norms.len(), typed.len(), |e, g| {
            closeness(&typed[g], &norms[e])
        });
        let found = paired.iter().filter(|c| **c != Closeness::Far).count();
        let whole = if found == norms.len() && typed.len() == norms.len() {
            worst(paired.iter().copied())
        } else {
            Closeness::Far
        };
        let missed = items
            .iter()
            .zip(&paired)
            .filter(|(_, c)| **c == Closeness::Far)
            .map(|(i, _)| i.clone())
            .collect();
        if whole != Closeness::Far {
            return (whole, Vec::new());
        }
        if best.as_ref().is_none_or(|b| found > b.0) {
            best = Some((found, whole, missed));
        }
    }
    match best {
        // Name the missed items only when some were right: otherwise the answer says it all.
        Some((found, whole, missed)) if found > 0 => (whole, missed),
        _ => (Closeness::Far, Vec::new()),
    }
}

/// Whether every keyword (each a list of alternatives) appears in the typed text as a word or a
/// run of words, a small typo allowed, in any order. Returns the keywords missing (their first
/// spelling), named only when some others were found.
fn match_keywords(given: &str, keywords: &[Vec<String>]) -> (Closeness, Vec<String>) {
    let typed = normalize(given);
    let words: Vec<&str> = typed.split_whitespace().collect();
    let mut closest = Vec::with_capacity(keywords.len());
    for alternatives in keywords {
        let mut best = Closeness::Far;
        for keyword in alternatives {
            let keyword = normalize(keyword);
            let n = keyword.split_whitespace().count().max(1);
            // A keyword of n words may be typed as n words, or one more or one fewer when a
            // space is added or lost.
            for size in n.saturating_sub(1).max(1)..=n + 1 {
                for window in words.windows(size.min(words.len().max(1))) {
                    best = best.min(closeness(&window.join(" "), &keyword));
                }
            }
        }
        closest.push(best);
    }
    let found = closest.iter().filter(|c| **c != Closeness::Far).count();
    let missed = if found > 0 {
        keywords
            .iter()
            .zip(&closest)
            .filter(|(_, c)| **c == Closeness::Far)
            .map(|(k, _)| k[0].clone())
            .collect()
    } else {
        Vec::new()
    };
    (worst(closest), missed)
}

/// Whether `text` contains one of a keyword's alternatives exactly (case, accents and
/// punctuation aside): how the loader checks that a card's keywords are in its answer.
pub(crate) fn contains_keyword(text: &str, alternatives: &[String]) -> bool {
    match_keywords(text, &[alternatives.to_vec()]).0 == Closeness::Same
}

/// Judges a typed answer: as a whole against the accepted answers; then, for a card that has
/// them, by its keywords or as a list of items.
fn judge_typed(
    given: &str,
    accepted: &[String],
    keywords: &[Vec<String>],
    list: bool,
    rejected: &[String],
) -> (Verdict, Option<Note>) {
    // The deck says this spelling is another word, although it folds to an accepted answer.
    let spelled = normalize_accented(given);
    if rejected.iter().any(|r| normalize_accented(r) == spelled) {
        return (Verdict::Wrong, None);
    }
    let whole = match_text(given, accepted);
    if whole.closeness != Closeness::Far {
        return (
            verdict_of(whole.closeness),
            whole.spelled.map(Note::Spelled),
        );
    }
    let mut missed = Vec::new();
    if !keywords.is_empty() {
        let (c, m) = match_keywords(given, keywords);
        if c != Closeness::Far {
            return (verdict_of(c), None);
        }
        missed = m;
    }
    if list {
        let (c, m) = match_list(given, accepted);
        if c != Closeness::Far {
            return (verdict_of(c), None);
        }
        if !m.is_empty() {
            missed = m;
        }
    }
    let note = (!missed.is_empty()).then_some(Note::Missed(missed));
    (Verdict::Wrong, note)
}

/// Judges the answers of several blanks, typed separated by `;` (or, when that gives the wrong
/// count, as a list). Blanks in one of `any_order`'s groups may be filled in any order.
fn judge_blanks(
    given: &str,
    blanks: &[Vec<String>],
    any_order: &[Vec<usize>],
) -> (Verdict, Option<Note>) {
    let mut parts: Vec<String> = if blanks.len() == 1 {
        vec![given.to_string()]
    } else {
        given.split(';').map(str::to_string).collect()
    };
    if parts.len() != blanks.len() {
        let items = list_items(given);
        if items.len() == blanks.len() {
            parts = items;
        } else {
            return (Verdict::Wrong, None);
        }
    }
    let mut result = vec![Closeness::Far; blanks.len()];
    let mut spelled = false;
    let grouped: Vec<usize> = any_order.iter().flatten().copied().collect();
    for (i, accepted) in blanks.iter().enumerate() {
        if !grouped.contains(&i) {
            let m = match_text(&parts[i], accepted);
            spelled |= m.spelled.is_some();
            result[i] = m.closeness;
        }
    }
    for group in any_order {
        let matches: Vec<Vec<Match>> = group
            .iter()
            .map(|&b| {
                group
                    .iter()
                    .map(|&p| match_text(&parts[p], &blanks[b]))
                    .collect()
            })
            .collect();
        let paired = pair_up(group.len(), group.len(), |e, g| matches[e][g].closeness);
        for (k, &b) in group.iter().enumerate() {
            result[b] = paired[k];
        }
        spelled |= matches.iter().flatten().any(|m| m.spelled.is_some());
    }
    let whole = worst(result.iter().copied());
    if whole != Closeness::Far {
        let note = spelled.then(|| {
            Note::Spelled(
                blanks
                    .iter()
                    .map(|b| b[0].as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        });
        return (verdict_of(whole), note);
    }
    let right = result.iter().filter(|c| **c != Closeness::Far).count();
    let note = (right > 0).then(|| {
        Note::Missed(
            blanks
                .iter()
                .zip(&result)
                .filter(|(_, c)| **c == Closeness::Far)
                .map(|(b, _)| b[0].clone())
                .collect(),
        )
    });
    (Verdict::Wrong, note)
}

/// Judges `response` against `question`. A response of the wrong shape is wrong.
pub fn check(question: &Question, response: &Response) -> Outcome {
    let (verdict, given, grade, note) = match (&question.body, response) {
        (Body::Flash { .. }, Response::Grade(g)) => {
            let v = if *g == Grade::Again {
                Verdict::Wrong
            } else {
                Verdict::Right
            };
            (v, g.label().to_string(), Some(*g), None)
        }
        (Body::Choice { options, correct }, Response::Choice(i)) => {
            let v = if i == correct {
                Verdict::Right
            } else {
                Verdict::Wrong
            };
            (v, options.get(*i).cloned().unwrap_or_default(), None, None)
        }
        (Body::TrueFalse { answer }, Response::Bool(b)) => {
            let v = if b == answer {
                Verdict::Right
            } else {
                Verdict::Wrong
            };
            (v, b.to_string(), None, None)
        }
        (
            Body::Typed {
                accepted,
                keywords,
                list,
                rejected,
            },
            Response::Text(t),
        ) => {
            let (v, note) = judge_typed(t, accepted, keywords, *list, rejected);
            (v, t.trim().to_string(), None, note)
        }
        (Body::Blank { blanks, any_order }, Response::Text(t)) => {
            let (v, note) = judge_blanks(t, blanks, any_order);
            (v, t.trim().to_string(), None, note)
        }
        (_, Response::Skip) => (Verdict::Wrong, String::new(), None, None),
        (_, other) => (Verdict::Wrong, format!("{other:?}"), None, None),
    };
    Outcome {
        verdict,
        given,
        grade,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::Kind;

    fn typed(accepted: &[&str]) -> Question {
        Question {
            deck_id: "d".into(),
            card_id: "c".into(),
            kind: Kind::Typed,
            prompt: "?".into(),
            body: Body::Typed {
                accepted: accepted.iter().map(|s| s.to_string()).collect(),
                keywords: Vec::new(),
                list: false,
                rejected: Vec::new(),
            },
            explain: None,
            tags: vec![],
        }
    }

    fn with_body(body: Body) -> Question {
        Question {
            kind: if matches!(body, Body::Blank { .. }) {
                Kind::Blank
            } else {
                Kind::Typed
            },
            body,
            ..typed(&["x"])
        }
    }

    fn listed(accepted: &[&str]) -> Question {
        with_body(Body::Typed {
            accepted: accepted.iter().map(|s| s.to_string()).collect(),
            keywords: Vec::new(),
            list: true,
            rejected: Vec::new(),
        })
    }

    fn blanks(blanks: &[&[&str]], any_order: &[&[usize]]) -> Question {
        with_body(Body::Blank {
            blanks: blanks
                .iter()
                .map(|b| b.iter().map(|s| s.to_string()).collect())
                .collect(),
            any_order: any_order.iter().map(|g| g.to_vec()).collect(),
        })
    }

    fn outcome(q: &Question, text: &str) -> Outcome {
        check(q, &Response::Text(text.into()))
    }

    fn verdict(q: &Question, text: &str) -> Verdict {
        outcome(q, text).verdict
    }

    fn missed(items: &[&str]) -> Option<Note> {
        Some(Note::Missed(items.iter().map(|s| s.to_string()).collect()))
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
    fn typo_allowance_grows_with_the_letters() {
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
    fn numbers_must_match_exactly() {
        assert_eq!(verdict(&typed(&["1066 AD"]), "1067 AD"), Verdict::Wrong);
        assert_eq!(verdict(&typed(&["1066 AD"]), "1066 ad"), Verdict::Right);
        assert_eq!(verdict(&typed(&["12345"]), "12346"), Verdict::Wrong);
        assert_eq!(verdict(&typed(&["12345"]), "12,345"), Verdict::Right);
        let q = blanks(&[&["49 BC"]], &[]);
        assert_eq!(verdict(&q, "48 BC"), Verdict::Wrong);
        assert_eq!(verdict(&q, "49 bc"), Verdict::Right);
    }

    #[test]
    fn a_swap_of_two_neighbouring_letters_is_one_typo() {
        assert_eq!(verdict(&typed(&["Paris"]), "Pairs"), Verdict::RightWithTypo);
        assert_eq!(verdict(&typed(&["Paris"]), "Piars"), Verdict::Wrong);
    }

    #[test]
    fn punctuation_is_ignored_and_accents_are_accepted_but_spelled_out() {
        let q = typed(&["¿Cómo estás?"]);
        let o = outcome(&q, "como estas");
        assert_eq!(o.verdict, Verdict::Right);
        assert_eq!(o.note, Some(Note::Spelled("¿Cómo estás?".into())));
        let o = outcome(&q, "Cómo, estás");
        assert_eq!((o.verdict, o.note), (Verdict::Right, None));
        let q = typed(&["end-to-end, \"lean\" process"]);
        assert_eq!(verdict(&q, "end to end lean process"), Verdict::Right);
    }

    #[test]
    fn lists_are_sets_of_items_in_any_order() {
        let q = listed(&["Machinery downtime, quality defects and inventory"]);
        assert_eq!(
            verdict(&q, "inventory, machinery downtime, quality defects"),
            Verdict::Right
        );
        assert_eq!(
            verdict(&q, "quality defects and inventory and machinery downtime"),
            Verdict::Right
        );
        assert_eq!(
            verdict(&q, "Inventory; quality defects; machinery dowtime"),
            Verdict::RightWithTypo
        );
        let o = outcome(&q, "inventory and machinery downtime");
        assert_eq!(o.verdict, Verdict::Wrong);
        assert_eq!(o.note, missed(&["quality defects"]));
        let o = outcome(
            &q,
            "inventory, machinery downtime, quality defects, marketing",
        );
        assert_eq!(o.verdict, Verdict::Wrong);
        let o = outcome(&q, "something else entirely");
        assert_eq!((o.verdict, o.note), (Verdict::Wrong, None));
    }

    #[test]
    fn a_list_may_match_any_accepted_list() {
        let q = listed(&[
            "Procurement, logistics and customer service",
            "procurement, logistics and services",
        ]);
        assert_eq!(
            verdict(&q, "services, procurement and logistics"),
            Verdict::Right
        );
        let o = outcome(&q, "logistics and customer service");
        assert_eq!(o.note, missed(&["Procurement"]));
    }

    #[test]
    fn interchangeable_blanks_take_any_order() {
        let q = blanks(
            &[
                &["Lean Manufacturing", "lean"],
                &["Total Quality Management", "TQM"],
                &["Six Sigma"],
                &["Business Process Re-engineering", "BPR"],
            ],
            &[&[0, 1], &[2, 3]],
        );
        assert_eq!(verdict(&q, "TQM; lean; BPR; six sigma"), Verdict::Right);
        assert_eq!(verdict(&q, "lean; TQM; six sigma; BPR"), Verdict::Right);
        // Across groups the order still matters.
        let o = outcome(&q, "six sigma; BPR; lean; TQM");
        assert_eq!(o.verdict, Verdict::Wrong);
        let o = outcome(&q, "TQM; lean; BPR; kanban");
        assert_eq!(o.note, missed(&["Six Sigma"]));
    }

    #[test]
    fn blanks_not_marked_interchangeable_are_checked_in_order() {
        let q = blanks(&[&["Lean"], &["TQM", "Total Quality Management"]], &[]);
        assert_eq!(
            verdict(&q, "lean; total quality management"),
            Verdict::Right
        );
        assert_eq!(verdict(&q, "TQM; lean"), Verdict::Wrong);
        assert_eq!(verdict(&q, "lean"), Verdict::Wrong);
        // Several blanks may also be typed as a list.
        assert_eq!(verdict(&q, "lean and TQM"), Verdict::Right);
    }

    #[test]
    fn keywords_make_a_long_answer_right_in_any_wording() {
        let q = with_body(Body::Typed {
            accepted: vec!["The planning, organizing and controlling of production".into()],
            keywords: vec![
                vec!["planning".into()],
                vec!["quality".into()],
                vec!["cost".into(), "costs".into()],
            ],
            list: false,
            rejected: Vec::new(),
        });
        assert_eq!(
            verdict(&q, "It is about cost, quality and planning"),
            Verdict::Right
        );
        assert_eq!(
            verdict(&q, "planing the work, keeping quality up and costs down"),
            Verdict::RightWithTypo
        );
        let o = outcome(&q, "planning and quality");
        assert_eq!(o.verdict, Verdict::Wrong);
        assert_eq!(o.note, missed(&["cost"]));
        assert_eq!(
            verdict(&q, "the planning, organizing and controlling of production"),
            Verdict::Right
        );
    }

    #[test]
    fn keywords_of_several_words_match_runs_of_words() {
        let q = with_body(Body::Typed {
            accepted: vec!["It covers the entire business process".into()],
            keywords: vec![
                vec!["entire".into(), "whole".into()],
                vec!["business process".into()],
            ],
            list: false,
            rejected: Vec::new(),
        });
        assert_eq!(verdict(&q, "the whole business process"), Verdict::Right);
        assert_eq!(verdict(&q, "the whole businessprocess"), Verdict::Right);
        assert_eq!(verdict(&q, "the whole business"), Verdict::Wrong);
    }

    #[test]
    fn a_wrong_option_that_differs_in_accents_only_is_wrong_when_typed() {
        let q = with_body(Body::Typed {
            accepted: vec!["año".into()],
            keywords: Vec::new(),
            list: false,
            rejected: vec!["ano".into()],
        });
        assert_eq!(verdict(&q, "año"), Verdict::Right);
        assert_eq!(verdict(&q, "Año."), Verdict::Right);
        assert_eq!(verdict(&q, "ano"), Verdict::Wrong);
        assert_eq!(verdict(&q, "ANO"), Verdict::Wrong);
        // Without the wrong option, the accents are forgiven.
        assert_eq!(verdict(&typed(&["año"]), "ano"), Verdict::Right);
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
