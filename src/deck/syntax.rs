//! TOML syntax errors explained for deck authors: a file in another format (JSON, YAML,
//! Markdown, tab-separated, UTF-16) gets one error saying so, a control character is named, and
//! `:` written for `=` is pointed out.

use crate::diagnostic::Diagnostic;
use std::ops::Range;

/// How a deck starts, shown to someone whose file is not TOML at all.
const DECK_START: &str = "\
a pmquiz deck is a TOML file; it starts like this:
[deck]
name = \"My deck\"

[[card]]
question = \"What does TQM stand for?\"
answer = \"Total Quality Management\"
`pmquiz new example.toml` writes a commented example deck with every kind of card";

/// A `[[table.row]]` with no `[[table]]` above it: the message and the help.
pub(super) const ROW_BEFORE_TABLE: (&str, &str) = (
    "`[[table.row]]` comes before any `[[table]]`",
    "rows belong to the table above them: add a `[[table]]` header with its `subjects = [\"...\", \"...\"]` before the first `[[table.row]]`",
);

const SYNTAX_HELP: &str =
    "fix the TOML syntax here; `pmquiz new example.toml` writes a commented example deck";

/// The one diagnostic for a file that TOML cannot parse.
pub(super) fn syntax_error(path: &str, source: &str, error: &toml::de::Error) -> Diagnostic {
    if let Some((format, span)) = foreign_format(source) {
        let help = match format {
            Format::Utf16 => {
                "save the file as UTF-8 (in most editors: Save As, then the UTF-8 encoding)"
                    .to_string()
            }
            Format::Markdown => format!(
                "{DECK_START}\n`pmquiz import FILE` turns Markdown flashcards (hashcards, Obsidian) into a deck, `pmquiz draft FILE` drafts one from an article"
            ),
            Format::Tsv => format!(
                "{DECK_START}\n`pmquiz import FILE` turns tab-separated cards (Anki's and Quizlet's exports) into a deck"
            ),
            Format::Json | Format::Yaml => DECK_START.to_string(),
        };
        return Diagnostic::at(
            path,
            source,
            span,
            format!("this file looks like {}, not TOML", format.name()),
        )
        .with_help(help);
    }
    let mut span = error.span().unwrap_or(0..0);
    let message = error.message().trim();
    // toml points just after a carriage return that lacks its line feed.
    if message.contains("carriage return")
        && span.start > 0
        && source.as_bytes().get(span.start - 1) == Some(&b'\r')
    {
        span = span.start - 1..span.start;
    }
    let at = source.get(span.start..).and_then(|s| s.chars().next());
    // `[[table.row]]` before any `[[table]]` makes `table` a plain table, which a later
    // `[[table]]` cannot then extend.
    let row_first = source[..span.start.min(source.len())].find("[[table.row]]");
    if message.contains("duplicate key")
        && source.get(span.clone()) == Some("table")
        && let Some(row) = row_first
        && !source[..row].contains("[[table]]")
    {
        let (message, help) = ROW_BEFORE_TABLE;
        return Diagnostic::at(path, source, row + 2..row + 7, message).with_help(help);
    }
    let lone_cr = message.contains("carriage return")
        || at == Some('\r') && !source[span.start..].starts_with("\r\n");
    let (message, help) = match at {
        _ if lone_cr => (
            "invalid TOML: a carriage return (U+000D) not followed by a line feed".to_string(),
            "save the file with Unix (LF) or Windows (CRLF) line endings".to_string(),
        ),
        Some(c) if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {
            let place = if message.contains("string") {
                " in a string"
            } else {
                ""
            };
            (
                format!(
                    "invalid TOML: control character U+{:04X} ({}){place}",
                    c as u32,
                    control_name(c)
                ),
                "delete it (most editors do not show it): TOML text holds no control character but tab"
                    .to_string(),
            )
        }
        _ if message.contains("expected `=`") && colon_for_equals(source, span.start) => (
            format!("invalid TOML: {message}"),
            "TOML puts `=` between a key and its value: `name = \"...\"`, not `name: \"...\"`"
                .to_string(),
        ),
        _ => (format!("invalid TOML: {message}"), SYNTAX_HELP.to_string()),
    };
    Diagnostic::at(path, source, span, message).with_help(help)
}

/// The standard abbreviation of a control character.
pub(super) fn control_name(c: char) -> &'static str {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
        "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
        "ESC", "FS", "GS", "RS", "US",
    ];
    match c as u32 {
        n @ 0..=31 => C0[n as usize],
        127 => "DEL",
        _ => "control",
    }
}

/// Whether the line of `at` has a `key:` before it, as YAML and many notes write.
fn colon_for_equals(source: &str, at: usize) -> bool {
    let at = at.min(source.len());
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..at];
    let Some(colon) = before.find(':') else {
        return false;
    };
    let key = before[..colon].trim();
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
    Markdown,
    Tsv,
    Utf16,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
            Format::Markdown => "Markdown",
            Format::Tsv => "tab-separated text",
            Format::Utf16 => "UTF-16 text",
        }
    }
}

