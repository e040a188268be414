//! The one-line answer editor: cursor movement by grapheme, widths by display column, the usual
//! readline keys, and the session's earlier answers on Up and Down.

use super::keys::LineOp;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LineEditor {
    text: String,
    /// Byte offset of the cursor, always on a grapheme boundary.
    cursor: usize,
    /// Which earlier answer is shown (0 = the most recent), while browsing them.
    recalled: Option<usize>,
    /// What was being typed before browsing started.
    draft: String,
}

impl LineEditor {
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Applies one editing operation; `earlier` holds the session's previous answers, oldest
    /// first.
    pub(crate) fn apply(&mut self, op: LineOp, earlier: &[String]) {
        match op {
            LineOp::Insert(c) => {
                if c.is_control() {
                    return;
                }
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
                // A combining mark joins the grapheme before it: keep the cursor on a boundary.
                self.cursor = self.boundary_at_or_after(self.cursor);
            }
            LineOp::Left => self.cursor = self.prev_boundary(),
            LineOp::Right => self.cursor = self.next_boundary(),
            LineOp::Home => self.cursor = 0,
            LineOp::End => self.cursor = self.text.len(),
            LineOp::Backspace => {
                let start = self.prev_boundary();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            LineOp::Delete => {
                let end = self.next_boundary();
                self.text.replace_range(self.cursor..end, "");
            }
            LineOp::KillStart => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            LineOp::KillEnd => self.text.truncate(self.cursor),
            LineOp::KillWord => {
                let before = &self.text[..self.cursor];
                let trimmed = before.trim_end();
                let start = trimmed
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            LineOp::Older => {
                let next = self.recalled.map_or(0, |i| i + 1);
                if next < earlier.len() {
                    if self.recalled.is_none() {
                        self.draft = self.text.clone();
                    }
                    self.recalled = Some(next);
                    self.set(earlier[earlier.len() - 1 - next].clone());
                }
            }
            LineOp::Newer => match self.recalled {
                Some(0) => {
                    self.recalled = None;
                    let draft = std::mem::take(&mut self.draft);
                    self.set(draft);
                }
                Some(i) => {
                    self.recalled = Some(i - 1);
                    self.set(earlier[earlier.len() - i].clone());
                }
                None => {}
            },
        }
        if !matches!(op, LineOp::Older | LineOp::Newer) {
            self.recalled = None;
        }
    }

    fn set(&mut self, text: String) {
        self.text = text;
        self.cursor = self.text.len();
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(self.cursor, |g| self.cursor + g.len())
    }

    fn boundary_at_or_after(&self, offset: usize) -> usize {
        self.text
            .grapheme_indices(true)
            .map(|(i, _)| i)
            .chain([self.text.len()])
            .find(|&i| i >= offset)
            .unwrap_or(self.text.len())
    }

    /// The part of the line that fits in `width` columns with the cursor in view, and the
    /// cursor's column within it. Long lines scroll sideways; nothing wraps.
    pub(crate) fn window(&self, width: usize) -> (&str, usize) {
        let width = width.max(2);
        let before = self.text[..self.cursor].width();
        if self.text.width() < width {
            return (&self.text, before);
        }
        // Keep the cursor in view, with one column for it at the end of the line.
        let mut start = 0;
        let mut skipped = 0;
        for (i, g) in self.text.grapheme_indices(true) {
            if before - skipped < width || i >= self.cursor {
                break;
            }
            skipped += g.width();
            start = i + g.len();
        }
        let mut end = start;
        let mut used = 0;
        for (i, g) in self.text[start..].grapheme_indices(true) {
            if used + g.width() > width {
                break;
            }
            used += g.width();
            end = start + i + g.len();
        }
        (&self.text[start..end], before - skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LineOp::*;

    fn typed(text: &str) -> LineEditor {
        let mut line = LineEditor::default();
        for c in text.chars() {
            line.apply(Insert(c), &[]);
        }
        line
    }

    #[test]
    fn moves_and_deletes_by_grapheme() {
        // "é" written as e + combining acute, and a two-column CJK character.
        let mut line = typed("cafe\u{301} 生産");
        line.apply(Left, &[]);
        line.apply(Left, &[]);
        line.apply(Left, &[]);
        line.apply(Backspace, &[]);
        assert_eq!(line.text(), "caf 生産");
        line.apply(End, &[]);
        line.apply(Backspace, &[]);
        assert_eq!(line.text(), "caf 生");
        line.apply(Home, &[]);
        line.apply(Delete, &[]);
        assert_eq!(line.text(), "af 生");
    }

    #[test]
    fn readline_kills() {
        let mut line = typed("lean six sigma ");
        line.apply(KillWord, &[]);
        assert_eq!(line.text(), "lean six ");
        line.apply(Left, &[]);
        line.apply(Left, &[]);
        line.apply(KillEnd, &[]);
        assert_eq!(line.text(), "lean si");
        line.apply(Left, &[]);
        line.apply(KillStart, &[]);
        assert_eq!(line.text(), "i");
        line.apply(Insert('\u{7}'), &[]);
        assert_eq!(line.text(), "i");
    }

    #[test]
    fn up_and_down_browse_earlier_answers_and_come_back_to_the_draft() {
        let earlier = ["first".to_string(), "second".to_string()];
        let mut line = typed("dra");
        line.apply(Older, &earlier);
        assert_eq!(line.text(), "second");
        line.apply(Older, &earlier);
        assert_eq!(line.text(), "first");
        line.apply(Older, &earlier);
        assert_eq!(line.text(), "first");
        line.apply(Newer, &earlier);
        assert_eq!(line.text(), "second");
        line.apply(Newer, &earlier);
        assert_eq!(line.text(), "dra");
        line.apply(Newer, &earlier);
        assert_eq!(line.text(), "dra");
    }

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_in_view() {
        let mut line = typed("abcdefghij");
        assert_eq!(line.window(20), ("abcdefghij", 10));
        assert_eq!(line.window(5), ("ghij", 4));
        line.apply(Home, &[]);
        assert_eq!(line.window(5), ("abcde", 0));
        // Wide characters count two columns.
        let line = typed("生産管理");
        let (shown, cursor) = line.window(5);
        assert_eq!((shown, cursor), ("管理", 4));
    }
}
