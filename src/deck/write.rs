//! Writing decks as TOML: the deck files made by `pmquiz import`, in the format
//! [`super::parse_deck`] reads. Pure: text in memory, no disk.

use super::model::{Cloze, Content, Row, Segment};
use std::fmt::Write as _;

/// A deck about to be written: its header and its cards.
#[derive(Debug, Clone, Default)]
pub(crate) struct DeckFile {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) source: String,
    pub(crate) cards: Vec<FileCard>,
}

/// One card as written. Without an `id`, the loader derives one from the card's text.
#[derive(Debug, Clone)]
pub(crate) struct FileCard {
    pub(crate) id: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) explain: Option<String>,
    pub(crate) content: Content,
}

/// The TOML text of a deck, with the line (1-based) where each card's header is, so that a
/// problem the loader reports can be traced back to its card.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    pub(crate) text: String,
    pub(crate) card_lines: Vec<usize>,
}

impl Written {
    /// The index of the card whose text holds `line`.
    pub(crate) fn card_at(&self, line: usize) -> Option<usize> {
        self.card_lines.iter().rposition(|&start| start <= line)
    }
}

/// Renders a deck as TOML.
pub(crate) fn to_toml(deck: &DeckFile) -> Written {
    let mut out = String::new();
    out.push_str("[deck]\n");
    field(&mut out, "id", &deck.id);
    field(&mut out, "name", &deck.name);
    if !deck.description.is_empty() {
        field(&mut out, "description", &deck.description);
    }
    if !deck.source.is_empty() {
        field(&mut out, "source", &deck.source);
    }
    let mut card_lines = Vec::with_capacity(deck.cards.len());
    let mut line = out.lines().count() + 1;
    for card in &deck.cards {
        out.push('\n');
        line += 1;
        card_lines.push(line);
        let start = out.len();
        write_card(&mut out, card);
        line += out[start..].matches('\n').count();
    }
    Written {
        text: out,
        card_lines,
    }
}

fn write_card(out: &mut String, card: &FileCard) {
    let _ = writeln!(out, "[[{}]]", card.content.kind());
    if let Some(id) = &card.id {
        field(out, "id", id);
    }
    match &card.content {
        Content::Card {
            question,
            answer,
            accept,
            wrong,
            keywords,
            list: as_list,
            typed,
        } => {
            field(out, "question", question);
            field(out, "answer", answer);
            list(out, "accept", accept);
            list(out, "wrong", wrong);
            list(out, "keywords", keywords);
            if let Some(as_list) = as_list {
                let _ = writeln!(out, "list = {as_list}");
            }
            if *typed {
                out.push_str("typed = true\n");
            }
        }
        Content::Term {
            term,
            definition,
            examples,
            accept,
            reverse,
            includes,
            exclusive,
        } => {
            field(out, "term", term);
            field(out, "definition", definition);
            let examples: Vec<String> = examples.iter().map(cloze_source).collect();
            list(out, "examples", &examples);
            list(out, "accept", accept);
            if !reverse {
                out.push_str("reverse = false\n");
            }
            list(out, "includes", includes);
            if *exclusive {
                out.push_str("exclusive = true\n");
            }
        }
        Content::Statement { text, answer } => {
            field(out, "text", text);
            let _ = writeln!(out, "answer = {answer}");
        }
        Content::Cloze {
            cloze, any_order, ..
        } => {
            field(out, "text", &cloze_source(cloze));
            if let Some(any_order) = any_order {
                let _ = writeln!(out, "any_order = {any_order}");
            }
        }
        Content::Choice {
            question,
            options,
            answer,
        } => {
            field(out, "question", question);
            list(out, "options", options);
            field(out, "answer", &options[*answer]);
        }
        Content::Table {
            title,
            subjects,
            rows,
        } => {
            if let Some(title) = title {
                field(out, "title", title);
            }
            list(out, "subjects", subjects);
            common(out, card);
            for row in rows {
                write_row(out, row);
            }
            return;
        }
    }
    common(out, card);
}

/// The fields every card has, after its own.
fn common(out: &mut String, card: &FileCard) {
    if let Some(explain) = &card.explain {
        field(out, "explain", explain);
    }
    list(out, "tags", &card.tags);
}

