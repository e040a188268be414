//! The article as `pmquiz draft` sees it, whatever it was written in: a list of blocks
//! (headings, paragraphs of lines, tables), each remembering its line in the file. This file
//! also holds the input checks (empty, binary, not UTF-8), the choice of reader, and the
//! plain-text reader.

use super::DraftError;
use super::text::{ends_sentence, is_heading_shaped};

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

/// Checks the bytes and picks the reader: by the file name's extension, else by the content.
pub(crate) fn read(
    bytes: &[u8],
    file_name: &str,
    format: Option<Format>,
) -> Result<Article, DraftError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DraftError::Empty);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DraftError::NotUtf8 {
            detail: "it is UTF-16 text".into(),
        });
    }
    if let Some(at) = binary_at(bytes) {
        return Err(DraftError::Binary { offset: at });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| DraftError::NotUtf8 {
        detail: format!("byte {} is not valid UTF-8", e.valid_up_to()),
    })?;
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let format = format.unwrap_or_else(|| detect(&text, file_name));
    let article = match format {
        Format::Text => Article {
            format,
            blocks: read_text(&text, 0),
            facts: Facts::default(),
        },
        Format::Markdown => super::markdown::read(&text),
        Format::Html => super::html::read(&text),
    };
    Ok(article)
}

/// The offset of the first byte that no text article contains: NUL or another control
/// character than tab, line feed, form feed and carriage return.
fn binary_at(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .take(64 * 1024)
        .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
}

fn detect(text: &str, file_name: &str) -> Format {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "xhtml" => return Format::Html,
        "md" | "markdown" | "mdown" | "mkd" => return Format::Markdown,
        "txt" | "text" => return Format::Text,
        _ => {}
    }
    let head: String = text.trim_start().chars().take(512).collect();
    let lower = head.to_ascii_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || ["<p>", "<h1", "<h2", "<div", "<body", "<table"]
            .iter()
            .any(|t| lower.contains(t))
    {
        return Format::Html;
    }
    let markdown_lines = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            (t.starts_with('#') && t.trim_start_matches('#').starts_with(' '))
                || (t.starts_with('|') && t.trim_end().ends_with('|'))
                || t.starts_with("**")
                || t.starts_with("```")
        })
        .count();
    if markdown_lines >= 2 || text.starts_with("---\n") {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// Reads plain text: paragraphs are separated by blank lines; a short line standing alone is a
/// heading; an underlined line (`===`, `---`) is one too; aligned columns and `|`-separated
/// lines are tables. `offset` is added to line numbers (text inside HTML `<pre>`).
pub(crate) fn read_text(text: &str, offset: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<(usize, &str)> = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let no = offset + i + 1;
        if line.trim().is_empty() {
            flush_text_para(&mut para, &mut blocks);
        } else if para.is_empty()
            && lines.get(i + 1).is_some_and(|next| is_underline(next))
            && is_heading_shaped(line.trim())
        {
            let level = if lines[i + 1].trim().starts_with('=') {
                1
            } else {
                2
            };
            blocks.push(Block::Heading(Heading {
                level,
                mark: Mark::Markup,
                text: line.trim().to_string(),
                no,
            }));
            i += 1;
        } else {
            para.push((no, line));
        }
        i += 1;
    }
    flush_text_para(&mut para, &mut blocks);
    if offset == 0 {
        mark_title(&mut blocks, true);
    }
    blocks
}

fn is_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'))
}

fn flush_text_para(para: &mut Vec<(usize, &str)>, blocks: &mut Vec<Block>) {
    if para.is_empty() {
        return;
    }
    let raw = std::mem::take(para);
    if let Some(table) = super::chart::aligned_table(&raw) {
        blocks.push(Block::Table(table));
        return;
    }
    let lines = raw
        .iter()
        .map(|&(no, text)| {
            let (text, item) = strip_bullet(text.trim());
            Line {
                no,
                text: text.to_string(),
                item,
            }
        })
        .collect();
    push_para(blocks, join_wrapped(lines));
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

/// Joins lines that a text editor wrapped: a line continues the one before when that one does
/// not end a sentence and either starts in lower case or follows a long line.
pub(crate) fn join_wrapped(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for line in lines {
        if let Some(last) = out.last_mut() {
            let prev = last.text.trim_end();
            let starts_lower = line.text.chars().next().is_some_and(char::is_lowercase);
            let long = prev.chars().count() >= 60;
            if !line.item
                && !ends_sentence(prev)
                && (starts_lower || long)
                && !super::meta::is_byline(prev)
            {
                last.text = format!("{prev} {}", line.text.trim());
                continue;
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading(h) => format!("H{} {}@{}", h.level, h.text, h.no),
                Block::Para(lines) => lines
                    .iter()
                    .map(|l| format!("{}@{}", l.text, l.no))
                    .collect::<Vec<_>>()
                    .join(" / "),
                Block::Table(t) => format!("table@{} {} rows", t.no, t.rows.len()),
            })
            .collect()
    }

    #[test]
    fn plain_text_blocks_keep_their_line_numbers() {
        let text = "Tea vs. Coffee: What's the Difference?\n\nBy A. Writer\nTea is a drink.\n\nKey Differences\n\nTea grows on bushes in the\nhills, while coffee grows on trees.\n";
        assert_eq!(
            texts(&read_text(text, 0)),
            [
                "H1 Tea vs. Coffee: What's the Difference?@1",
                "By A. Writer@3 / Tea is a drink.@4",
                "H2 Key Differences@6",
                "Tea grows on bushes in the hills, while coffee grows on trees.@8",
            ]
        );
    }

    #[test]
    fn underlined_lines_and_bullets() {
        let text = "Glossary\n========\n\n- Tea: a drink\n- Coffee: another drink\n";
        let blocks = read_text(text, 10);
        assert_eq!(
            texts(&blocks),
            [
                "H1 Glossary@11",
                "Tea: a drink@14 / Coffee: another drink@15"
            ]
        );
        let Block::Para(lines) = &blocks[1] else {
            panic!()
        };
        assert!(lines.iter().all(|l| l.item));
    }

    #[test]
    fn input_checks() {
        assert_eq!(read(b" \n\t\n", "a.txt", None), Err(DraftError::Empty));
        assert_eq!(
            read(b"abc\0def", "a.txt", None),
            Err(DraftError::Binary { offset: 3 })
        );
        assert!(matches!(
            read(b"caf\xe9 au lait", "a.txt", None),
            Err(DraftError::NotUtf8 { .. })
        ));
        assert!(matches!(
            read(b"\xff\xfeh\0i\0", "a.txt", None),
            Err(DraftError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn formats_are_told_apart() {
        assert_eq!(detect("anything", "a.html"), Format::Html);
        assert_eq!(detect("anything", "notes.md"), Format::Markdown);
        assert_eq!(detect("# Title\n\n## Part\n", "notes.txt"), Format::Text);
        assert_eq!(detect("<!DOCTYPE html><p>x</p>", "page"), Format::Html);
        assert_eq!(detect("# Title\n\n## Part\n", "notes"), Format::Markdown);
        assert_eq!(detect("Title\n\nSome text.\n", "notes"), Format::Text);
    }
}
