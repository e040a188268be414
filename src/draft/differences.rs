//! Key differences: sentences that contrast the subjects ("while", "whereas", "in contrast",
//! "on the other hand", "unlike", …) become true statements in the article's own words. A
//! connective that points back to an earlier sentence ("In contrast, …") is dropped so the
//! statement stands alone, and that earlier sentence becomes its explanation. Where one
//! sentence states the contrast both ways ("A does x, while B does y"), swapping the subjects
//! gives a false statement; no other false statements are made up.

use super::StatementDraft;
use super::text::{capitalize, find_ci, find_phrase, find_subject, plural, strip_prefix_ci};
use std::ops::Range;

/// Connectives at the start of a sentence that refer to the sentence before.
const LEADING: [&str; 6] = [
    "on the other hand, ",
    "in contrast, ",
    "by contrast, ",
    "conversely, ",
    "meanwhile, ",
    "however, ",
];

/// The same connectives set off by commas inside a sentence.
const INSERTED: [&str; 5] = [
    ", on the other hand,",
    ", in contrast,",
    ", by contrast,",
    ", meanwhile,",
    ", however,",
];

/// Words that contrast two things within one sentence.
const WITHIN: [&str; 7] = [
    "while",
    "whereas",
    "unlike",
    "in contrast to",
    "as opposed to",
    "in contrast with",
    "on the other hand",
];

/// A sentence of the article, with what is known of where it is.
pub(crate) struct Sentence<'a> {
    pub(crate) no: usize,
    pub(crate) text: &'a str,
}

/// A drafted statement and which sentences (indices into the input) it used.
pub(crate) struct Found {
    pub(crate) statement: StatementDraft,
    pub(crate) used: Vec<usize>,
}

/// Finds the contrasting sentences among the sentences of one paragraph. With subjects known,
/// a sentence must name one of them.
pub(crate) fn from_paragraph(sentences: &[Sentence<'_>], subjects: &[String]) -> Vec<Found> {
    let mut found = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let leading = LEADING
            .iter()
            .find(|c| strip_prefix_ci(s.text, c).is_some())
            .map(|c| c.len());
        let inserted = INSERTED
            .iter()
            .find_map(|c| find_ci(s.text, c).map(|at| (at, c.len())));
        let within = WITHIN.iter().any(|w| !find_phrase(s.text, w).is_empty());
        // "However" alone marks too many sentences; it counts only between subjects.
        let however = strip_prefix_ci(s.text, "however, ").is_some()
            || find_ci(s.text, ", however,").is_some();
        if leading.is_none() && inserted.is_none() && !within {
            continue;
        }
        let mentioned = mentions(s.text, subjects);
        if !subjects.is_empty() && mentioned.is_empty() {
            continue;
        }
        let mut text = s.text.to_string();
        if let Some((at, len)) = inserted {
            text.replace_range(at..at + len, "");
        }
        if let Some(len) = leading {
            text = capitalize(&text[len..]);
        }
        let refers_back = leading.is_some() || inserted.is_some();
        // The other side of the contrast: the nearest earlier sentence that names a subject
        // this one does not.
        let counterpart = refers_back
            .then(|| {
                (0..i).rev().find(|&j| {
                    let other = mentions(sentences[j].text, subjects);
                    if subjects.is_empty() {
                        true
                    } else {
                        other.iter().any(|o| !mentioned.contains(o))
                    }
                })
            })
            .flatten();
        if however && counterpart.is_none() && !within {
            continue;
        }
        let mut used = vec![i];
        used.extend(counterpart);
        found.push(Found {
            statement: StatementDraft {
                no: s.no,
                text: text.clone(),
                answer: true,
                explain: counterpart.map(|j| sentences[j].text.to_string()),
            },
            used,
        });
        if within
            && !refers_back
            && let Some(swapped) = swap(&text, subjects)
        {
            found.push(Found {
                statement: StatementDraft {
                    no: s.no,
                    text: swapped,
                    answer: false,
                    explain: Some(format!(
                        "The subjects are swapped; the article says: \"{text}\""
                    )),
                },
                used: vec![i],
            });
        }
    }
    found
}

/// The subjects a sentence names (indices into `subjects`).
fn mentions(text: &str, subjects: &[String]) -> Vec<usize> {
    (0..subjects.len())
        .filter(|&k| !find_subject(text, &subjects[k]).is_empty())
        .collect()
}

