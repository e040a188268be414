//! Lays the drafted deck out as TOML: a header comment, `[deck]`, the cards in article order,
//! each after a `# line N` comment, and the parts of the article that became no card listed at
//! the end. Every string is written escaped (see [`quote`]), so any text of the article is safe.

use super::article::Format;
use super::{Counts, Part, Placed};
use crate::deck::slug;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

pub(crate) struct DeckDraft {
    pub(crate) name: String,
    pub(crate) source: Option<String>,
    pub(crate) file_name: String,
    pub(crate) format: Format,
    pub(crate) parts: Vec<Placed>,
    pub(crate) left_over: Vec<(usize, String)>,
}

/// Width that comment lines are wrapped to.
const WIDTH: usize = 96;

pub(crate) fn write(deck: &DeckDraft) -> (String, Counts) {
    let counts = count(deck);
    let ids = Ids::assign(&deck.parts);
    let mut out = String::new();
    let aspects = if counts.unlabelled_rows > 0 {
        " give every `aspect = \"?\"` a name,"
    } else {
        ""
    };
    let left = if deck.left_over.is_empty() {
        ""
    } else {
        " The parts of the article that became no card are listed at the end."
    };
    let header = format!(
        "Draft deck written by `pmquiz draft` from {} (read as {}). pmquiz picked these cards \
         out of the article by its layout: read them through, correct what it got wrong,\
         {aspects} and run `pmquiz check` on the file.{left}",
        one_line(&deck.file_name),
        deck.format.name()
    );
    comment(&mut out, "", &header);
    out.push_str("#\n");
    comment(&mut out, "", &format!("Drafted: {}.", counts.describe()));
    out.push('\n');
    out.push_str("[deck]\n");
    field(&mut out, "name", &deck.name);
    if let Some(source) = &deck.source {
        field(&mut out, "source", source);
    }
    for (placed, id) in deck.parts.iter().zip(&ids.cards) {
        out.push('\n');
        match &placed.part {
            Part::Table(t) => {
                let _ = writeln!(out, "# line {}", t.no);
                out.push_str("[[table]]\n");
                field(&mut out, "id", id);
                list(&mut out, "subjects", &t.subjects);
                list(&mut out, "tags", &placed.tags);
                let row_ids = row_ids(t);
                for (row, row_id) in t.rows.iter().zip(row_ids) {
                    let _ = writeln!(out, "\n# line {}", row.no);
                    out.push_str("[[table.row]]\n");
                    field(&mut out, "id", &row_id);
                    match &row.aspect {
                        Some(aspect) => field(&mut out, "aspect", aspect),
                        None => out.push_str(
                            "aspect = \"?\"  # the article gives this row no label: name the aspect it compares\n",
                        ),
                    }
                    list(&mut out, "cells", &row.cells);
                }
            }
            Part::Term(t) => {
                let _ = writeln!(out, "# line {}", t.no);
                out.push_str("[[term]]\n");
                field(&mut out, "id", id);
                field(&mut out, "term", &t.term);
                field(&mut out, "definition", &t.definition);
                if !t.examples.is_empty() {
                    list(&mut out, "examples", &t.examples);
                }
                list(&mut out, "tags", &placed.tags);
            }
            Part::Card(c) => {
                let _ = writeln!(out, "# line {}", c.no);
                out.push_str("[[card]]\n");
                field(&mut out, "id", id);
                field(&mut out, "question", &c.question);
                field(&mut out, "answer", &c.answer);
                if !c.accept.is_empty() {
                    list(&mut out, "accept", &c.accept);
                }
                if let Some(explain) = &c.explain {
                    field(&mut out, "explain", explain);
                }
                list(&mut out, "tags", &placed.tags);
            }
            Part::Statement(s) => {
                let _ = writeln!(out, "# line {}", s.no);
                out.push_str("[[statement]]\n");
                field(&mut out, "id", id);
                field(&mut out, "text", &s.text);
                let _ = writeln!(out, "answer = {}", s.answer);
                if let Some(explain) = &s.explain {
                    field(&mut out, "explain", explain);
                }
                list(&mut out, "tags", &placed.tags);
            }
        }
    }
    if !deck.left_over.is_empty() {
        out.push_str("\n# ");
        out.push_str(&"-".repeat(WIDTH - 2));
        out.push('\n');
        comment(
            &mut out,
            "",
            "Not drafted: the parts of the article that became no card, by line. Make cards of \
             them by hand where they matter.",
        );
        out.push_str("#\n");
        for (no, text) in &deck.left_over {
            comment(&mut out, "  ", &format!("line {no}: {text}"));
        }
    }
    (out, counts)
}

