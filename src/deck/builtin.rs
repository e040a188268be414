//! The built-in decks, compiled into the binary so pmquiz works from any directory.

use super::load::parse_deck;
use super::model::{Deck, Origin};

/// `(id, TOML text)` of every built-in deck, in the order they are listed.
pub(crate) const BUILTIN: [(&str, &str); 3] = [
    ("differences", include_str!("../../decks/differences.toml")),
    ("definitions", include_str!("../../decks/definitions.toml")),
    ("faq", include_str!("../../decks/faq.toml")),
];

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
