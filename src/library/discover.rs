//! Finding decks: built-in ones, the user's deck folder, folders named in `PMQUIZ_DECKS`, and
//! paths given on the command line.

use super::cache::DeckCache;
use super::file::{LoadError, load_file};
use super::open::OpenDeck;
use crate::deck::{DeckSource, Origin, builtin_decks};
use std::path::{Path, PathBuf};

/// Opens a deck file through the cache when there is one.
fn load(path: &Path, cache: Option<&DeckCache>) -> Result<OpenDeck, LoadError> {
    if let Some(cache) = cache
        && let Some(deck) = cache.open(path)?
    {
        return Ok(OpenDeck::Cached(Box::new(deck)));
    }
    load_file(path).map(OpenDeck::Parsed)
}

/// The folders searched for user decks: `DATA_DIR/decks`, then each folder in `PMQUIZ_DECKS`.
pub(crate) fn deck_dirs(data_dir: &Path, env_decks: Option<&std::ffi::OsStr>) -> Vec<PathBuf> {
    let mut dirs = vec![data_dir.join("decks")];
    if let Some(list) = env_decks {
        dirs.extend(std::env::split_paths(list).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs
}

/// A deck found during discovery: loaded, or the reason it could not be.
#[derive(Debug)]
pub(crate) struct DeckEntry {
    pub source: Origin,
    pub deck: Result<OpenDeck, LoadError>,
}

/// Every deck available: user decks first (they hide built-in decks with the same id), then the
/// built-in decks. A broken user deck is listed with its error. Deck files are read through
/// `cache` when given.
pub(crate) fn list_decks(dirs: &[PathBuf], cache: Option<&DeckCache>) -> Vec<DeckEntry> {
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
                source: Origin::File(path.clone()),
                deck: load(&path, cache),
            });
        }
    }
    let user_ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.deck.as_ref().ok().map(|d| d.id().to_string()))
        .collect();
    for deck in builtin_decks() {
        if !user_ids.contains(&deck.id) {
            entries.push(DeckEntry {
                source: Origin::BuiltIn,
                deck: Ok(OpenDeck::Parsed(deck)),
            });
        }
    }
    entries
}

/// User deck files that share a deck id, so that `--deck ID` cannot choose between them: each
/// such id with its files, in the order they were found.
pub(crate) fn same_ids(entries: &[DeckEntry]) -> Vec<(String, Vec<PathBuf>)> {
    let mut by_id: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for entry in entries {
        let (Ok(deck), Origin::File(path)) = (&entry.deck, &entry.source) else {
            continue;
        };
        match by_id.iter_mut().find(|(id, _)| id == deck.id()) {
            Some((_, paths)) => paths.push(path.clone()),
            None => by_id.push((deck.id().to_string(), vec![path.clone()])),
        }
    }
    by_id.retain(|(_, paths)| paths.len() > 1);
    by_id
}

/// The decks a command uses when none is named, and a one-line warning for each user deck it
/// has to leave out: a broken deck, or decks that share an id.
pub(crate) fn usable(entries: Vec<DeckEntry>) -> (Vec<OpenDeck>, Vec<String>) {
    let shared = same_ids(&entries);
    let mut decks = Vec::new();
    let mut warnings = Vec::new();
    for entry in entries {
        match (entry.deck, entry.source) {
            (Ok(deck), _) if shared.iter().any(|(id, _)| id == deck.id()) => {}
            (Ok(deck), _) => decks.push(deck),
            (Err(error), Origin::File(path)) => {
                let problems = match &error {
                    LoadError::Invalid(diagnostics) => diagnostics.len(),
                    _ => 1,
                };
                let errors = if problems == 1 { "error" } else { "errors" };
                warnings.push(format!(
                    "warning: skipping the broken deck {} ({problems} {errors}); see `pmquiz check {}`",
                    path.display(),
                    path.display()
                ));
            }
            (Err(_), Origin::BuiltIn) => {}
        }
    }
    for (id, paths) in shared {
        let listed: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        warnings.push(format!(
            "warning: skipping {} decks with the same id `{id}` ({}); give one of them another `id` in its [deck] table",
            paths.len(),
            listed.join(", ")
        ));
    }
    (decks, warnings)
}

/// Whether a deck argument names a file (ends in `.toml` or has a path separator) rather than a
/// deck id.
pub(crate) fn is_path(arg: &str) -> bool {
    arg.ends_with(".toml") || arg.contains(std::path::MAIN_SEPARATOR) || arg.contains('/')
}

/// Resolves a deck argument: a path to a `.toml` file, or the id of a known deck. An id that
/// only a broken deck file could have (its file is named after the id) gets that file's errors,
/// even when a built-in deck has the id: the user's deck would hide it if it loaded. An id that
/// several user decks have is an error naming them.
pub(crate) fn resolve(
    arg: &str,
    dirs: &[PathBuf],
    cache: Option<&DeckCache>,
) -> Result<OpenDeck, LoadError> {
    let path = Path::new(arg);
    if arg.ends_with(".toml") || arg.contains(std::path::MAIN_SEPARATOR) || arg.contains('/') {
        return load(path, cache);
    }
    let mut known = Vec::new();
    let mut built_in = None;
    let mut broken = None;
    let mut found = None;
    let entries = list_decks(dirs, cache);
    if let Some((id, paths)) = same_ids(&entries).into_iter().find(|(id, _)| id == arg) {
        return Err(LoadError::SameId { id, paths });
    }
    for entry in entries {
        match (entry.deck, entry.source) {
            (Ok(deck), Origin::File(_)) if deck.id() == arg => found = Some(deck),
            (Ok(deck), Origin::BuiltIn) if deck.id() == arg => built_in = Some(deck),
            (Ok(deck), _) => known.push(deck.id().to_string()),
            (Err(error), Origin::File(file)) => {
                if broken.is_none() && file.file_stem().is_some_and(|s| s == arg) {
                    broken = Some(error);
                }
            }
            (Err(_), Origin::BuiltIn) => {}
        }
    }
    if let Some(deck) = found {
        return Ok(deck);
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
