//! One diagnostic type for problems in user files: where (path, line, column), what, and how to
//! fix it, rendered the way compilers do.
//!
//! Whatever a file holds, a diagnostic stays short and safe to print: the source excerpt is cut
//! to about [`EXCERPT_COLUMNS`] display columns around the error (`…` marks a cut side),
//! control characters are shown escaped rather than sent to the terminal, and text quoted from
//! the file in a message is shortened. [`render_all`] shows at most [`SHOWN_PER_FILE`]
//! diagnostics of a file and counts the rest.

use std::fmt;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// The widest source excerpt, in display columns, `…` marks included.
pub const EXCERPT_COLUMNS: usize = 100;
/// How many diagnostics of one file are shown; the others are counted.
pub const SHOWN_PER_FILE: usize = 50;
/// The widest text quoted between backticks in a message or help line.
const QUOTE_COLUMNS: usize = 40;
/// The widest line of a message or help text.
const LINE_COLUMNS: usize = 300;
/// The most bytes of source text in an excerpt, whatever the widths of its characters.
const EXCERPT_BYTES: usize = 16 * EXCERPT_COLUMNS;
/// Columns of context kept before a marker too wide to show whole.
const CONTEXT_COLUMNS: usize = 10;

/// A problem found in a file, pointing at the spot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// The source line around the error, as shown: cut to fit and with control characters
    /// escaped.
    pub excerpt: String,
    /// Where the marker goes under the excerpt, in display columns; at least one column wide.
    pub marker: Range<usize>,
}

/// The start of every line of a text, for finding the line of many positions quickly.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 0-based line holding byte `offset`, and where that line starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        (line, self.starts[line])
    }
}

impl Diagnostic {
    /// Builds a diagnostic for the byte range `span` of `source`.
    pub fn at(path: &str, source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = source[..line_start].matches('\n').count();
        Self::build(path, source, span, line, line_start, message.into())
    }

    /// Like [`Diagnostic::at`], finding the line through `index` (built from `source`), which
    /// is much faster for the many diagnostics of a large file.
    pub fn indexed(
        path: &str,
        source: &str,
        index: &LineIndex,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let (line, line_start) = index.line_of(start);
        Self::build(path, source, span, line, line_start, message.into())
    }

    fn build(
        path: &str,
        source: &str,
        span: Range<usize>,
        line: usize,
        line_start: usize,
        message: String,
    ) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let text = source[line_start..line_end].trim_end_matches('\r');
        let text_end = (line_start + text.len()).max(start);
        let end = floor_char_boundary(source, span.end.clamp(start, text_end));
        let column = source[line_start..start].chars().count() + 1;
        let (excerpt, marker) = excerpt(
            || text.char_indices().map(|(i, c)| (i, Cell::of(c))),
            text.len(),
            start - line_start..end - line_start,
        );
        Diagnostic {
            path: path.to_string(),
            line: line + 1,
            column,
            message: tidy(&message, false),
            help: None,
            excerpt,
            marker,
        }
    }

    /// A diagnostic at a position found some other way (a file that is not text), with its
    /// excerpt already made.
    pub fn with_excerpt(
        path: &str,
        line: usize,
        column: usize,
        excerpt: (String, Range<usize>),
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.to_string(),
            line,
            column,
            message: tidy(&message.into(), false),
            help: None,
            excerpt: excerpt.0,
            marker: excerpt.1,
        }
    }

    /// Points at the first byte of `bytes` (the file at `path`) that is not UTF-8, shown
    /// escaped, and says what the file probably is.
    pub fn not_utf8(path: &str, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
        let at = error.valid_up_to();
        let bad = &bytes[at..at + error.error_len().unwrap_or(bytes.len() - at)];
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = bytes[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
        let line_end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        let text = &bytes[line_start..line_end];
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        // The part of the line before the bad byte is valid UTF-8.
        let column = String::from_utf8_lossy(&bytes[line_start..at])
            .chars()
            .count()
            + 1;
        let cells = || {
            text.utf8_chunks()
                .scan(0, |offset, chunk| {
                    let start = *offset;
                    *offset += chunk.valid().len() + chunk.invalid().len();
                    let valid = chunk
                        .valid()
                        .char_indices()
                        .map(move |(i, c)| (start + i, Cell::of(c)));
                    let invalid_at = start + chunk.valid().len();
                    let invalid = chunk
                        .invalid()
                        .iter()
                        .enumerate()
                        .map(move |(i, &b)| (invalid_at + i, Cell::Byte(b)));
                    Some(valid.chain(invalid))
                })
                .flatten()
        };
        let mark = at - line_start..at - line_start + bad.len();
        let shown: String = bad.iter().map(|b| format!("\\x{b:02X}")).collect();
        let byte = if bad.len() == 1 { "byte" } else { "bytes" };
        Diagnostic::with_excerpt(
            path,
            line,
            column,
            excerpt(cells, text.len(), mark),
            format!("not UTF-8 text: the {byte} `{shown}` here cannot be read as UTF-8"),
        )
        .with_help(encoding_hint(bytes, bad))
    }

    /// Adds a help text; it may span several lines.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(tidy(&help.into(), true));
        self
    }

    /// The first line alone: `path:line:column: error: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: error: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Renders the diagnostics of one file, separated by blank lines: the first
