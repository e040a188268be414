//! The deck model: a validated deck and its cards. Values of these types are only built by the
//! loader, so downstream code can rely on them (non-empty text, balanced blanks, answers among
//! options, one cell per subject).
//!
//! Besides serde's `Serialize` (the JSON of `pmquiz show --format json`), the types derive rkyv's
//! traits for the binary form kept by [`super::cache`].

use crate::quiz::Kind;
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
    /// Names of the facts the card asks about: a session asks each fact once, whichever card
    /// and deck it comes from. Empty: the card is a fact of its own.
    #[serde(rename = "fact", skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
    /// The question kinds the card may be asked as; empty: those its kind is asked as by
    /// default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<Kind>,
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
        /// Words a typed answer must contain to be right, in any order; `a|b` gives
        /// alternatives.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        keywords: Vec<String>,
        /// Whether the answer is a list judged item by item; `None` leaves it to the answer's
        /// form.
        #[serde(skip_serializing_if = "Option::is_none")]
        list: Option<bool>,
        /// Asked only as a typed answer (the way Anki's "type in the answer" notes are).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        typed: bool,
    },
    /// A term and its definition, with usage examples.
    Term {
        term: String,
        definition: String,
        examples: Vec<Cloze>,
        accept: Vec<String>,
        reverse: bool,
        /// Terms whose meaning this term takes in (operation management includes production
        /// management): their definitions and this one's are never offered as each other's
        /// wrong answers.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        includes: Vec<String>,
        /// The definition fits this term only, not the terms it includes or that include it.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        exclusive: bool,
    },
    /// A statement that is true or false.
    Statement { text: String, answer: bool },
    /// Text with blanks to fill in.
    Cloze {
        text: String,
        cloze: Cloze,
        /// Whether every blank may be filled in any order; `None` lets blanks that form a list
        /// be interchangeable.
        #[serde(skip_serializing_if = "Option::is_none")]
        any_order: Option<bool>,
    },
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

impl Card {
    /// What the card (or its row `row`, for a table) asks about, in one line: the question,
    /// the term, the statement, the cloze text with gaps, or the row's aspect with its table.
    pub fn gist(&self, row: Option<usize>) -> String {
        let text = match &self.content {
            Content::Card { question, .. } | Content::Choice { question, .. } => question.clone(),
            Content::Term { term, .. } => term.clone(),
            Content::Statement { text, .. } => text.clone(),
            Content::Cloze { cloze, .. } => cloze.with_gaps("___"),
            Content::Table {
                title,
                subjects,
                rows,
            } => {
                let aspect = row.and_then(|r| rows.get(r)).map(|r| r.aspect.as_str());
                let table = title.clone().unwrap_or_else(|| subjects.join(" vs. "));
                match aspect {
                    Some(aspect) => format!("{aspect} ({table})"),
                    None => table,
                }
            }
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
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
    /// The facts the row asks about (see [`Card::facts`]).
    #[serde(rename = "fact", skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
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

    /// Groups of blanks (by index) that may be filled in any order, given the card's
    /// `any_order`: every blank, none, or by default the blanks of one list: blanks with only a
    /// list separator between them (`{{a}}, {{b}} and {{c}}`, `{{a}} or {{b}}`).
    pub fn interchangeable(&self, any_order: Option<bool>) -> Vec<Vec<usize>> {
        let count = self.blank_count();
        match any_order {
            Some(false) => return Vec::new(),
            Some(true) => {
                return if count > 1 {
                    vec![(0..count).collect()]
                } else {
                    Vec::new()
                };
            }
            None => {}
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut flush = |current: &mut Vec<usize>| {
            if current.len() > 1 {
                groups.push(current.clone());
            }
            current.clear();
        };
        let mut joined = false;
        let mut blank = 0;
        for segment in &self.segments {
            match segment {
                Segment::Blank(_) => {
                    if !joined {
                        flush(&mut current);
                    }
                    current.push(blank);
                    blank += 1;
                    joined = false;
                }
                Segment::Text(text) => joined = is_list_separator(text),
            }
        }
        flush(&mut current);
        groups
    }

    fn blank_count(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Blank(_)))
            .count()
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

/// Text between two blanks that only joins them as items of one list.
fn is_list_separator(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let punctuated = text.contains([',', ';']);
    match words.as_slice() {
        [] => punctuated,
        [w] => ["and", "or", "&", "and/or"].contains(&w.as_str()),
        _ => false,
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
                Content::Table { rows, .. } => {
                    ids.extend(rows.iter().map(|r| super::row_id(&card.id, &r.id)));
                }
                _ => ids.push(card.id.clone()),
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cloze(parts: &[&str]) -> Cloze {
        // Odd positions are blanks.
        Cloze {
            segments: parts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if i % 2 == 1 {
                        Segment::Blank(vec![p.to_string()])
                    } else {
                        Segment::Text(p.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn blanks_of_one_list_are_interchangeable() {
        let c = cloze(&[
            "Production management might adopt ",
            "Lean",
            " or ",
            "TQM",
            ", whereas operation management might use ",
            "Six Sigma",
            " or ",
            "BPR",
            ".",
        ]);
        assert_eq!(c.interchangeable(None), [vec![0, 1], vec![2, 3]]);
        assert_eq!(c.interchangeable(Some(true)), [vec![0, 1, 2, 3]]);
        assert!(c.interchangeable(Some(false)).is_empty());
        let c = cloze(&[
            "through ",
            "planning",
            ", ",
            "quality control",
            ", and ",
            "cost control",
            "",
        ]);
        assert_eq!(c.interchangeable(None), [vec![0, 1, 2]]);
        let c = cloze(&["machinery ", "downtime", ", quality ", "defects", ""]);
        assert!(c.interchangeable(None).is_empty());
    }

    #[test]
    fn a_gist_is_one_line_of_what_the_card_asks() {
        let deck = crate::deck::parse_deck(
            "[deck]\nname = \"d\"\n\n[[cloze]]\ntext = \"\"\"Water is made of\n{{hydrogen}} and oxygen.\"\"\"\n\n\
             [[table]]\nsubjects = [\"Tea\", \"Coffee\"]\n\n[[table.row]]\naspect = \"Origin\"\ncells = [\"China\", \"Ethiopia\"]\n",
            "d.toml",
            "d",
            Origin::BuiltIn,
        )
        .expect("valid");
        assert_eq!(deck.cards[0].gist(None), "Water is made of ___ and oxygen.");
        assert_eq!(deck.cards[1].gist(Some(0)), "Origin (Tea vs. Coffee)");
    }
}
