//! Recognising a source file: by its first bytes, and text files by extension or content; and
//! reading text as UTF-8 with the spot of the first bad byte.

use super::markdown;
use super::package;
use std::path::Path;

/// The kinds of file `pmquiz import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A zip archive: `.apkg`, `.colpkg`.
    AnkiPackage,
    /// An SQLite file: `collection.anki2`.
    AnkiCollection,
    /// CSV, TSV, Anki's text export, Quizlet's export.
    Delimited { tsv: bool },
    /// hashcards or Obsidian.
    Markdown,
}

/// Recognises a file by its first bytes, and text files by extension or content.
pub(crate) fn detect(path: &Path, head: &[u8], text: Option<&str>) -> Source {
    if package::is_zip(head) {
        return Source::AnkiPackage;
    }
    if package::is_sqlite(head) {
        return Source::AnkiCollection;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => Source::Markdown,
        "tsv" | "tab" => Source::Delimited { tsv: true },
        "csv" | "txt" => Source::Delimited { tsv: false },
        _ if text.is_some_and(|t| {
            !t.starts_with("#separator:") && markdown::looks_like_markdown_cards(t)
        }) =>
        {
            Source::Markdown
        }
        _ => Source::Delimited { tsv: false },
    }
}

/// A text file's bytes as UTF-8 (a byte-order mark dropped), or a message naming the line and
/// column of the first byte that is not UTF-8.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(
            "the file is UTF-16 text: save it as UTF-8 (in Excel: \"CSV UTF-8\"; in a text editor: encoding UTF-8)"
                .to_string(),
        );
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        let byte = bytes[e.valid_up_to()];
        format!(
            "{line}:{column}: not UTF-8 text (byte 0x{byte:02X}; the file is probably Latin-1 or \
             Windows-1252): save it as UTF-8 and import it again"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_must_be_utf8_and_the_error_names_the_spot() {
        assert_eq!(decode_text(b"\xef\xbb\xbfa,b\n"), Ok("a,b\n"));
        let e = decode_text(b"a,b\nc,caf\xe9\n").unwrap_err();
        assert!(e.starts_with("2:6: not UTF-8"), "{e}");
        assert!(decode_text(b"\xff\xfea\0").unwrap_err().contains("UTF-16"));
    }

    #[test]
    fn files_are_recognised_by_content_first() {
        let p = Path::new("cards.txt");
        assert_eq!(detect(p, b"PK\x03\x04....", None), Source::AnkiPackage);
        assert_eq!(
            detect(p, b"SQLite format 3\0", None),
            Source::AnkiCollection
        );
        assert_eq!(
            detect(p, b"a,b", Some("a,b")),
            Source::Delimited { tsv: false }
        );
        assert_eq!(detect(Path::new("x.md"), b"", Some("")), Source::Markdown);
        assert_eq!(
            detect(Path::new("cards"), b"Q:", Some("Q: a\nA: b\n")),
            Source::Markdown
        );
    }
}
