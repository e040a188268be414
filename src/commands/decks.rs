//! `pmquiz decks`: every available deck, built-in and the user's own.

use super::{Context, OK};
use crate::cli::Format;
use crate::deck::{DeckSource, Origin, plural};
use crate::library::{DeckEntry, list_decks, same_ids};
use serde_json::json;
use std::path::PathBuf;

pub(super) fn run(cx: &Context, format: Format) -> anyhow::Result<u8> {
    let dirs = cx.deck_dirs()?;
    let entries = list_decks(&dirs, cx.cache());
    let shared = same_ids(&entries);
    // The other files that have the id of this entry's deck, when it shares it.
    let others = |e: &DeckEntry| -> Vec<PathBuf> {
        let (Ok(deck), Origin::File(path)) = (&e.deck, &e.source) else {
            return Vec::new();
        };
        shared
            .iter()
            .find(|(id, _)| id == deck.id())
            .map(|(_, paths)| paths.iter().filter(|p| *p != path).cloned().collect())
            .unwrap_or_default()
    };
    match format {
        Format::Json => {
            let list: Vec<_> = entries
                .iter()
                .map(|e| {
                    let source = match &e.source {
                        Origin::BuiltIn => "built-in".to_string(),
                        Origin::File(p) => p.display().to_string(),
                    };
                    match &e.deck {
                        Ok(d) => {
                            let mut entry = json!({"id": d.id(), "name": d.name(), "cards": d.card_count(), "source": source, "description": d.description()});
                            let same = others(e);
                            if !same.is_empty() {
                                entry["same_id_as"] = same
                                    .iter()
                                    .map(|p| p.display().to_string())
                                    .collect::<Vec<_>>()
                                    .into();
                            }
                            entry
                        }
                        Err(err) => json!({"source": source, "error": err.to_string()}),
                    }
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        Format::Text => {
            let stem = |p: &std::path::Path| {
                p.file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
            };
            // The id column fits the longest id or broken file's name, the card column the
            // longest count (and at least `9999 cards`, so that it rarely moves).
            let names: Vec<String> = entries
                .iter()
                .map(|e| match (&e.deck, &e.source) {
                    (Ok(d), _) => d.id().to_string(),
                    (Err(_), Origin::File(p)) => stem(p),
                    (Err(_), Origin::BuiltIn) => String::new(),
                })
                .collect();
            let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(2);
            let counts: Vec<String> = entries
                .iter()
                .map(|e| match &e.deck {
                    Ok(d) => plural(d.card_count(), "card"),
                    Err(_) => "broken".to_string(),
                })
                .collect();
            let cards = counts.iter().map(String::len).max().unwrap_or(0).max(10);
            let indent = " ".repeat(width + 2);
            for ((e, name), count) in entries.iter().zip(&names).zip(&counts) {
                match (&e.deck, &e.source) {
                    (Ok(d), source) => {
                        println!("{name:width$}  {count:>cards$}  {}  ({source})", d.name());
                        for other in others(e) {
                            println!(
                                "{indent}warning: {} has this id too; `--deck {name}` cannot choose: give one of them another `id`",
                                other.display()
                            );
                        }
                    }
                    (Err(err), Origin::File(p)) => {
                        let problems = match err {
                            crate::library::LoadError::Invalid(ds) => ds.len(),
                            _ => 1,
                        };
                        let first = err
                            .to_string()
                            .lines()
                            .next()
                            .unwrap_or_default()
                            .to_string();
                        let more = if problems > 1 {
                            format!(" (and {} more)", problems - 1)
                        } else {
                            String::new()
                        };
                        println!("{name:width$}  {count:cards$}  ({})", p.display());
                        println!("{indent}{first}{more}");
                        println!("{indent}run `pmquiz check {}` for details", p.display());
                    }
                    (Err(err), Origin::BuiltIn) => println!("built-in deck error: {err}"),
                }
            }
            println!(
                "\nUser decks are read from: {}",
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    Ok(OK)
}
