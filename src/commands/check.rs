//! `pmquiz check FILE...`: validate deck files and report every problem.

use super::{Context, FAILURE, OK};
use crate::deck::{Deck, DeckSource, Origin, deck_id_span, plural};
use crate::diagnostic::Diagnostic;
use crate::library::{DeckEntry, list_decks, load_file};
use crate::quiz::{Filter, available_questions};
use std::path::{Path, PathBuf};

pub(super) fn run(cx: &Context, files: &[PathBuf]) -> u8 {
    let mut code = OK;
    // The user decks, read once when a checked file turns out to be one of them.
    let mut library: Option<Library> = None;
    for path in files {
        match load_file(path) {
            Ok(deck) => {
                let library = library.get_or_insert_with(|| Library::read(cx));
                if let Some(clash) = library.same_id(path, &deck) {
                    eprintln!("{clash}\n");
                    code = FAILURE;
                    continue;
                }
                let questions =
                    available_questions(std::slice::from_ref(&deck), &Filter::default());
                println!(
                    "{}: ok, {}, {}",
                    path.display(),
                    plural(deck.card_count(), "card"),
                    plural(questions, "question")
                );
            }
            Err(error) => {
                eprintln!("{error}\n");
                code = FAILURE;
            }
        }
    }
    code
}

/// The deck folders and the decks in them, to tell whether a checked deck shares its id with
/// another user deck (then `--deck ID` cannot choose between them).
struct Library {
    /// The deck folders as given, and resolved; none when the data directory cannot be found
    /// (`check` works without one).
    dirs: Vec<PathBuf>,
    resolved: Vec<PathBuf>,
    /// The user decks, read when a checked file turns out to be in a deck folder.
    entries: Option<Vec<DeckEntry>>,
}

impl Library {
    fn read(cx: &Context) -> Library {
        let dirs = cx.deck_dirs().unwrap_or_default();
        Library {
            resolved: dirs.iter().filter_map(|d| d.canonicalize().ok()).collect(),
            dirs,
            entries: None,
        }
    }

    /// The error for a deck at `path`, in a deck folder, whose id another user deck file has.
    fn same_id(&mut self, path: &Path, deck: &Deck) -> Option<Diagnostic> {
        let file = path.canonicalize().ok()?;
        if !self
            .resolved
            .iter()
            .any(|d| file.parent() == Some(d.as_path()))
        {
            return None;
        }
        // Without the deck cache: `check` always parses and never writes a cache entry.
        let dirs = &self.dirs;
        let others: Vec<&Path> = self
            .entries
            .get_or_insert_with(|| list_decks(dirs, None))
            .iter()
            .filter_map(|e| match (&e.deck, &e.source) {
                (Ok(d), Origin::File(p)) if d.id() == deck.id => Some(p.as_path()),
                _ => None,
            })
            .filter(|p| p.canonicalize().ok().as_ref() != Some(&file))
            .collect();
        if others.is_empty() {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        let span = deck_id_span(&text).unwrap_or(0..0);
        let listed: Vec<String> = others.iter().map(|p| p.display().to_string()).collect();
        let written = text.get(span.clone()).is_some_and(|s| !s.starts_with('['));
        let whose = if written {
            "give one of them another `id`"
        } else {
            "this deck takes its id from its file name: give one of them an `id` of its own"
        };
        Some(
            Diagnostic::at(
                &path.display().to_string(),
                &text,
                span,
                format!(
                    "the deck id `{}` is also the id of {}",
                    deck.id,
                    listed.join(", ")
                ),
            )
            .with_help(format!(
                "`--deck {}` cannot choose between user decks with one id; {whose} in its [deck] table",
                deck.id
            )),
        )
    }
}
