//! The plain-text reader: paragraphs separated by blank lines, headings by shape or underline,
//! aligned columns as tables, and lines a text editor wrapped joined again.

use super::article::{Block, Heading, Line, Mark, mark_title, push_para, strip_bullet};
use super::text::{ends_sentence, is_heading_shaped, squash};

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

/// The paragraph (or list) a marked-up reader (Markdown, HTML) is reading: its lines so far and
/// the line being built from the text between breaks.
#[derive(Default)]
pub(crate) struct Paragraph {
    lines: Vec<Line>,
    line: String,
    /// Where the line being built starts: the first text in it that is not blank.
    line_no: Option<usize>,
    /// The next line starts a list item (later lines of the item continue it).
    new_item: bool,
}

impl Paragraph {
    /// Adds `text`, found at line `no`, to the line being built.
    pub(crate) fn text(&mut self, text: &str, no: usize) {
        if self.line_no.is_none() && !text.trim().is_empty() {
            self.line_no = Some(no);
        }
        self.line.push_str(text);
    }

    /// Whether the next line starts a list item.
    pub(crate) fn set_item(&mut self, item: bool) {
        self.new_item = item;
    }

    /// Ends the line being built (a break, a list item's end).
    pub(crate) fn line_break(&mut self) {
        let text = squash(&std::mem::take(&mut self.line));
        if let Some(no) = self.line_no.take()
            && !text.is_empty()
        {
            self.lines.push(Line {
                no,
                text,
                item: self.new_item,
            });
            self.new_item = false;
        }
    }

    /// Ends the paragraph: its lines, joined where they were wrapped, become a block.
    pub(crate) fn flush(&mut self, blocks: &mut Vec<Block>) {
        self.line_break();
        push_para(blocks, join_wrapped(std::mem::take(&mut self.lines)));
    }
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
}
