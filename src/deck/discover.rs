//! Finding decks: built-in ones, the user's deck folder, folders named in `PMQUIZ_DECKS`, and
//! paths given on the command line.

use super::builtin::builtin_decks;
use super::cache::DeckCache;
use super::load::parse_deck;
use super::model::{Deck, Origin};
use crate::diagnostic::Diagnostic;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a deck file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (missing, a directory, no permission).
    Io { path: PathBuf, message: String },
    /// The file is not UTF-8 text.
    NotUtf8 { path: PathBuf, offset: usize },
    /// The file was read but is not a valid deck.
    Invalid(Vec<Diagnostic>),
    /// No deck has this id.
    UnknownDeck { id: String, known: Vec<String> },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, message } => {
                write!(f, "{}: error: cannot read deck: {message}", path.display())
            }
            LoadError::NotUtf8 { path, offset } => write!(
                f,
                "{}: error: not UTF-8 text (invalid byte at offset {offset}); save the file as UTF-8",
                path.display()
            ),
            LoadError::Invalid(diagnostics) => {
                let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
                write!(f, "{}", shown.join("\n\n"))
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
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
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
pub(super) fn into_text(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Validates the text of the deck file at `path`.
pub(super) fn parse_text(path: &Path, text: &str) -> Result<Deck, LoadError> {
    let stem = path
        .file_stem()
        .map_or_else(|| "deck".to_string(), |s| s.to_string_lossy().into_owned());
    let shown = path.display().to_string();
    parse_deck(text, &shown, &stem, Origin::File(path.to_path_buf())).map_err(LoadError::Invalid)
}

/// Loads a deck file through the cache when there is one.
fn load(path: &Path, cache: Option<&DeckCache>) -> Result<Deck, LoadError> {
    match cache {
        Some(cache) => cache.load(path),
        None => load_file(path),
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The folders searched for user decks: `DATA_DIR/decks`, then each folder in `PMQUIZ_DECKS`.
pub fn deck_dirs(data_dir: &Path, env_decks: Option<&std::ffi::OsStr>) -> Vec<PathBuf> {
    let mut dirs = vec![data_dir.join("decks")];
    if let Some(list) = env_decks {
        dirs.extend(std::env::split_paths(list).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs
}

/// Where a listed deck comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeckSource {
    BuiltIn,
    File(PathBuf),
}

/// A deck found during discovery: loaded, or the reason it could not be.
#[derive(Debug)]
pub struct DeckEntry {
    pub source: DeckSource,
    pub deck: Result<Deck, LoadError>,
}

/// Every deck available: user decks first (they hide built-in decks with the same id), then the
/// built-in decks. A broken user deck is listed with its error. Deck files are read through
/// `cache` when given.
pub fn list_decks(dirs: &[PathBuf], cache: Option<&DeckCache>) -> Vec<DeckEntry> {
    let mut entries = Vec::new();
    for dir in dirs {
        let Ok(read) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        files.sort();
        for path in files {
            entries.push(DeckEntry {
                source: DeckSource::File(path.clone()),
                deck: load(&path, cache),
            });
        }
    }
    let user_ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.deck.as_ref().ok().map(|d| d.id.clone()))
        .collect();
    for deck in builtin_decks() {
        if !user_ids.contains(&deck.id) {
            entries.push(DeckEntry {
                source: DeckSource::BuiltIn,
                deck: Ok(deck),
            });
        }
    }
    entries
}

/// Resolves a deck argument: a path to a `.toml` file, or the id of a known deck. An id that
/// only a broken deck file could have (its file is named after the id) gets that file's errors,
/// even when a built-in deck has the id: the user's deck would hide it if it loaded.
pub fn resolve(arg: &str, dirs: &[PathBuf], cache: Option<&DeckCache>) -> Result<Deck, LoadError> {
    let path = Path::new(arg);
    if arg.ends_with(".toml") || arg.contains(std::path::MAIN_SEPARATOR) || arg.contains('/') {
        return load(path, cache);
    }
    let mut known = Vec::new();
    let mut built_in = None;
    let mut broken = None;
    for entry in list_decks(dirs, cache) {
        match (entry.deck, entry.source) {
            (Ok(deck), DeckSource::File(_)) if deck.id == arg => return Ok(deck),
            (Ok(deck), DeckSource::BuiltIn) if deck.id == arg => built_in = Some(deck),
            (Ok(deck), _) => known.push(deck.id),
            (Err(error), DeckSource::File(file)) => {
                if broken.is_none() && file.file_stem().is_some_and(|s| s == arg) {
                    broken = Some(error);
                }
            }
            (Err(_), DeckSource::BuiltIn) => {}
        }
    }
    if let Some(error) = broken {
        return Err(error);
    }
    if let Some(deck) = built_in {
        return Ok(deck);
    }
    if path.is_file() {
        return load(path, cache);
    }
    Err(LoadError::UnknownDeck {
        id: arg.to_string(),
        known,
    })
}
