//! Content-derived card ids: stable across runs, machines and pmquiz versions.

use super::model::{Content, Deck};
use std::collections::{HashMap, HashSet};
use xxhash_rust::xxh3::xxh3_64;

/// `kind-` and 16 hex digits: the 64-bit XXH3 hash of the kind and the card's identifying text
/// ([`id_text`]). With 64 bits, a deck of a million cards has about one chance in 36 million of
/// two cards getting the same id.
pub fn derived_id(kind: &str, text: &str) -> String {
    let mut input = Vec::with_capacity(kind.len() + 1 + text.len());
    input.extend_from_slice(kind.as_bytes());
    input.push(0);
    input.extend_from_slice(text.as_bytes());
    format!("{kind}-{:016x}", xxh3_64(&input))
}

/// The id pmquiz derived before 64-bit ids: `kind-` and 8 hex digits, the top 32 bits of a
/// 64-bit FNV-1a hash. History recorded under these ids moves to the new ones (see
/// `Store::adopt_ids`), so the function stays as long as such histories may exist.
pub(crate) fn legacy_derived_id(kind: &str, text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in kind.bytes().chain([0]).chain(text.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{kind}-{:08x}", hash >> 32)
}

/// The text a card without an explicit `id` is identified by: its question, term and
/// definition, statement or cloze text, or a table's title and subjects. Rewording it gives the
/// card a new id (and a fresh schedule); editing anything else keeps the id.
pub(crate) fn id_text(content: &Content) -> String {
    match content {
        Content::Card { question, .. } | Content::Choice { question, .. } => question.clone(),
        Content::Term {
            term, definition, ..
        } => format!("{term}\u{1f}{definition}"),
        Content::Statement { text, .. } | Content::Cloze { text, .. } => text.clone(),
        Content::Table {
            title, subjects, ..
        } => {
            let mut key = title.clone().unwrap_or_default();
            for s in subjects {
                key.push('\u{1f}');
                key.push_str(s);
            }
            key
        }
    }
}

/// Pairs `(old, new)` for the cards of `deck` whose id was derived from their text and whose
/// [`legacy_derived_id`] is among `old_ids` (table rows: `TABLE/ROW` with the table's old and new
/// id). Cards with an explicit `id` keep it and never appear. An old id that two cards of the
/// deck share (the 32-bit clash the new ids fix) is left out: its history cannot be told apart.
pub(crate) fn legacy_renames(deck: &Deck, old_ids: &[String]) -> Vec<(String, String)> {
    let wanted: HashSet<&str> = old_ids.iter().map(String::as_str).collect();
    let mut found: HashMap<String, Option<String>> = HashMap::new();
    let mut add = |old: String, new: String| {
        if wanted.contains(old.as_str()) {
            found
                .entry(old)
                .and_modify(|seen| *seen = None)
                .or_insert(Some(new));
        }
    };
    for card in &deck.cards {
        let kind = card.content.kind();
        let text = id_text(&card.content);
        if card.id != derived_id(kind, &text) {
            continue;
        }
        let old = legacy_derived_id(kind, &text);
        if let Content::Table { rows, .. } = &card.content {
            for row in rows {
                add(
                    format!("{old}/{}", row.id),
                    super::row_id(&card.id, &row.id),
                );
            }
        }
        add(old, card.id.clone());
    }
    let mut renames: Vec<(String, String)> = found
        .into_iter()
        .filter_map(|(old, new)| Some((old, new?)))
        .collect();
    renames.sort();
    renames
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_depend_on_kind_and_text() {
        // Fixed values: changing the hash would orphan every derived id's history.
        assert_eq!(derived_id("card", "What is TQM?"), "card-cc803082a2596507");
        assert_eq!(
            legacy_derived_id("card", "What is TQM?"),
            "card-a7d2f888",
            "the ids pmquiz 0.1 derived"
        );
        assert_ne!(derived_id("card", "a"), derived_id("cloze", "a"));
        assert_ne!(derived_id("card", "a"), derived_id("card", "b"));
    }

    #[test]
    fn old_ids_of_derived_cards_and_table_rows_map_to_the_new_ones() {
        let deck = crate::deck::parse_deck(
            r#"
[deck]
id = "d"
name = "D"

[[card]]
question = "Q1"
answer = "A1"

[[card]]
id = "kept"
question = "Q2"
answer = "A2"

[[table]]
subjects = ["x", "y"]
[[table.row]]
aspect = "Size"
cells = ["1", "2"]
"#,
            "d.toml",
            "d",
            crate::deck::Origin::BuiltIn,
        )
        .unwrap();
        let q1_old = legacy_derived_id("card", "Q1");
        let table_old = legacy_derived_id("table", "\u{1f}x\u{1f}y");
        let table_new = &deck.cards[2].id;
        let old_ids = vec![
            q1_old.clone(),
            legacy_derived_id("card", "Q2"),
            format!("{table_old}/size"),
            "card-00000000".to_string(),
        ];
        assert_eq!(
            legacy_renames(&deck, &old_ids),
            vec![
                (q1_old, deck.cards[0].id.clone()),
                (format!("{table_old}/size"), format!("{table_new}/size")),
            ]
        );
    }

    #[test]
    fn plain_cards_of_a_large_deck_get_distinct_ids() {
        let question = |i: usize| format!("What is the capital of country {i}?");
        // The 32-bit ids clashed in decks of this size ("duplicate card id" on two cards
        // without ids): these two got the same one.
        assert_eq!(
            legacy_derived_id("card", &question(41_679)),
            legacy_derived_id("card", &question(74_894))
        );
        let mut ids: Vec<String> = (0..130_000)
            .map(|i| derived_id("card", &question(i)))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 130_000);
    }
}
