//! Text measured in display columns: word wrapping, cutting to a width, and the difference
//! between a typed answer and the right one.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display columns of `text` (CJK and most emoji take two).
pub(crate) fn width(text: &str) -> usize {
    text.width()
}

/// Splits `text` into lines of at most `width` columns, breaking at spaces; a word longer than a
/// line is broken where the line ends. Line breaks in `text` are kept.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split_whitespace() {
            let w = word.width();
            if used > 0 && used + 1 + w <= width {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if w <= width {
                line.push_str(word);
                used = w;
                continue;
            }
            for g in word.graphemes(true) {
                let gw = g.width();
                if used + gw > width && used > 0 {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(g);
                used += gw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Cuts `text` to at most `width` columns, ending with `…` when something was cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        if used + g.width() + 1 > width {
            break;
        }
        used += g.width();
        out.push_str(g);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` with the lines after the first indented by the width of `lead`, the text printed
/// before it on its first line, so that a multi-line question, answer or explanation stays in
/// its column. The indented lines end without trailing spaces (a blank line stays empty).
pub(crate) fn hanging(text: &str, lead: &str) -> String {
    let indent = " ".repeat(width(lead));
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or_default().to_string();
    for line in lines {
        out.push('\n');
        out.push_str(format!("{indent}{line}").trim_end());
    }
    out
}

/// A stretch of a typed answer or of the right answer, and whether the other one has it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub(crate) text: String,
    pub(crate) same: bool,
}

/// The longest answers compared character by character; longer ones are shown without a diff.
const MAX_DIFF: usize = 300;

/// Compares a typed answer with the right one, grapheme by grapheme and ignoring case: the
/// pieces of the typed answer (`same: false` for what should not be there) and of the right
/// answer (`same: false` for what is missing). `None` when the answers are too long to compare.
pub(crate) fn diff(given: &str, expected: &str) -> Option<(Vec<Piece>, Vec<Piece>)> {
    let a: Vec<&str> = given.graphemes(true).collect();
    let b: Vec<&str> = expected.graphemes(true).collect();
    if a.len() > MAX_DIFF || b.len() > MAX_DIFF {
        return None;
    }
    let eq = |x: &str, y: &str| x == y || x.to_lowercase() == y.to_lowercase();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if eq(a[i], b[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut typed = Vec::new();
    let mut right = Vec::new();
    let push = |pieces: &mut Vec<Piece>, g: &str, same: bool| match pieces.last_mut() {
        Some(last) if last.same == same => last.text.push_str(g),
        _ => pieces.push(Piece {
            text: g.to_string(),
            same,
        }),
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && eq(a[i], b[j]) {
            push(&mut typed, a[i], true);
            push(&mut right, b[j], true);
            i += 1;
            j += 1;
        } else if j == b.len() || (i < a.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
            push(&mut typed, a[i], false);
            i += 1;
        } else {
            push(&mut right, b[j], false);
            j += 1;
        }
    }
    Some((typed, right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_width_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        // CJK characters are two columns wide: four of them fill eight columns.
        assert_eq!(
            wrap("生産管理 と 運用管理", 9),
            ["生産管理", "と", "運用管理"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn hanging_lines_start_under_the_text_of_the_first() {
        assert_eq!(hanging("one", "Q: "), "one");
        assert_eq!(hanging("", "Q: "), "");
        assert_eq!(hanging("one\ntwo\n", "Q: "), "one\n   two");
        // The lead is measured in display columns: "✓ 生産: " is eight wide.
        assert_eq!(hanging("a\r\nb", "✓ 生産: "), "a\n        b");
        // No trailing spaces: a blank line stays empty, and a line's own are dropped.
        assert_eq!(hanging("a  \n\nb  \nc", "> "), "a  \n\n  b\n  c");
    }

    #[test]
    fn truncates_with_an_ellipsis() {
        assert_eq!(truncate("production", 20), "production");
        assert_eq!(truncate("production", 5), "prod…");
        assert_eq!(truncate("生産管理", 5), "生産…");
    }

    #[test]
    fn diffs_show_what_was_extra_and_what_was_missing() {
        let (typed, right) = diff("recieve", "Receive").unwrap();
        let text = |pieces: &[Piece]| {
            pieces
                .iter()
                .map(|p| {
                    if p.same {
                        p.text.clone()
                    } else {
                        format!("[{}]", p.text)
                    }
                })
                .collect::<String>()
        };
        assert_eq!(text(&typed), "rec[i]eve");
        assert_eq!(text(&right), "Rece[i]ve");
        let (typed, right) = diff("", "kpi").unwrap();
        assert!(typed.is_empty());
        assert_eq!(text(&right), "[kpi]");
        assert!(diff(&"x".repeat(400), "y").is_none());
    }
}