/// [`SHOWN_PER_FILE`], then how many more there are.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let shown: Vec<String> = diagnostics
        .iter()
        .take(SHOWN_PER_FILE)
        .map(ToString::to_string)
        .collect();
    let mut text = shown.join("\n\n");
    let more = diagnostics.len().saturating_sub(SHOWN_PER_FILE);
    if more > 0 {
        let errors = if more == 1 { "error" } else { "errors" };
        let path = &diagnostics[0].path;
        text.push_str(&format!(
            "\n\n{path}: and {more} more {errors} in this file"
        ));
    }
    text
}

/// What to do about a file that is not UTF-8, naming its encoding when it can be told.
fn encoding_hint(bytes: &[u8], bad: &[u8]) -> String {
    const SAVE: &str = "save the file as UTF-8 (in most editors: Save As, then the UTF-8 encoding)";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return format!("the file is UTF-16 text; {SAVE}");
    }
    // A lone byte from 0x80 is most likely a character of Windows-1252 or Latin-1, the older
    // encodings that editors on Windows and many exports use.
    let older = match bad {
        [0x80] => Some('€'),
        [0x85] => Some('…'),
        [0x91] => Some('‘'),
        [0x92] => Some('’'),
        [0x93] => Some('“'),
        [0x94] => Some('”'),
        [0x96] => Some('–'),
        [0x97] => Some('—'),
        [b @ 0xA0..=0xFF] => Some(char::from(*b)),
        _ => None,
    };
    match older {
        Some(c) => format!(
            "the file seems to be in an older encoding (Windows-1252 or Latin-1), where this byte is `{c}`; {SAVE}"
        ),
        None => SAVE.to_string(),
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How one character (or one byte of a file that is not UTF-8) of a source line is shown.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell {
    /// Shown as itself, taking this many columns.
    Char(char, usize),
    /// A tab, shown as spaces.
    Tab,
    /// A character that must not reach the terminal, shown as `\u{…}`.
    Escaped(char),
    /// A byte that is not part of any UTF-8 character, shown as `\xHH`.
    Byte(u8),
}

const TAB_COLUMNS: usize = 4;

impl Cell {
    pub(crate) fn of(c: char) -> Cell {
        if c == '\t' {
            Cell::Tab
        } else if is_unsafe(c) {
            Cell::Escaped(c)
        } else {
            Cell::Char(c, c.width().unwrap_or(0))
        }
    }

    fn columns(self) -> usize {
        match self {
            Cell::Char(_, w) => w,
            Cell::Tab => TAB_COLUMNS,
            Cell::Escaped(c) => escape(c).len(),
            Cell::Byte(_) => 4,
        }
    }

    fn push_to(self, out: &mut String) {
        match self {
            Cell::Char(c, _) => out.push(c),
            Cell::Tab => out.push_str(&" ".repeat(TAB_COLUMNS)),
            Cell::Escaped(c) => out.push_str(&escape(c)),
            Cell::Byte(b) => out.push_str(&format!("\\x{b:02X}")),
        }
    }
}

/// Characters never printed as they are: control characters (C0, DEL, C1), which a terminal
/// acts on, and invisible ones that change how a line reads (bidirectional overrides, zero-width
/// spaces, line separators).
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        )
}

