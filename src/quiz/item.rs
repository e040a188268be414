//! What can be asked: reviewable items (a card, or one row of a table) and the variants each
//! can be asked as. Enumerating variants is cheap; the text of a question is only built for the
//! variant chosen.

use super::pools::Pools;
use super::question::Kind;
use super::text::{Folded, reads_as_list, word_count};
use crate::deck::{Card, Content, Row};

/// Answers of more words than this are long: typed only with keywords or as a list.
const LONG_ANSWER_WORDS: usize = 4;

/// One way of asking an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    Flash {
        reverse: bool,
    },
    Mcq {
        reverse: bool,
    },
    Typed,
    Tf {
        truthful: bool,
    },
    Blank {
        example: usize,
    },
    /// Table: which subject does cell `cell` belong to?
    WhichSubject {
        cell: usize,
    },
    /// Table: what is subject `subject`'s value for the aspect?
    WhichValue {
        subject: usize,
    },
    /// Table: cell `cell` attributed to subject `claimed`.
    TableTf {
        cell: usize,
        claimed: usize,
    },
}

impl Variant {
    pub(super) fn kind(self) -> Kind {
        match self {
            Variant::Flash { .. } => Kind::Flash,
            Variant::Mcq { .. } | Variant::WhichSubject { .. } | Variant::WhichValue { .. } => {
                Kind::Mcq
            }
            Variant::Typed => Kind::Typed,
            Variant::Tf { .. } | Variant::TableTf { .. } => Kind::Tf,
            Variant::Blank { .. } => Kind::Blank,
        }
    }
}

/// A reviewable item: a card, or one row of a table card.
#[derive(Clone, Copy)]
pub(super) struct Item<'d> {
    /// Index of the deck in the session's decks.
    pub(super) deck: usize,
    pub(super) card: &'d Card,
    pub(super) row: Option<&'d Row>,
}

impl<'d> Item<'d> {
    /// The id its answers are recorded under: `TABLE/ROW` for a table row.
    pub(super) fn card_id(&self) -> String {
        match self.row {
            Some(row) => crate::deck::row_id(&self.card.id, &row.id),
            None => self.card.id.clone(),
        }
    }

    /// The row's tags, then the card's.
    pub(super) fn tags(&self) -> Vec<String> {
        let mut tags = self.row.map(|r| r.tags.clone()).unwrap_or_default();
        for t in &self.card.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags
    }

    /// The facts it asks about, as keys shared across decks: the names its deck gives it (a
    /// table row's own, else its table's), or else the item itself.
    pub(super) fn facts(&self, deck_id: &str) -> Vec<String> {
        let named: &[String] = match self.row {
            Some(row) if !row.facts.is_empty() => &row.facts,
            _ => &self.card.facts,
        };
        if named.is_empty() {
            vec![format!("\u{1f}{deck_id}\u{1f}{}", self.card_id())]
        } else {
            named.to_vec()
        }
    }
}

/// Appends the variants `item` can be asked as (before any session filter).
pub(super) fn variants(item: &Item<'_>, pools: &Pools<'_>, out: &mut Vec<Variant>) {
    let start = out.len();
    match (&item.card.content, item.row) {
        // Asked the way Anki asks its "type in the answer" notes, and no other way.
        (Content::Card { typed: true, .. }, _) => out.push(Variant::Typed),
        (
            Content::Card {
                answer,
                wrong,
                keywords,
                list,
                ..
            },
            _,
        ) => {
            out.push(Variant::Flash { reverse: false });
            if !wrong.is_empty() || pools.varied_answers {
                out.push(Variant::Mcq { reverse: false });
            }
            // A long answer is only typed when the card says how to judge it, or asks for it.
            if word_count(answer) <= LONG_ANSWER_WORDS
                || !keywords.is_empty()
                || item.card.kinds.contains(&Kind::Typed)
                || list.unwrap_or_else(|| reads_as_list(answer))
            {
                out.push(Variant::Typed);
            }
        }
        (
            Content::Term {
                examples, reverse, ..
            },
            _,
        ) => {
            // Another distinct term means other definitions and other terms to offer.
            let other_terms = pools.varied_terms;
            out.push(Variant::Flash { reverse: false });
            if other_terms {
                out.push(Variant::Mcq { reverse: false });
            }
            if *reverse {
                out.push(Variant::Flash { reverse: true });
                if other_terms {
                    out.push(Variant::Mcq { reverse: true });
                }
                out.push(Variant::Typed);
            }
            out.push(Variant::Tf { truthful: true });
            if other_terms {
                out.push(Variant::Tf { truthful: false });
            }
            out.extend((0..examples.len()).map(|example| Variant::Blank { example }));
        }
        (Content::Statement { .. }, _) => {
            out.push(Variant::Tf { truthful: true });
            // A statement is a true/false question; a flashcard only when the card asks for it.
            if item.card.kinds.contains(&Kind::Flash) {
                out.push(Variant::Flash { reverse: false });
            }
        }
        (Content::Cloze { .. }, _) => {
            out.push(Variant::Blank { example: 0 });
            out.push(Variant::Flash { reverse: false });
        }
        // Never a flashcard: without its options, "which of these…" has nothing to choose from.
        (Content::Choice { .. }, _) => out.push(Variant::Mcq { reverse: false }),
        (Content::Table { subjects, .. }, Some(row)) => {
            out.push(Variant::Flash { reverse: false });
            let cells: Vec<Folded> = row.cells.iter().map(|c| Folded::new(c)).collect();
            for cell in 0..subjects.len() {
                // Other cells that can stand as wrong: they do not say what this one says.
                let distinct = (0..cells.len()).any(|j| !cells[cell].overlaps(&cells[j]));
                if distinct {
                    out.push(Variant::WhichSubject { cell });
                    out.push(Variant::WhichValue { subject: cell });
                }
                for claimed in 0..subjects.len() {
                    if claimed == cell
                        || cells[cell].norm() == cells[claimed].norm()
                        || !cells[cell].overlaps(&cells[claimed])
                    {
                        out.push(Variant::TableTf { cell, claimed });
                    }
                }
            }
        }
        (Content::Table { .. }, None) => {}
    }
    if !item.card.kinds.is_empty() {
        let mut i = start;
        while i < out.len() {
            if item.card.kinds.contains(&out[i].kind()) {
                i += 1;
            } else {
                out.remove(i);
            }
        }
    }
}