fn write_row(out: &mut String, row: &Row) {
    out.push_str("\n[[table.row]]\n");
    field(out, "id", &row.id);
    field(out, "aspect", &row.aspect);
    list(out, "cells", &row.cells);
    if let Some(explain) = &row.explain {
        field(out, "explain", explain);
    }
    list(out, "tags", &row.tags);
    list(out, "fact", &row.facts);
}

/// Cloze text in the deck format: `{{answer|alternative}}` for each blank. Text that the format
/// would read as markup (`{{`, `}}`) is split with a space, and characters that separate
/// answers inside a blank (`|`) become `/`.
pub(crate) fn cloze_source(cloze: &Cloze) -> String {
    let several = cloze.blanks().len() > 1;
    let mut out = String::new();
    for segment in &cloze.segments {
        match segment {
            Segment::Text(text) => join(&mut out, &plain(text)),
            Segment::Blank(answers) => {
                join(&mut out, "{{");
                let answers: Vec<String> = answers
                    .iter()
                    .map(|a| {
                        let a = plain(a).replace('|', "/");
                        if several { a.replace(';', ",") } else { a }
                    })
                    .collect();
                join(&mut out, &answers.join("|"));
                join(&mut out, "}}");
            }
        }
    }
    out
}

/// Appends `piece`, with a space between braces of one kind that would otherwise meet: the
/// format reads `{{{` and `}}}` as mistakes. Spaces around a blank's answer do not count.
fn join(out: &mut String, piece: &str) {
    let meet = out.chars().next_back().zip(piece.chars().next());
    if meet.is_some_and(|(a, b)| a == b && (a == '{' || a == '}')) {
        out.push(' ');
    }
    out.push_str(piece);
}

/// Text with the cloze markers `{{` and `}}` broken up, so that it stays literal.
fn plain(text: &str) -> String {
    let mut out = text.replace("{{", "{ {").replace("}}", "} }");
    // `{ {{` from `{{{`: repeat until no doubled brace is left.
    while out.contains("{{") || out.contains("}}") {
        out = out.replace("{{", "{ {").replace("}}", "} }");
    }
    out
}

fn field(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {}", toml::Value::String(printable(value)));
}

