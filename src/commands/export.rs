//! `pmquiz export DECK... --to apkg|csv|tsv|md`: decks out to Anki and hashcards.

use super::{Context, OK};
use crate::cli::{ExportArgs, ExportFormat};
use crate::deck::{Deck, plural};
use crate::export::anki::{Answer, CardHistory, build};
use crate::export::text::{Separator, delimited, markdown};
use crate::import::output::{Staged, check_free};
use crate::library::OpenDeck;
use crate::store::Store;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

pub(super) fn run(cx: &Context, args: &ExportArgs) -> anyhow::Result<u8> {
    if args.with_history && args.to != ExportFormat::Apkg {
        anyhow::bail!(
            "--with-history needs --to apkg: only an Anki package holds a review history"
        );
    }
    // Every card is written out: the decks are built whole.
    let decks: Vec<Deck> = cx
        .decks(&args.decks)?
        .into_iter()
        .map(OpenDeck::into_deck)
        .collect();
    let decks = decks.as_slice();
    let text = match args.to {
        ExportFormat::Apkg => None,
        ExportFormat::Csv => Some(delimited(decks, Separator::Comma)?),
        ExportFormat::Tsv => Some(delimited(decks, Separator::Tab)?),
        ExportFormat::Md => match decks {
            [deck] => Some(markdown(deck)),
            _ => anyhow::bail!(
                "export one deck at a time to Markdown: a hashcards file holds one deck"
            ),
        },
    };
    if let Some(text) = text {
        match &args.output {
            None => std::io::stdout().write_all(text.as_bytes())?,
            Some(path) => {
                write_file(path.clone(), args.force, |f| {
                    Ok(f.write_all(text.as_bytes())?)
                })?;
                eprintln!("Wrote {}.", path.display());
            }
        }
        return Ok(OK);
    }

    let history = if args.with_history {
        Some(read_history(cx, decks)?)
    } else {
        None
    };
    let col = build(decks, history.as_deref(), cx.now()?);
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.apkg", decks[0].id)));
    write_file(path.clone(), args.force, |f| {
        crate::export::package::write(&col, &mut std::io::BufWriter::new(f))
    })?;
    println!(
        "Wrote {}: {}, {}{}. In Anki: File → Import.",
        path.display(),
        plural(col.notes.len(), "note"),
        plural(col.cards.len(), "card"),
        if args.with_history {
            format!(", {}", plural(col.revlog.len(), "review-log row"))
        } else {
            String::new()
        }
    );
    Ok(OK)
}

/// Writes a file through a temporary file renamed into place; refuses an existing file
/// without `--force`.
fn write_file(
    path: PathBuf,
    force: bool,
    write: impl FnOnce(&mut std::fs::File) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    check_free(std::slice::from_ref(&path), force)?;
    let mut staged = Staged::new(force);
    staged.add(&path, write)?;
    staged.commit()
}

/// Every deck's answers and schedules, by card.
fn read_history(cx: &Context, decks: &[Deck]) -> anyhow::Result<Vec<HashMap<String, CardHistory>>> {
    let store = Store::open(cx.data_dir()?)?;
    let mut out = Vec::with_capacity(decks.len());
    for deck in decks {
        let mut cards: HashMap<String, CardHistory> = HashMap::new();
        store.for_each_answer(&deck.id, |card, at, rating, correct, duration| {
            cards
                .entry(card.to_string())
                .or_default()
                .answers
                .push(Answer {
                    at,
                    rating,
                    correct,
                    duration,
                });
        })?;
        store.for_each_card_state(&deck.id, |card, state| {
            cards.entry(card.to_string()).or_default().state = Some(state);
        })?;
        out.push(cards);
    }
    Ok(out)
}