/// The sentence with its two subjects swapped, when it names exactly two different subjects
/// once each. A plural stays plural, and "a" before a name becomes "an" where needed.
fn swap(text: &str, subjects: &[String]) -> Option<String> {
    let mut spots: Vec<(Range<usize>, bool, usize)> = Vec::new();
    for (k, subject) in subjects.iter().enumerate() {
        for (range, plural) in find_subject(text, subject) {
            spots.push((range, plural, k));
        }
    }
    spots.sort_by_key(|(r, _, _)| r.start);
    let [(first, p1, a), (second, p2, b)] = spots.as_slice() else {
        return None;
    };
    if a == b || first.end > second.start {
        return None;
    }
    let name = |range: &Range<usize>, is_plural: bool, other: usize| {
        let other = if is_plural {
            plural(&subjects[other])
        } else {
            subjects[other].clone()
        };
        in_case_of(&text[range.clone()], &other)
    };
    let mut out = String::new();
    push_after_article(&mut out, &text[..first.start], &name(first, *p1, *b));
    push_after_article(
        &mut out,
        &text[first.end..second.start],
        &name(second, *p2, *a),
    );
    out.push_str(&text[second.end..]);
    Some(out)
}

/// Appends `before` and then `name`, turning an "a" or "an" that ends `before` into the one
/// that `name` takes.
fn push_after_article(out: &mut String, before: &str, name: &str) {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    let trimmed = before.trim_end_matches(' ');
    let word_start = trimmed
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &trimmed[word_start..];
    let fixed = match (word, vowel) {
        ("a", true) => Some("an"),
        ("A", true) => Some("An"),
        ("an", false) => Some("a"),
        ("An", false) => Some("A"),
        _ => None,
    };
    match fixed {
        Some(article) if trimmed.len() < before.len() => {
            out.push_str(&trimmed[..word_start]);
            out.push_str(article);
            out.push_str(&before[trimmed.len()..]);
        }
        _ => out.push_str(before),
    }
    out.push_str(name);
}

/// `name` written in the case of `found`: all lower case, capitalized, or as the subject is
/// written.
fn in_case_of(found: &str, name: &str) -> String {
    let rest_lower = found.chars().skip(1).all(|c| !c.is_uppercase());
    if found.chars().all(|c| !c.is_uppercase()) {
        name.to_lowercase()
    } else if rest_lower {
        capitalize(&name.to_lowercase())
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &[&str]) -> Vec<(String, bool, Option<String>)> {
        let subjects = vec!["Tea".to_string(), "Coffee".into()];
        let sentences: Vec<Sentence> = text
            .iter()
            .enumerate()
            .map(|(i, t)| Sentence { no: i + 1, text: t })
            .collect();
        from_paragraph(&sentences, &subjects)
            .into_iter()
            .map(|f| (f.statement.text, f.statement.answer, f.statement.explain))
            .collect()
    }

    #[test]
    fn a_sentence_with_both_sides_gives_a_true_and_a_swapped_false_statement() {
        let found = run(&["Tea is brewed from leaves, while coffee is brewed from beans."]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].0,
            "Tea is brewed from leaves, while coffee is brewed from beans."
        );
        assert!(found[0].1);
        assert_eq!(
            found[1].0,
            "Coffee is brewed from leaves, while tea is brewed from beans."
        );
        assert!(!found[1].1);
    }

    #[test]
    fn a_connective_is_dropped_and_the_other_side_explains() {
        let found = run(&[
            "Tea is brewed from leaves.",
            "It is cheap.",
            "In contrast, coffee is brewed from roasted beans.",
            "Coffee, meanwhile, is often drunk in the morning.",
        ]);
        assert_eq!(
            found,
            [
                (
                    "Coffee is brewed from roasted beans.".to_string(),
                    true,
                    Some("Tea is brewed from leaves.".to_string())
                ),
                (
                    "Coffee is often drunk in the morning.".to_string(),
                    true,
                    Some("Tea is brewed from leaves.".to_string())
                ),
            ]
        );
    }

    #[test]
    fn sentences_without_a_contrast_or_a_subject_are_left() {
        assert!(run(&["Tea is brewed from leaves.", "Coffee is brewed from beans."]).is_empty());
        assert!(run(&["While the water boils, wait."]).is_empty());
    }

    #[test]
    fn plurals_and_articles_follow_the_swap() {
        let subjects = vec!["Alligator".to_string(), "Crocodile".into()];
        assert_eq!(
            swap(
                "An alligator has a wide snout, whereas a crocodile has a pointed one.",
                &subjects
            )
            .as_deref(),
            Some("A crocodile has a wide snout, whereas an alligator has a pointed one.")
        );
        assert_eq!(
            swap("Unlike crocodiles, alligators avoid salt water.", &subjects).as_deref(),
            Some("Unlike alligators, crocodiles avoid salt water.")
        );
    }

    #[test]
    fn case_follows_the_text() {
        assert_eq!(in_case_of("tea", "Coffee"), "coffee");
        assert_eq!(in_case_of("Tea", "Coffee"), "Coffee");
        assert_eq!(in_case_of("TCP", "UDP"), "UDP");
        assert_eq!(
            in_case_of("Production management", "Operation Management"),
            "Operation management"
        );
    }
}