/// `text` without the control characters a deck may not hold (text from another tool can carry
/// them): line breaks and tabs stay.
fn printable(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

fn list(out: &mut String, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    let items: Vec<String> = values
        .iter()
        .map(|v| toml::Value::String(printable(v)).to_string())
        .collect();
    let _ = writeln!(out, "{key} = [{}]", items.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Card, Origin, parse_deck};

    fn blank(answers: &[&str]) -> Segment {
        Segment::Blank(answers.iter().map(|a| a.to_string()).collect())
    }

    fn text(t: &str) -> Segment {
        Segment::Text(t.to_string())
    }

    fn card(id: Option<&str>, content: Content) -> FileCard {
        FileCard {
            id: id.map(str::to_string),
            tags: vec!["imported".to_string(), "geo::europe".to_string()],
            explain: Some("Line one\nline \"two\"".to_string()),
            content,
        }
    }

    #[test]
    fn braces_next_to_a_blank_are_kept_apart() {
        let cloze = Cloze {
            segments: vec![text("the set {"), blank(&["{1, 2}"]), text("} here")],
        };
        let written = cloze_source(&cloze);
        assert_eq!(written, "the set { {{ {1, 2} }} } here");
        let deck = format!(
            "[deck]\nname = \"d\"\n\n[[cloze]]\ntext = {}\n",
            toml::Value::String(written)
        );
        let deck = parse_deck(&deck, "d.toml", "d", Origin::BuiltIn).expect("valid");
        let Content::Cloze { cloze, .. } = &deck.cards[0].content else {
            panic!()
        };
        assert_eq!(cloze.blanks(), [["{1, 2}"]]);
    }

    fn every_kind() -> DeckFile {
        let cloze = Cloze {
            segments: vec![
                text("{{Water}} is made of "),
                blank(&["hydrogen", "H"]),
                text(" and "),
                blank(&["oxygen; O", "a|b"]),
                text("."),
            ],
        };
        DeckFile {
            id: "imported-deck".to_string(),
            name: "Imported: \"quotes\" and 'apostrophes'".to_string(),
            description: String::new(),
            source: "anki.apkg".to_string(),
            cards: vec![
                card(
                    Some("n1"),
                    Content::Card {
                        question: "What is\nthe capital of France?".to_string(),
                        answer: "Paris, the capital".to_string(),
                        accept: vec!["paris, france".to_string()],
                        wrong: Vec::new(),
                        keywords: vec!["capital".to_string()],
                        list: Some(false),
                        typed: true,
                    },
                ),
                card(
                    None,
                    Content::Term {
                        term: "Fjord".to_string(),
                        definition: "A narrow inlet".to_string(),
                        examples: Vec::new(),
                        accept: Vec::new(),
                        reverse: false,
                        includes: Vec::new(),
                        exclusive: true,
                    },
                ),
                card(
                    Some("n3-c1"),
                    Content::Cloze {
                        text: String::new(),
                        cloze,
                        any_order: Some(true),
                    },
                ),
                card(
                    None,
                    Content::Statement {
                        text: "Water boils at 100 °C at sea level.".to_string(),
                        answer: true,
                    },
                ),
                card(
                    None,
                    Content::Choice {
                        question: "Which?".to_string(),
                        options: vec!["A".to_string(), "B".to_string()],
                        answer: 1,
                    },
                ),
                card(
                    Some("chart"),
                    Content::Table {
                        title: None,
                        subjects: vec!["X".to_string(), "Y".to_string()],
                        rows: vec![Row {
                            id: "focus".to_string(),
                            aspect: "Focus".to_string(),
                            cells: vec!["x".to_string(), "y".to_string()],
                            explain: None,
                            tags: Vec::new(),
                            facts: vec!["x-focus".to_string()],
                        }],
                    },
                ),
            ],
        }
    }

    fn load(written: &Written) -> Vec<Card> {
        match parse_deck(&written.text, "out.toml", "out", Origin::BuiltIn) {
            Ok(deck) => deck.cards,
            Err(e) => panic!("{}\n{e:?}", written.text),
        }
    }

    #[test]
    fn control_characters_from_other_tools_are_left_out() {
        let deck = DeckFile {
            id: "d".to_string(),
            name: "A\u{7} deck".to_string(),
            description: String::new(),
            source: String::new(),
            cards: vec![card(
                None,
                Content::Card {
                    question: "Red \u{1b}[31mtext\r\nand\ta tab?".to_string(),
                    answer: "yes\u{8}".to_string(),
                    accept: vec!["y\u{0}".to_string()],
                    wrong: Vec::new(),
                    keywords: Vec::new(),
                    list: None,
                    typed: false,
                },
            )],
        };
        let written = to_toml(&deck);
        let cards = load(&written);
        let Content::Card {
            question,
            answer,
            accept,
            ..
        } = &cards[0].content
        else {
            panic!()
        };
        assert_eq!(question, "Red [31mtext\nand\ta tab?");
        assert_eq!(answer, "yes");
        assert_eq!(accept, &["y"]);
    }

    #[test]
    fn every_kind_is_written_as_the_loader_reads_it() {
        let deck = every_kind();
        let written = to_toml(&deck);
        let cards = load(&written);
        assert_eq!(cards.len(), deck.cards.len());
        for (read, wrote) in cards.iter().zip(&deck.cards) {
            assert_eq!(read.content.kind(), wrote.content.kind());
            assert_eq!(read.tags, wrote.tags);
            assert_eq!(read.explain, wrote.explain);
            if let Some(id) = &wrote.id {
                assert_eq!(&read.id, id);
            }
        }
        let Content::Card { typed, .. } = &cards[0].content else {
            panic!("a card")
        };
        assert!(typed);
        let Content::Term { reverse, .. } = &cards[1].content else {
            panic!("a term")
        };
        assert!(!reverse);
        let Content::Cloze { cloze, .. } = &cards[2].content else {
            panic!("a cloze")
        };
        // Braces of the text stay literal; separators inside answers are replaced.
        assert_eq!(cloze.with_gaps("_"), "{ {Water} } is made of _ and _.");
        assert_eq!(
            cloze.blanks(),
            [vec!["hydrogen", "H"], vec!["oxygen, O", "a/b"]]
        );
    }

    #[test]
    fn card_lines_point_at_each_header() {
        let written = to_toml(&every_kind());
        let lines: Vec<&str> = written.text.lines().collect();
        for &line in &written.card_lines {
            assert!(lines[line - 1].starts_with("[["), "{}", lines[line - 1]);
        }
        let last = *written.card_lines.last().unwrap();
        assert_eq!(
            written.card_at(last + 3),
            Some(written.card_lines.len() - 1)
        );
        assert_eq!(written.card_at(1), None);
    }
}
