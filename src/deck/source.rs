//! A deck as sessions and statistics read it: its header, its reviewable items, its cards one at
//! a time, and the answers and terms that wrong options are drawn from.
//!
//! A parsed [`Deck`] holds every card in memory; a deck read in place from the deck cache
//! (`crate::library`) builds a card only when it is asked for, and reads its item list, ids and
//! pools without building any card. Both answer through [`DeckSource`], so the question generator
//! and the statistics work the same on either, and give the same results.

use super::model::{Card, Content, Deck, Origin};
use rkyv::primitive::ArchivedU32;
use std::borrow::Cow;
use std::collections::HashMap;

/// Where a reviewable item is in its deck: a card, or one row of a table card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    /// Index of the card in the deck.
    pub card: u32,
    /// Index of the row, for a table card.
    pub row: Option<u32>,
}

/// A list of strings borrowed from a parsed deck or from a deck cache entry.
#[derive(Debug, Clone, Copy)]
pub enum Strs<'a> {
    Parsed(&'a [String]),
    /// Strings kept one after another in `text`, string `i` ending at `ends[i]`: those listed.
    Packed {
        text: &'a str,
        ends: &'a [ArchivedU32],
        list: &'a [ArchivedU32],
    },
}

/// String `i` of strings kept one after another in `text` (see [`Strs::Packed`]); empty when
/// `i` is out of range or does not fall on character boundaries.
pub fn packed<'a>(text: &'a str, ends: &[ArchivedU32], i: usize) -> &'a str {
    let end = ends.get(i).map_or(0, |e| e.to_native() as usize);
    let start = match i {
        0 => 0,
        _ => ends.get(i - 1).map_or(0, |e| e.to_native() as usize),
    };
    text.get(start..end).unwrap_or_default()
}

impl<'a> Strs<'a> {
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        let (parsed, in_text) = match self {
            Strs::Parsed(list) => (list, None),
            Strs::Packed { text, ends, list } => (&[][..], Some((text, ends, list))),
        };
        let (text, ends, list) = in_text.unwrap_or(("", &[], &[]));
        parsed.iter().map(String::as_str).chain(
            list.iter()
                .map(move |i| packed(text, ends, i.to_native() as usize)),
        )
    }

    pub fn is_empty(self) -> bool {
        match self {
            Strs::Parsed(list) => list.is_empty(),
            Strs::Packed { list, .. } => list.is_empty(),
        }
    }

    pub fn contains(self, text: &str) -> bool {
        self.iter().any(|s| s == text)
    }
}

/// The answer of a question/answer card, a source of wrong options for other cards.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub text: &'a str,
    /// The card's tags: answers of cards that share a tag are offered first.
    pub tags: Strs<'a>,
}

/// The term and definition of a term card.
#[derive(Debug, Clone, Copy)]
pub struct Term<'a> {
    pub term: &'a str,
    /// The term normalized (`crate::quiz::normalize`), when the deck keeps it: a cached deck
    /// does, so that indexing its terms normalizes none of them.
    pub normalized: Option<&'a str>,
    pub definition: &'a str,
    pub exclusive: bool,
    pub includes: Strs<'a>,
}

/// What sessions and statistics read of a deck. Items are in deck order: each card, except
/// tables, whose rows are items one by one.
pub trait DeckSource {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn description(&self) -> &str;
    fn origin(&self) -> &Origin;
    /// How many items are reviewed (see [`Deck::card_count`]).
    fn card_count(&self) -> usize;
    /// The items that carry one of `tags` (their row's tags or their card's), or every item
    /// when `tags` is empty, in deck order.
    fn slots(&self, tags: &[String]) -> Vec<Slot>;
    /// The item of each review id (`CARD` or `TABLE/ROW`), if the deck has it.
    fn find(&self, review_ids: &[&str]) -> Vec<Option<Slot>>;
    /// The card at `index`; `None` only when the index is out of range.
    fn card(&self, index: u32) -> Option<&Card>;
    /// The review id of every item, in deck order.
    fn review_ids(&self) -> Vec<Cow<'_, str>>;
    /// The answers of the question/answer cards, in deck order.
    fn answers(&self) -> Vec<Answer<'_>>;
    /// The term cards, in deck order.
    fn terms(&self) -> Vec<Term<'_>>;
    /// The whole deck, every card built.
    fn to_deck(&self) -> Deck;
}

/// The review id of a table row.
pub fn row_id(card: &str, row: &str) -> String {
    // Built by hand: `format!` takes twice as long, which shows with 100 000 rows.
    let mut id = String::with_capacity(card.len() + 1 + row.len());
    id.push_str(card);
    id.push('/');
    id.push_str(row);
    id
}