/// The format a file that is not TOML seems to be in, judged from how it starts, and where to
/// point. `None` when it could be a TOML deck with a mistake in it.
fn foreign_format(source: &str) -> Option<(Format, Range<usize>)> {
    // UTF-16 without a byte-order mark reads as UTF-8 text with a NUL after (or before) each
    // ASCII character.
    let nuls = source.bytes().take(4096).filter(|&b| b == 0).count();
    if nuls >= 2 && nuls * 4 >= source.len().min(4096) {
        return Some((Format::Utf16, 0..0));
    }
    let source_start = source.len() - source.trim_start_matches('\u{feff}').len();
    let mut offset = source_start;
    let mut first = None;
    let mut heading = false;
    for line in source[source_start..].split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            offset += line.len();
            continue;
        }
        if trimmed.starts_with('#') {
            // A TOML comment, or a Markdown heading (`# Title`).
            heading |= trimmed.trim_start_matches('#').starts_with(' ');
            offset += line.len();
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        first = Some((trimmed, offset + indent));
        break;
    }
    let (line, at) = first?;
    let span = at..at + line.chars().next().map_or(0, char::len_utf8);
    // A TOML table header never has `{` after its `[`; a JSON list of objects does.
    let list_of_objects = line.starts_with('[') && source[at + 1..].trim_start().starts_with('{');
    if line.starts_with('{') || list_of_objects {
        return Some((Format::Json, span));
    }
    if line.starts_with('[') {
        return None;
    }
    // A TOML line has no tab between two words outside a string; an export's card has one.
    if line.contains('\t') && !line.contains('=') && !line.contains('"') {
        return Some((Format::Tsv, span));
    }
    if line == "---" || line.starts_with("%YAML") {
        return Some((Format::Yaml, span));
    }
    // `Q:` / `A:` / `C:` blocks are hashcards' Markdown flashcards.
    if ["Q:", "A:", "C:"].iter().any(|p| line.starts_with(p)) {
        return Some((Format::Markdown, span));
    }
    let item = line.strip_prefix("- ").map(str::trim_start).unwrap_or(line);
    if let Some((key, rest)) = item.split_once(':') {
        let plain_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
        if plain_key && !key.contains('=') && (rest.is_empty() || rest.starts_with(' ')) {
            return Some((Format::Yaml, span));
        }
    }
    let list_item = ["- ", "* ", "+ ", "> ", "|", "```", "**", "==="]
        .iter()
        .any(|p| line.starts_with(p))
        || line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if list_item || (heading && !line.contains('=')) {
        return Some((Format::Markdown, span));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(text: &str) -> Option<Format> {
        foreign_format(text).map(|f| f.0)
    }

    #[test]
    fn other_formats_are_told_from_their_first_lines() {
        assert_eq!(format_of("{\"deck\": {}}"), Some(Format::Json));
        assert_eq!(format_of("\n  [\n  {\"q\": 1}]"), Some(Format::Json));
        assert_eq!(format_of("[ {\"q\": 1} ]"), Some(Format::Json));
        assert_eq!(format_of("---\ndeck:\n  name: x\n"), Some(Format::Yaml));
        assert_eq!(format_of("# cards\ndeck:\n  name: x\n"), Some(Format::Yaml));
        assert_eq!(
            format_of("- question: a\n  answer: b\n"),
            Some(Format::Yaml)
        );
        assert_eq!(
            format_of("# Spanish\n\nSome words to learn.\n"),
            Some(Format::Markdown)
        );
        assert_eq!(format_of("Q: What?\nA: That.\n"), Some(Format::Markdown));
        assert_eq!(format_of("# T\n\n- uno\n- dos\n"), Some(Format::Markdown));
        assert_eq!(format_of("1. first\n"), Some(Format::Markdown));
        assert_eq!(format_of("#separator:tab\nuno\tone\n"), Some(Format::Tsv));
        assert_eq!(format_of("año\tyear\n"), Some(Format::Tsv));
        assert_eq!(
            format_of("[\u{0}d\u{0}e\u{0}c\u{0}k\u{0}]\u{0}"),
            Some(Format::Utf16)
        );
    }

    #[test]
    fn a_toml_deck_with_a_mistake_is_not_taken_for_another_format() {
        assert_eq!(format_of("[deck]\nname: \"x\"\n"), None);
        assert_eq!(format_of("# my deck\n[deck]\nname = \"x\n"), None);
        assert_eq!(format_of("[[card]]\nquestion = \"q\" x\n"), None);
        assert_eq!(format_of("name = \"x\" \"y\"\n"), None);
        assert_eq!(format_of("# A title\nname = x\n"), None);
    }

    #[test]
    fn control_characters_have_their_names() {
        assert_eq!(control_name('\0'), "NUL");
        assert_eq!(control_name('\u{1b}'), "ESC");
        assert_eq!(control_name('\u{7f}'), "DEL");
    }
}