/// `\u{1B}`: how an unsafe character is shown.
pub(crate) fn escape(c: char) -> String {
    format!("\\u{{{:X}}}", c as u32)
}

/// The excerpt of a line shown under a diagnostic, and where its marker goes. `cells` gives the
/// line's cells with their byte offsets, `len` is the line's length in bytes and `mark` the
/// marked bytes. A line wider than [`EXCERPT_COLUMNS`] is cut around the marker, with `…` on
/// each cut side; a marker wider than what fits keeps a little context before it and is cut at
/// the end.
pub(crate) fn excerpt<I>(
    cells: impl Fn() -> I,
    len: usize,
    mark: Range<usize>,
) -> (String, Range<usize>)
where
    I: Iterator<Item = (usize, Cell)>,
{
    // First pass: the display columns of the marker and of the whole line.
    let (mut mark_start, mut mark_end, mut total) = (None, None, 0);
    for (offset, cell) in cells() {
        if mark_start.is_none() && offset >= mark.start {
            mark_start = Some(total);
        }
        if mark_end.is_none() && offset >= mark.end {
            mark_end = Some(total);
        }
        total += cell.columns();
    }
    let mark_start = mark_start.unwrap_or(total);
    let mark_end = mark_end.unwrap_or(if mark.end >= len { total } else { mark_start });
    let mark_width = (mark_end - mark_start).max(1);

    let mut window = 0..total;
    if total > EXCERPT_COLUMNS {
        // Room for the text, without the two `…`.
        let room = EXCERPT_COLUMNS - 2;
        let lo = if mark_width + 2 * CONTEXT_COLUMNS <= room {
            mark_start.saturating_sub((room - mark_width) / 2)
        } else {
            mark_start.saturating_sub(CONTEXT_COLUMNS)
        };
        let lo = lo.min(total.saturating_sub(room));
        window = lo..lo + room;
    }

    // Second pass: the cells inside the window; one that does not fit whole is left out.
    let mut out = String::new();
    let cut_before = window.start > 0;
    if cut_before {
        out.push('…');
    }
    let mut column = 0;
    let mut cut_after = window.end < total;
    for (_, cell) in cells() {
        let width = cell.columns();
        if column >= window.start && column + width <= window.end {
            // Characters of no width (combining marks) could be any number: cap the bytes too.
            if out.len() >= EXCERPT_BYTES {
                cut_after = true;
                break;
            }
            cell.push_to(&mut out);
        }
        column += width;
        if column >= window.end {
            break;
        }
    }
    if cut_after {
        out.push('…');
    }
    // Marker columns in the excerpt: shifted by the cut and by the leading `…`.
    let shift = usize::from(cut_before);
    let start = mark_start.clamp(window.start, window.end) - window.start + shift;
    let end = (mark_start + mark_width).clamp(window.start, window.end) - window.start + shift;
    (out, start..end.max(start + 1))
}

