//! The input checks of `pmquiz draft` (empty, binary, not UTF-8) and the choice of reader.

use super::DraftError;
use super::article::{Article, Facts, Format};

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
            blocks: super::plain::read_text(&text, 0),
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

#[cfg(test)]
mod tests {
    use super::*;

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
