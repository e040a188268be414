//! Reading one source file: its bytes, what kind of file it is, and its parser.

use super::delimited::{self, Separators};
use super::detect::{Source, decode_text, detect};
use super::history::RevlogIndex;
use super::model::Imported;
use super::{anki, markdown, package};
use std::io::Read as _;
use std::path::Path;

/// A source file read and parsed.
pub(crate) struct Read {
    /// What the file was: "Anki package, collection.anki21b", "CSV", "hashcards Markdown".
    pub(crate) format: String,
    pub(crate) imported: Imported,
    /// Media files an Anki package carries.
    pub(crate) media_files: usize,
    /// Anki's review log, when asked for (`--with-history`) and the file has one.
    pub(crate) revlog: Option<RevlogIndex>,
}

/// Reads and parses one file. Errors start with the file's path, and its line where there is
/// one (`cards.csv:12: ...`).
pub(crate) fn read(path: &Path, separators: &Separators, history: bool) -> anyhow::Result<Read> {
    let at = |line: Option<usize>, message: &dyn std::fmt::Display| {
        let line = line.map(|l| format!(":{l}")).unwrap_or_default();
        anyhow::anyhow!("{}{line}: {message}", path.display())
    };
    let cannot = |e: std::io::Error| at(None, &format!("cannot read it: {e}"));
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .map_err(cannot)?;
    if package::is_zip(&head) || package::is_sqlite(&head) {
        let opened = if package::is_zip(&head) {
            package::open_package(path)
        } else {
            package::open_collection_file(path)
        }
        .map_err(|e| at(None, &format!("{e:#}")))?;
        crate::timing::step("import: unpacking the collection");
        // The review log (a million rows for a big collection) is read on a second thread while
        // this one reads and converts the notes.
        let revlog_reader = if history {
            Some(opened.another().map_err(|e| at(None, &format!("{e:#}")))?)
        } else {
            None
        };
        let (collection, revlog) = std::thread::scope(|scope| {
            let revlog = revlog_reader.map(|reader| {
                scope.spawn(move || -> anyhow::Result<RevlogIndex> {
                    let rows = reader
                        .revlog()
                        .map_err(|e| at(None, &format!("cannot read the review log: {e:#}")))?;
                    let created = reader
                        .created()
                        .map_err(|e| at(None, &format!("cannot read the collection: {e:#}")))?;
                    Ok(RevlogIndex::new(rows, created))
                })
            });
            let collection = opened
                .collection()
                .map_err(|e| at(None, &format!("cannot read the collection: {e:#}")));
            crate::timing::step("import: reading notes and cards");
            let collection = collection.map(|c| {
                let imported = anki::convert(&c);
                crate::timing::step("import: converting notes to cards");
                imported
            });
            let revlog = revlog
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .transpose();
            crate::timing::step("import: reading the review log (on a second thread)");
            (collection, revlog)
        });
        let imported = collection?;
        let revlog = revlog?;
        return Ok(Read {
            format: opened.format.clone(),
            imported,
            media_files: opened.media_files,
            revlog,
        });
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".to_string());
    let text = decode_text(&bytes).ok();
    match detect(path, &head, text) {
        Source::AnkiPackage | Source::AnkiCollection => unreachable!("packages are read above"),
        Source::Delimited { tsv } => {
            let text = decode_text(&bytes).map_err(|e| utf8(path, &e))?;
            let imported = delimited::parse(text, &stem, tsv, separators)
                .map_err(|e| at(e.line, &e.message))?;
            let format = if separators.field.is_some() || separators.card.is_some() {
                "text with custom separators (Quizlet)"
            } else if text.starts_with("#separator:") || text.starts_with("#html:") {
                "Anki text export"
            } else if tsv {
                "TSV"
            } else {
                "CSV"
            };
            Ok(Read {
                format: format.to_string(),
                imported,
                media_files: 0,
                revlog: None,
            })
        }
        Source::Markdown => {
            let text = decode_text(&bytes).map_err(|e| utf8(path, &e))?;
            let imported =
                markdown::parse(text, &stem).map_err(|e| at(Some(e.line), &e.message))?;
            let format = if markdown::is_hashcards(text) {
                "hashcards Markdown"
            } else {
                "Obsidian spaced-repetition notes"
            };
            Ok(Read {
                format: format.to_string(),
                imported,
                media_files: 0,
                revlog: None,
            })
        }
    }
}

/// `cards.csv:2:6: not UTF-8 ...`: the decoder's message starts with the line and column, or
/// (UTF-16) with the message itself.
fn utf8(path: &Path, message: &str) -> anyhow::Error {
    let sep = if message.starts_with(|c: char| c.is_ascii_digit()) {
        ":"
    } else {
        ": "
    };
    anyhow::anyhow!("{}{sep}{message}", path.display())
}