/// Text from a file made safe for a message: unsafe characters escaped (line breaks too, unless
/// `multiline`), text between backticks shortened to [`QUOTE_COLUMNS`], and each line to
/// [`LINE_COLUMNS`].
fn tidy(text: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(text.len().min(LINE_COLUMNS * 4));
    let mut line_columns = 0;
    let mut in_quote = false;
    let mut quote_columns = 0;
    let mut cut_line = false;
    let mut cut_quote = false;
    for c in text.chars() {
        if c == '\n' && multiline {
            out.push('\n');
            (line_columns, cut_line) = (0, false);
            continue;
        }
        if c == '`' {
            in_quote = !in_quote;
            (quote_columns, cut_quote) = (0, false);
        }
        let shown = if c == '\t' {
            " ".to_string()
        } else if is_unsafe(c) {
            escape(c)
        } else {
            c.to_string()
        };
        // Characters of no width count as one, so that no number of them makes a long line.
        let width = shown
            .chars()
            .map(|c| c.width().unwrap_or(0).max(1))
            .sum::<usize>();
        if in_quote && c != '`' {
            quote_columns += width;
            if quote_columns > QUOTE_COLUMNS {
                if !cut_quote && !cut_line {
                    out.push('…');
                    line_columns += 1;
                }
                cut_quote = true;
                continue;
            }
        }
        if cut_line {
            continue;
        }
        if line_columns + width > LINE_COLUMNS {
            out.push('…');
            cut_line = true;
            continue;
        }
        line_columns += width;
        out.push_str(&shown);
    }
    out
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{pad} |")?;
        writeln!(f, "{number} | {}", self.excerpt)?;
        let lead = " ".repeat(self.marker.start);
        let marks = "^".repeat(self.marker.len().max(1));
        write!(f, "{pad} | {lead}{marks}")?;
        if let Some(help) = &self.help {
            let mut lines = help.lines();
            write!(f, "\n{pad} = help: {}", lines.next().unwrap_or_default())?;
            for line in lines {
                write!(f, "\n{}", format!("{pad}         {line}").trim_end())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_in_characters() {
        let src = "a = 1\nné = \"x\"\n";
        let d = Diagnostic::at("f.toml", src, 10..13, "bad");
        assert_eq!((d.line, d.column, d.marker.clone()), (2, 4, 3..6));
        assert_eq!(d.excerpt, "né = \"x\"");
        assert_eq!(d.headline(), "f.toml:2:4: error: bad");
        let index = LineIndex::new(src);
        assert_eq!(Diagnostic::indexed("f.toml", src, &index, 10..13, "bad"), d);
    }

    #[test]
    fn renders_caret_and_help() {
        let src = "qestion = 1\n";
        let d = Diagnostic::at("f.toml", src, 0..7, "unknown field")
            .with_help("did you mean `question`?");
        let text = d.to_string();
        assert!(text.contains("1 | qestion = 1"), "{text}");
        assert!(
            text.contains("  | ^^^^^^^\n  = help: did you mean `question`?"),
            "{text}"
        );
    }

    #[test]
    fn a_help_of_several_lines_is_indented_under_its_first() {
        let d = Diagnostic::at("f", "x\n", 0..1, "m").with_help("start with:\n[deck]\nname = 1");
        assert!(
            d.to_string()
                .ends_with("  = help: start with:\n          [deck]\n          name = 1"),
            "{d}"
        );
    }

    #[test]
    fn span_at_end_of_file_is_clamped() {
        let d = Diagnostic::at("f", "abc", 3..3, "eof");
        assert_eq!((d.line, d.column, d.marker), (1, 4, 3..4));
        // On a carriage return at the end of a line (found by fuzzing).
        let d = Diagnostic::at("f", "abc\r\r\nx", 4..6, "cr");
        assert_eq!((d.line, d.column, d.excerpt.as_str()), (1, 5, "abc"));
        assert_eq!(d.marker, 3..4);
    }

    #[test]
    fn wide_characters_and_tabs_move_the_marker_by_their_width() {
        let src = "\tk = \"日本\" x";
        let at = src.find('x').unwrap();
        let d = Diagnostic::at("f", src, at..at + 1, "m");
        assert_eq!(d.excerpt, "    k = \"日本\" x");
        assert_eq!(d.marker, 15..16);
        assert_eq!(d.column, 11);
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let src = "a = \"x\u{0}y\u{1b}[31m\u{9b}\"";
        let d = Diagnostic::at("f", src, 6..7, "bad \u{1b}[2J `\u{0}`");
        assert_eq!(d.excerpt, "a = \"x\\u{0}y\\u{1B}[31m\\u{9B}\"");
        assert_eq!(d.marker, 6..11);
        assert_eq!(d.message, "bad \\u{1B}[2J `\\u{0}`");
        assert!(!d.to_string().chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn a_long_line_is_cut_around_the_error() {
        let src = format!("k = \"{}\" bad {}\n", "a".repeat(5000), "b".repeat(5000));
        let at = src.find("bad").unwrap();
        let d = Diagnostic::at("f", &src, at..at + 3, "m");
        assert_eq!(d.excerpt.chars().count(), EXCERPT_COLUMNS);
        assert!(d.excerpt.starts_with('…') && d.excerpt.ends_with('…'));
        let marked: String = d.excerpt.chars().skip(d.marker.start).take(3).collect();
        assert_eq!(marked, "bad");
        assert_eq!(d.marker.len(), 3);
        // Centred.
        assert!((45..=52).contains(&d.marker.start), "{:?}", d.marker);
        assert_eq!(d.column, at + 1);
    }

    #[test]
    fn a_wide_marker_keeps_some_context_and_is_cut() {
        let src = format!("key = \"{}\"", "é".repeat(3000));
        let d = Diagnostic::at("f", &src, 6..src.len(), "m");
        assert_eq!(d.excerpt.chars().count(), EXCERPT_COLUMNS - 1);
        assert!(d.excerpt.starts_with("key = \"éé"), "{}", d.excerpt);
        assert!(d.excerpt.ends_with("é…"));
        assert_eq!(d.marker, 6..EXCERPT_COLUMNS - 2);
        // The end of a long line.
        let src = format!("{} x", "a".repeat(300));
        let d = Diagnostic::at("f", &src, 301..302, "m");
        assert!(d.excerpt.starts_with('…') && d.excerpt.ends_with(" x"));
        assert_eq!(d.marker.start, d.excerpt.chars().count() - 1);
    }

    #[test]
    fn characters_of_no_width_do_not_make_an_excerpt_or_a_message_long() {
        let marks = "e\u{301}".repeat(100_000);
        let src = format!("k = \"{marks}\" x");
        let at = src.len() - 1;
        let d = Diagnostic::at("f", &src, at..at + 1, format!("bad `{marks}`"));
        assert!(d.excerpt.len() <= EXCERPT_BYTES + 3, "{}", d.excerpt.len());
        assert!(d.message.chars().count() < 60, "{}", d.message);
    }

    #[test]
    fn quoted_text_and_long_messages_are_shortened() {
        let long = "x".repeat(100_000);
        let d = Diagnostic::at("f", "a", 0..1, format!("answer `{long}` is not one of `a`"))
            .with_help(format!("remove {long}"));
        assert_eq!(
            d.message,
            format!("answer `{}…` is not one of `a`", "x".repeat(QUOTE_COLUMNS))
        );
        let help = d.help.unwrap();
        assert_eq!(help.chars().count(), LINE_COLUMNS + 1);
        assert!(help.ends_with('…'));
    }

    #[test]
    fn at_most_fifty_diagnostics_of_a_file_are_shown() {
        let src = "x\n".repeat(120);
        let all: Vec<Diagnostic> = (0..120)
            .map(|i| Diagnostic::at("f.toml", &src, 2 * i..2 * i + 1, "bad"))
            .collect();
        let text = render_all(&all);
        assert_eq!(text.matches(": error: bad").count(), SHOWN_PER_FILE);
        assert!(
            text.ends_with("\n\nf.toml: and 70 more errors in this file"),
            "{text}"
        );
        assert!(!render_all(&all[..50]).contains("more"));
        assert!(render_all(&all[..51]).ends_with("and 1 more error in this file"));
    }
}