fn count(deck: &DeckDraft) -> Counts {
    let mut c = Counts {
        left_over: deck.left_over.len(),
        ..Counts::default()
    };
    let mut terms = HashSet::new();
    for p in &deck.parts {
        match &p.part {
            Part::Table(t) => {
                c.tables += 1;
                c.rows += t.rows.len();
                c.unlabelled_rows += t.rows.iter().filter(|r| r.aspect.is_none()).count();
            }
            Part::Term(t) => {
                c.definitions += 1;
                terms.insert(crate::quiz::normalize(&t.term));
            }
            Part::Card(_) => c.questions += 1,
            Part::Statement(s) if s.answer => c.true_statements += 1,
            Part::Statement(_) => c.false_statements += 1,
        }
    }
    c.terms = terms.len();
    c
}

/// Card ids: `TAG-N` by order within the section's tag (zero-padded when there are ten or
/// more), `TERM-N` for definitions, the tag for a table; made unique with a suffix.
struct Ids {
    cards: Vec<String>,
}

impl Ids {
    fn assign(parts: &[Placed]) -> Ids {
        let key = |p: &Placed| match &p.part {
            Part::Term(t) => slug(&t.term),
            _ => p.tags.first().cloned().unwrap_or_else(|| "card".into()),
        };
        let mut totals: HashMap<String, usize> = HashMap::new();
        for p in parts {
            if !matches!(p.part, Part::Table(_)) {
                *totals.entry(key(p)).or_default() += 1;
            }
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut taken: HashSet<String> = HashSet::new();
        let mut cards = Vec::new();
        for p in parts {
            let k = key(p);
            let base = if matches!(p.part, Part::Table(_)) {
                k
            } else {
                let n = seen.entry(k.clone()).or_default();
                *n += 1;
                let width = if totals[&k] >= 10 { 2 } else { 1 };
                format!("{k}-{n:0width$}")
            };
            let mut id = base.clone();
            let mut extra = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}-{extra}");
                extra += 1;
            }
            cards.push(id);
        }
        Ids { cards }
    }
}

/// Row ids: the aspect as a slug, `row-N` for a row without a label; unique in the table.
fn row_ids(table: &super::TableDraft) -> Vec<String> {
    let mut taken = HashSet::new();
    table
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let base = match &r.aspect {
                Some(a) => slug(a),
                None => format!("row-{}", i + 1),
            };
            let mut id = base.clone();
            let mut extra = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}-{extra}");
                extra += 1;
            }
            id
        })
        .collect()
}

/// A TOML basic string on one line: quotes and backslashes escaped, line breaks and tabs
/// written as escapes, other control characters left out (a deck may not hold them).
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str(r#"\""#),
            '\\' => out.push_str(r"\\"),
            '\n' => out.push_str(r"\n"),
            '\t' => out.push_str(r"\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn field(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {}", quote(value));
}

fn list(out: &mut String, key: &str, values: &[String]) {
    let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
    let one_line = format!("{key} = [{}]", items.join(", "));
    if one_line.chars().count() <= WIDTH || items.len() < 2 {
        out.push_str(&one_line);
        out.push('\n');
    } else {
        let _ = writeln!(out, "{key} = [");
        for item in items {
            let _ = writeln!(out, "    {item},");
        }
        out.push_str("]\n");
    }
}

/// Text that may go in a comment: one line, no control characters.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `text` as comment lines wrapped at [`WIDTH`]; lines after the first are indented by
/// `indent` more.
fn comment(out: &mut String, indent: &str, text: &str) {
    let mut line = String::from("#");
    for word in one_line(text).split(' ') {
        if line.chars().count() + 1 + word.chars().count() > WIDTH && line.len() > 2 {
            out.push_str(&line);
            out.push('\n');
            line = format!("#{indent}");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_by_toml_rules() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote(r#"say "hi""#), r#""say \"hi\"""#);
        for (tricky, read) in [
            ("say \"hi\" \\ and 'bye'\u{7f}", "say \"hi\" \\ and 'bye'"),
            (
                "tab\tnew\nline \u{1b}[0m \u{85} \u{feff} '''\"\"\"",
                "tab\tnew\nline [0m  \u{feff} '''\"\"\"",
            ),
            (r"\u0041 is not A", r"\u0041 is not A"),
        ] {
            let parsed: toml::Table = toml::from_str(&format!("x = {}", quote(tricky))).unwrap();
            assert_eq!(parsed["x"].as_str(), Some(read));
        }
    }

    #[test]
    fn comments_wrap_and_stay_one_line_each() {
        let mut out = String::new();
        comment(&mut out, "  ", &"word ".repeat(40));
        assert!(
            out.lines()
                .all(|l| l.starts_with('#') && l.chars().count() <= WIDTH + 5)
        );
        assert!(out.lines().count() >= 2);
        let mut out = String::new();
        comment(&mut out, "", "a\u{7}b\u{c}c");
        assert_eq!(out, "# a b c\n");
    }
}
