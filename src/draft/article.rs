//! The article as `pmquiz draft` sees it, whatever it was written in: a list of blocks
//! (headings, paragraphs of lines, tables), each remembering its line in the file, and the
//! helpers every reader uses to build them. The readers are `plain`, `markdown` and `html`;
//! `input` checks the bytes and picks one.

use super::text::is_heading_shaped;

/// Which reader an article goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
        }
    }
}

/// A line of text and where it starts in the article (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) no: usize,
    pub(crate) text: String,
    /// The line was a list item (its bullet or number removed).
    pub(crate) item: bool,
}

/// How a heading was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Marked up as one: `#`, `<h2>`, an underlined line.
    Markup,
    /// A short line standing alone, or a `<dt>`: a heading, a term or a row label, by context.
    Inferred,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// 1 for the title; inferred headings are level 2.
    pub(crate) level: u8,
    pub(crate) mark: Mark,
    pub(crate) text: String,
    pub(crate) no: usize,
}

/// A table: an optional header row and body rows, each with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    pub(crate) no: usize,
    pub(crate) header: Option<Vec<String>>,
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading(Heading),
    /// A paragraph: consecutive lines, wrapped lines already joined.
    Para(Vec<Line>),
    Table(Table),
}

/// Facts a reader found outside the text flow (HTML `<meta>`, Markdown front matter).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) title: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Article {
    pub(crate) format: Format,
    pub(crate) blocks: Vec<Block>,
    pub(crate) facts: Facts,
}

/// Adds a paragraph, turning a lone short line into an inferred heading.
pub(crate) fn push_para(blocks: &mut Vec<Block>, lines: Vec<Line>) {
    let lines: Vec<Line> = lines
        .into_iter()
        .filter(|l| !l.text.trim().is_empty())
        .collect();
    match lines.as_slice() {
        [] => {}
        [line] if !line.item && is_heading_shaped(&line.text) => {
            blocks.push(Block::Heading(Heading {
                level: 2,
                mark: Mark::Inferred,
                text: line.text.trim_end_matches(':').trim().to_string(),
                no: line.no,
            }))
        }
        _ => blocks.push(Block::Para(lines)),
    }
}

/// The first block is the title when it is a level-1 heading, or a short line that does not
/// end a sentence with a full stop (titles often end in a question mark); with `any_heading`
/// (plain text, where heading levels are guesses) any heading first in the article is.
pub(crate) fn mark_title(blocks: &mut [Block], any_heading: bool) {
    let Some(first) = blocks.first_mut() else {
        return;
    };
    match first {
        Block::Heading(h) => {
            if any_heading || h.mark == Mark::Inferred {
                h.level = 1;
            }
        }
        Block::Para(lines) => {
            let line = &lines[0];
            let words = line.text.split_whitespace().count();
            if lines.len() == 1
                && words <= 20
                && !line.text.ends_with('.')
                && !line.text.ends_with(',')
            {
                *first = Block::Heading(Heading {
                    level: 1,
                    mark: Mark::Inferred,
                    text: line.text.clone(),
                    no: line.no,
                });
            }
        }
        Block::Table(_) => {}
    }
}

/// Removes a list bullet or number: `- x`, `* x`, `• x`, `1. x`, `2) x`.
pub(crate) fn strip_bullet(line: &str) -> (&str, bool) {
    for bullet in ["- ", "* ", "+ ", "• ", "– ", "· "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return (rest.trim_start(), true);
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (rest.trim_start(), true);
        }
    }
    (line, false)
}
