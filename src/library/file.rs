//! Reading one deck file: its bytes, its text, the deck it holds, and why it could not be
//! loaded. Shared by discovery and the deck cache.

use crate::deck::{Deck, Origin, parse_deck};
use crate::diagnostic::{Diagnostic, render_all};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a deck file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (missing, a directory, no permission).
    Io { path: PathBuf, message: String },
    /// The file is not a valid deck (or not UTF-8 text): every problem, in file order.
    Invalid(Vec<Diagnostic>),
    /// No deck has this id.
    UnknownDeck { id: String, known: Vec<String> },
    /// Several user decks have this id.
    SameId { id: String, paths: Vec<PathBuf> },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, message } => {
                write!(f, "{}: error: cannot read deck: {message}", path.display())
            }
            LoadError::Invalid(diagnostics) => f.write_str(&render_all(diagnostics)),
            LoadError::SameId { id, paths } => {
                writeln!(f, "error: {} user decks have the id `{id}`:", paths.len())?;
                for path in paths {
                    writeln!(f, "  {}", path.display())?;
                }
                write!(
                    f,
                    "give one of them another `id` in its [deck] table, or name the deck by its path (`--deck {}`)",
                    paths[0].display()
                )
            }
            LoadError::UnknownDeck { id, known } => write!(
                f,
                "error: no deck with id `{id}`; known decks: {} (or give a path to a .toml file)",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads and validates one deck file.
pub fn load_file(path: &Path) -> Result<Deck, LoadError> {
    let text = into_text(path, read_bytes(path)?)?;
    parse_text(path, &text)
}

/// Reads a deck file.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    let io = |message: String| LoadError::Io {
        path: path.to_path_buf(),
        message,
    };
    if path.is_dir() {
        return Err(io("is a directory, not a deck file".to_string()));
    }
    std::fs::read(path).map_err(|e| io(describe_io(&e)))
}

/// The contents of the deck file at `path` as text, which must be UTF-8.
pub(crate) fn into_text(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|e| {
        let error = e.utf8_error();
        let bytes = e.into_bytes();
        LoadError::Invalid(vec![Diagnostic::not_utf8(
            &path.display().to_string(),
            &bytes,
            error,
        )])
    })
}

/// Validates the text of the deck file at `path`.
pub(crate) fn parse_text(path: &Path, text: &str) -> Result<Deck, LoadError> {
    let shown = path.display().to_string();
    parse_deck(text, &shown, &stem(path), Origin::File(path.to_path_buf()))
        .map_err(LoadError::Invalid)
}

/// The file stem a deck without an `id` takes its id from.
pub(super) fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "deck".to_string(), |s| s.to_string_lossy().into_owned())
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
