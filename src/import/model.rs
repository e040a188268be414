//! What a source file gave: cards bound for decks, and what was left out. The parsers fill it;
//! planning, checking and the report read it.

use crate::deck::{Cloze, Content, FileCard};
use std::collections::BTreeSet;

/// What one source file gave.
#[derive(Debug, Clone, Default)]
pub(crate) struct Imported {
    pub(crate) cards: Vec<ImportedCard>,
    /// Notes (or rows, or blocks) not imported, and why.
    pub(crate) skipped: Vec<Skipped>,
    /// Media files the cards referred to; pmquiz shows text only.
    pub(crate) media: BTreeSet<String>,
    /// Per note type (or kind of row): what it became and how many.
    pub(crate) by_type: Vec<TypeCount>,
    pub(crate) warnings: Vec<String>,
}

/// One card and where it goes.
#[derive(Debug, Clone)]
pub(crate) struct ImportedCard {
    /// The source's deck: Anki's `A::B`, a CSV deck column, a Markdown file's deck name.
    pub(crate) deck: String,
    pub(crate) card: FileCard,
    /// Anki's ids of the cards this one stands for, whose review history it takes.
    pub(crate) anki_cards: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// The note, row or block, as the user would recognise it.
    pub(crate) note: String,
    pub(crate) reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeCount {
    pub(crate) name: String,
    /// What the source calls one entry: `note`, `row`, `block`.
    pub(crate) unit: &'static str,
    pub(crate) mapped_as: &'static str,
    pub(crate) notes: usize,
    pub(crate) cards: usize,
}

/// A question/answer card.
pub(crate) fn qa_card(question: String, answer: String, typed: bool) -> Content {
    Content::Card {
        question,
        answer,
        accept: Vec::new(),
        wrong: Vec::new(),
        keywords: Vec::new(),
        list: None,
        typed,
    }
}

/// A term and its definition, asked backwards too when `reverse`.
pub(crate) fn term_card(term: String, definition: String, reverse: bool) -> Content {
    Content::Term {
        term,
        definition,
        examples: Vec::new(),
        accept: Vec::new(),
        reverse,
        includes: Vec::new(),
        exclusive: false,
    }
}

/// A fill-in-the-blank card.
pub(crate) fn cloze_card(cloze: Cloze) -> Content {
    Content::Cloze {
        text: String::new(),
        cloze,
        any_order: None,
    }
}
