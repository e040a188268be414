//! The deck model: a validated deck and its cards. Values of these types are only built by the
//! loader, so downstream code can rely on them (non-empty text, balanced blanks, answers among
//! options, one cell per subject).
//!
//! Besides serde's `Serialize` (the JSON of `pmquiz show --format json`), the types derive rkyv's
//! traits for the binary form kept by [`super::cache`].

use serde::Serialize;
use std::path::PathBuf;

/// A loaded, validated deck.
#[derive(Debug, Clone, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Deck {
    pub id: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub tags: Vec<String>,
    pub cards: Vec<Card>,
    #[serde(skip)]
    #[rkyv(with = rkyv::with::Skip)]
    pub origin: Origin,
}

/// Where a deck was loaded from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// Also the value a deck read back from the cache has until the cache sets its file.
    #[default]
    BuiltIn,
    File(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::BuiltIn => f.write_str("built-in"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One card: common fields plus the content of its kind.
#[derive(Debug, Clone, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Card {
    pub id: String,
    /// The card's own tags followed by the deck's tags.
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
    #[serde(flatten)]
    pub content: Content,
}

/// What a card asks, by kind.
#[derive(Debug, Clone, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Content {
    /// A question and its answer.
    Card {
        question: String,
        answer: String,
        accept: Vec<String>,
        wrong: Vec<String>,
    },
    /// A term and its definition, with usage examples.
    Term {
        term: String,
        definition: String,
        examples: Vec<Cloze>,
        accept: Vec<String>,
        reverse: bool,
    },
    /// A statement that is true or false.
    Statement { text: String, answer: bool },
    /// Text with blanks to fill in.
    Cloze { text: String, cloze: Cloze },
    /// A question with explicit options.
    Choice {
        question: String,
        options: Vec<String>,
        answer: usize,
    },
    /// Subjects as columns, aspects as rows.
    Table {
        title: Option<String>,
        subjects: Vec<String>,
        rows: Vec<Row>,
    },
}

impl Content {
    /// The name of the kind, as written in deck files.
    pub fn kind(&self) -> &'static str {
        match self {
            Content::Card { .. } => "card",
            Content::Term { .. } => "term",
            Content::Statement { .. } => "statement",
            Content::Cloze { .. } => "cloze",
            Content::Choice { .. } => "choice",
            Content::Table { .. } => "table",
        }
    }
}

/// One row of a comparison table: reviewed as its own card, `TABLE-ID/ROW-ID`.
#[derive(Debug, Clone, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Row {
    pub id: String,
    pub aspect: String,
    pub cells: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
    pub tags: Vec<String>,
}

/// Text split into literal parts and blanks. Always has at least one blank.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct Cloze {
    pub segments: Vec<Segment>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Segment {
    Text(String),
    /// A blank: the first answer is the one shown as correct; all are accepted.
    Blank(Vec<String>),
}

impl Cloze {
    /// The text with every blank replaced by `gap`.
    pub fn with_gaps(&self, gap: &str) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Text(t) => t.as_str(),
                Segment::Blank(_) => gap,
            })
            .collect()
    }

    /// The text with every blank filled with its first answer.
    pub fn filled(&self) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Text(t) => t.as_str(),
                Segment::Blank(answers) => answers[0].as_str(),
            })
            .collect()
    }

    /// Accepted answers of each blank, in order.
    pub fn blanks(&self) -> Vec<Vec<String>> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Blank(answers) => Some(answers.clone()),
                Segment::Text(_) => None,
            })
            .collect()
    }
}

impl Deck {
    /// How many cards are reviewed: each card, with a table counting one card per row.
    pub fn card_count(&self) -> usize {
        self.cards
            .iter()
            .map(|c| match &c.content {
                Content::Table { rows, .. } => rows.len(),
                _ => 1,
            })
            .sum()
    }

    /// Ids of every reviewable item: each card, except tables, whose rows are reviewed one by one.
    pub fn review_ids(&self) -> Vec<String> {
        let mut ids = Vec::with_capacity(self.cards.len());
        for card in &self.cards {
            match &card.content {
                Content::Table { rows, .. } => ids.extend(rows.iter().map(|r| {
                    // Built by hand: `format!` takes twice as long, which shows with 100 000
                    // rows (`pmquiz stats`).
                    let mut id = String::with_capacity(card.id.len() + 1 + r.id.len());
                    id.push_str(&card.id);
                    id.push('/');
                    id.push_str(&r.id);
                    id
                })),
                _ => ids.push(card.id.clone()),
            }
        }
        ids
    }
}
