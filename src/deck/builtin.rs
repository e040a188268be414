//! The built-in decks, compiled into the binary so pmquiz works from any directory.

use super::load::parse_deck;
use super::model::{Deck, Origin};

/// `(id, TOML text)` of every built-in deck, in the order they are listed.
pub(crate) const BUILTIN: [(&str, &str); 3] = [
    ("differences", include_str!("../../decks/differences.toml")),
    ("definitions", include_str!("../../decks/definitions.toml")),
    ("faq", include_str!("../../decks/faq.toml")),
];

/// The ids of the built-in decks, without parsing them (each deck's `id` is its key here).
pub(crate) fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(id, _)| *id)
}

/// Parses the built-in decks. They are checked by the test suite, so a failure here is a bug.
pub fn builtin_decks() -> Vec<Deck> {
    BUILTIN
        .iter()
        .map(|(id, text)| {
            let path = format!("decks/{id}.toml");
            parse_deck(text, &path, id, Origin::BuiltIn).unwrap_or_else(|errors| {
                let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
                panic!("built-in deck {id} is invalid:\n{}", shown.join("\n"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Content;
    use crate::quiz::{Folded, reads_as_list, shape, word_count};

    #[test]
    fn builtin_ids_are_the_decks_ids() {
        let parsed: Vec<String> = builtin_decks().into_iter().map(|d| d.id).collect();
        assert_eq!(parsed, builtin_ids().collect::<Vec<_>>());
    }

    /// Every `[[card]]` and `[[choice]]` of the built-in decks: `(deck/card, answer, accepted
    /// forms, written wrong options)`.
    fn written_choices() -> Vec<(String, String, Vec<String>, Vec<String>)> {
        let mut out = Vec::new();
        for deck in builtin_decks() {
            for card in &deck.cards {
                let id = format!("{}/{}", deck.id, card.id);
                match &card.content {
                    Content::Card {
                        answer,
                        accept,
                        wrong,
                        ..
                    } => out.push((id, answer.clone(), accept.clone(), wrong.clone())),
                    Content::Choice {
                        options, answer, ..
                    } => {
                        let mut wrong = options.clone();
                        let right = wrong.remove(*answer);
                        out.push((id, right, Vec::new(), wrong));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    #[test]
    fn written_wrong_options_have_the_shape_of_the_answer() {
        let mut problems = Vec::new();
        for (id, answer, _, wrong) in written_choices() {
            let own = shape(&answer);
            for w in wrong {
                let s = shape(&w);
                if s != own {
                    problems.push(format!("{id}: `{answer}` {own:?}\n    `{w}` {s:?}"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn written_wrong_options_are_really_wrong() {
        let mut problems = Vec::new();
        for (id, answer, accept, wrong) in written_choices() {
            for right in std::iter::once(&answer).chain(&accept) {
                for w in &wrong {
                    if Folded::new(right).overlaps(&Folded::new(w)) {
                        problems.push(format!("{id}: `{w}` overlaps the right `{right}`"));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn false_statements_are_not_made_false_by_an_absolute() {
        const ABSOLUTE: [&str; 14] = [
            "only",
            "never",
            "nothing",
            "none",
            "all",
            "every",
            "always",
            "entirely",
            "exactly",
            "completely",
            "solely",
            "alone",
            "any",
            "whatsoever",
        ];
        let mut problems = Vec::new();
        for deck in builtin_decks() {
            for card in &deck.cards {
                if let Content::Statement {
                    text,
                    answer: false,
                } = &card.content
                {
                    let norm = crate::quiz::normalize(text);
                    if let Some(w) = norm.split_whitespace().find(|w| ABSOLUTE.contains(w)) {
                        problems.push(format!("{}: `{w}` in `{text}`", card.id));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn long_answers_say_how_to_judge_them_typed() {
        for deck in builtin_decks() {
            for card in &deck.cards {
                if let Content::Card {
                    answer,
                    keywords,
                    list,
                    ..
                } = &card.content
                {
                    assert!(
                        word_count(answer) <= 4
                            || !keywords.is_empty()
                            || list.unwrap_or_else(|| reads_as_list(answer)),
                        "{}: `{answer}` needs keywords or a list",
                        card.id
                    );
                }
            }
        }
    }

    #[test]
    fn every_builtin_deck_is_valid_and_named_by_its_id() {
        for deck in builtin_decks() {
            assert!(!deck.cards.is_empty(), "{}", deck.id);
            assert!(!deck.source.is_empty(), "{} names its source", deck.id);
        }
        let ids: Vec<String> = builtin_decks().into_iter().map(|d| d.id).collect();
        assert_eq!(ids, ["differences", "definitions", "faq"]);
    }
}
