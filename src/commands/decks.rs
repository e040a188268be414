//! `pmquiz decks`: every available deck, built-in and the user's own.

use super::{Context, OK};
use crate::cli::Format;
use crate::deck::Origin;
use crate::library::list_decks;
use serde_json::json;

pub(super) fn run(cx: &Context, format: Format) -> anyhow::Result<u8> {
    let dirs = cx.deck_dirs()?;
    let entries = list_decks(&dirs, cx.cache());
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
                        Ok(d) => json!({"id": d.id, "name": d.name, "cards": d.card_count(), "source": source, "description": d.description}),
                        Err(err) => json!({"source": source, "error": err.to_string()}),
                    }
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        Format::Text => {
            let width = entries
                .iter()
                .filter_map(|e| e.deck.as_ref().ok().map(|d| d.id.chars().count()))
                .max()
                .unwrap_or(2);
            for e in &entries {
                match (&e.deck, &e.source) {
                    (Ok(d), source) => {
                        let from = match source {
                            Origin::BuiltIn => "built-in".to_string(),
                            Origin::File(p) => p.display().to_string(),
                        };
                        println!(
                            "{:width$}  {:>10}  {}  ({from})",
                            d.id,
                            crate::deck::plural(d.card_count(), "card"),
                            d.name
                        );
                    }
                    (Err(err), Origin::File(p)) => {
                        let stem = p
                            .file_stem()
                            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
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
                        println!("{stem:width$}  broken      ({})", p.display());
                        println!("{:width$}  {first}{more}", "");
                        println!(
                            "{:width$}  run `pmquiz check {}` for details",
                            "",
                            p.display()
                        );
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