/// The answers and terms of cards, in order: how a parsed deck and the cache collect them.
pub(crate) fn pool_entries<'a>(
    cards: impl IntoIterator<Item = &'a Card>,
    answers: &mut Vec<Answer<'a>>,
    terms: &mut Vec<Term<'a>>,
) {
    for card in cards {
        match &card.content {
            Content::Card { answer, .. } => answers.push(Answer {
                text: answer,
                tags: Strs::Parsed(&card.tags),
            }),
            Content::Term {
                term,
                definition,
                exclusive,
                includes,
                ..
            } => terms.push(Term {
                term,
                normalized: None,
                definition,
                exclusive: *exclusive,
                includes: Strs::Parsed(includes),
            }),
            _ => {}
        }
    }
}

impl DeckSource for Deck {
    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn origin(&self) -> &Origin {
        &self.origin
    }

    fn card_count(&self) -> usize {
        Deck::card_count(self)
    }

    fn slots(&self, tags: &[String]) -> Vec<Slot> {
        let tagged = |own: &[String]| own.iter().any(|t| tags.contains(t));
        let mut slots = Vec::with_capacity(self.cards.len());
        for (i, card) in self.cards.iter().enumerate() {
            let card_index = i as u32;
            let card_tagged = tags.is_empty() || tagged(&card.tags);
            match &card.content {
                Content::Table { rows, .. } => {
                    for (r, row) in rows.iter().enumerate() {
                        if card_tagged || tagged(&row.tags) {
                            slots.push(Slot {
                                card: card_index,
                                row: Some(r as u32),
                            });
                        }
                    }
                }
                _ if card_tagged => slots.push(Slot {
                    card: card_index,
                    row: None,
                }),
                _ => {}
            }
        }
        slots
    }

    fn find(&self, review_ids: &[&str]) -> Vec<Option<Slot>> {
        // One pass over the cards, looking each item up among the wanted ids, without building
        // an id per item: a table row's id `TABLE/ROW` is split instead (ids never hold `/`).
        let mut wanted: HashMap<(&str, Option<&str>), Vec<usize>> = HashMap::new();
        for (i, id) in review_ids.iter().enumerate() {
            let key = match id.split_once('/') {
                Some((card, row)) => (card, Some(row)),
                None => (*id, None),
            };
            wanted.entry(key).or_default().push(i);
        }
        let mut found = vec![None; review_ids.len()];
        for (c, card) in self.cards.iter().enumerate() {
            let mut hit = |row: Option<(usize, &str)>| {
                if let Some(at) = wanted.get(&(card.id.as_str(), row.map(|r| r.1))) {
                    for &i in at {
                        found[i].get_or_insert(Slot {
                            card: c as u32,
                            row: row.map(|r| r.0 as u32),
                        });
                    }
                }
            };
            match &card.content {
                Content::Table { rows, .. } => {
                    for (r, row) in rows.iter().enumerate() {
                        hit(Some((r, &row.id)));
                    }
                }
                _ => hit(None),
            }
        }
        found
    }

    fn card(&self, index: u32) -> Option<&Card> {
        self.cards.get(index as usize)
    }

    fn review_ids(&self) -> Vec<Cow<'_, str>> {
        Deck::review_ids(self).into_iter().map(Cow::Owned).collect()
    }

    fn answers(&self) -> Vec<Answer<'_>> {
        let mut answers = Vec::new();
        pool_entries(&self.cards, &mut answers, &mut Vec::new());
        answers
    }

    fn terms(&self) -> Vec<Term<'_>> {
        let mut terms = Vec::new();
        pool_entries(&self.cards, &mut Vec::new(), &mut terms);
        terms
    }

    fn to_deck(&self) -> Deck {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse_deck;

    const DECK: &str = r#"
[deck]
name = "Source"
tags = ["all"]

[[card]]
id = "q"
question = "Q?"
answer = "A"
tags = ["qa"]

[[table]]
id = "t"
subjects = ["X", "Y"]
[[table.row]]
aspect = "one"
cells = ["1", "2"]
tags = ["rows"]
[[table.row]]
aspect = "two"
cells = ["3", "4"]

[[term]]
id = "lean"
term = "Lean"
definition = "Less waste."
"#;

    #[test]
    fn a_parsed_deck_finds_its_items_by_review_id() {
        let deck = parse_deck(DECK, "s.toml", "s", Origin::BuiltIn).unwrap();
        let slots = deck.slots(&[]);
        assert_eq!(slots.len(), deck.card_count());
        let ids: Vec<String> = DeckSource::review_ids(&deck)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        assert_eq!(ids, ["q", "t/one", "t/two", "lean"]);
        let wanted: Vec<&str> = vec!["t/two", "nope", "q", "t", "q"];
        let found = deck.find(&wanted);
        let q = Some(Slot { card: 0, row: None });
        assert_eq!(
            found,
            [
                Some(Slot {
                    card: 1,
                    row: Some(1)
                }),
                None,
                q,
                None,
                q
            ]
        );
        assert_eq!(deck.slots(&["rows".into()]), [slots[1]]);
        assert_eq!(deck.slots(&["all".into()]), slots);
        assert_eq!(deck.slots(&["qa".into(), "rows".into()]), slots[..2]);
        assert_eq!(deck.answers().len(), 1);
        assert_eq!(deck.terms()[0].term, "Lean");
    }
}
