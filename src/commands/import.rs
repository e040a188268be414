//! `pmquiz import FILE...`: read cards from other tools and write them as deck files.

use super::{Context, OK};
use crate::cli::ImportArgs;
use crate::import::delimited::{Separators, separator_named};
use crate::import::history::card_history;
use crate::import::model::Imported;
use crate::import::output::{Staged, check_free};
use crate::import::plan::{Checked, Planned};
use crate::import::plan::{Target, plan, validate};
use crate::import::read::{Read, read};
use crate::import::report::{DeckReport, SourceReport, render};
use crate::schedule::{CardState, Rating, Scheduler};
use crate::store::{ImportCounts, ImportedHistory, Store};
use chrono::{DateTime, Utc};
use std::cell::Cell;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The session id of answers brought in from Anki.
const ANKI_SOURCE: &str = "anki-import";

pub(super) fn run(cx: &Context, args: &ImportArgs) -> anyhow::Result<u8> {
    crate::timing::step("import: starting");
    let target = match (&args.output, &args.into) {
        (Some(file), _) => {
            if file.extension().is_none_or(|e| e != "toml") {
                anyhow::bail!(
                    "{} does not end in .toml; deck files need the .toml extension to be found",
                    file.display()
                );
            }
            Target::File(file.clone())
        }
        (None, Some(dir)) => Target::Dir(dir.clone()),
        (None, None) => Target::Dir(cx.data_dir()?.join("decks")),
    };
    let separators = Separators {
        field: args.separator.as_deref().and_then(separator_named),
        card: args.card_separator.as_deref().and_then(separator_named),
    };
    let mut read_files = Vec::new();
    for path in &args.files {
        read_files.push(read(path, &separators, args.with_history)?);
    }
    let imported: Vec<&Imported> = read_files.iter().map(|r| &r.imported).collect();
    let names: Vec<String> = args
        .files
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let planned = plan(&imported, &names, &target);
    crate::timing::step("import: grouping cards into decks");
    let mut checked = Vec::new();
    let mut dropped = Vec::new();
    for (p, c) in planned.iter().zip(validate_all(&planned, &imported)) {
        if let Some(c) = c {
            dropped.extend(c.dropped.iter().cloned());
            checked.push((p, c));
        }
    }
    if checked.is_empty() {
        anyhow::bail!("no card could be imported from {}", names.join(", "));
    }
    crate::timing::step("import: rendering and checking the decks");
    let paths: Vec<_> = checked.iter().map(|(p, _)| p.path.clone()).collect();
    check_free(&paths, args.force)?;
    if !args.dry_run {
        let mut staged = Staged::new(args.force);
        for (p, c) in &checked {
            staged.add(&p.path, |f| Ok(f.write_all(c.text.as_bytes())?))?;
        }
        staged.commit()?;
        crate::timing::step("import: writing the deck files");
    }
    // The texts are written: their memory is better used by the history import.
    for (_, c) in &mut checked {
        c.text = String::new();
    }
    let history = if args.with_history {
        Some(import_history(cx, &read_files, &checked, args.dry_run)?)
    } else {
        None
    };

    let paths: Vec<String> = checked
        .iter()
        .map(|(p, _)| p.path.display().to_string())
        .collect();
    let sources: Vec<SourceReport<'_>> = args
        .files
        .iter()
        .zip(&read_files)
        .zip(&names)
        .map(|((_, r), name)| SourceReport {
            path: name,
            format: &r.format,
            imported: &r.imported,
            media_files: r.media_files,
        })
        .collect();
    let decks: Vec<DeckReport<'_>> = checked
        .iter()
        .zip(&paths)
        .map(|((p, c), path)| DeckReport {
            path,
            id: &p.deck.id,
            name: &p.deck.name,
            cards: c.cards,
        })
        .collect();
    let repeated: Vec<_> = planned
        .iter()
        .flat_map(|p| p.repeated.iter().cloned())
        .collect();
    print!(
        "{}",
        render(&sources, &decks, &dropped, &repeated, args.dry_run)
    );
    if let Some(counts) = history {
        println!("{}", describe_history(&counts, args.dry_run, &read_files));
    }
    Ok(OK)
}

/// [`validate`] of each planned deck, the decks shared out between two threads (rendering
/// and checking ten decks of 10 000 cards takes most of a second).
fn validate_all(planned: &[Planned], imported: &[&Imported]) -> Vec<Option<Checked>> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(p) = planned.get(i) else {
                return done;
            };
            done.push((i, validate(p, imported)));
        }
    };
    let mut all: Vec<(usize, Option<Checked>)> = if planned.len() > 1 {
        std::thread::scope(|scope| {
            let other = scope.spawn(work);
            let mut mine = work();
            mine.extend(
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
            mine
        })
    } else {
        work()
    };
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, c)| c).collect()
}

/// Brings the Anki review history of the cards written into pmquiz's history, in one
/// transaction; in a dry run only counts what would be brought.
fn import_history(
    cx: &Context,
    read_files: &[Read],
    checked: &[(&Planned, Checked)],
    dry_run: bool,
) -> anyhow::Result<ImportCounts> {
    // Each deck's cards in the order of their ids, the order of the history's tables of cards
    // and schedules: each card's rows go next to the last one's, not to a random page.
    let by_id: Vec<Vec<&(String, (usize, usize))>> = checked
        .iter()
        .map(|(_, c)| {
            let mut cards: Vec<_> = c.written.iter().collect();
            cards.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            cards
        })
        .collect();
    let cards = || {
        checked
            .iter()
            .zip(&by_id)
            .flat_map(|((planned, _), by_id)| {
                by_id.iter().filter_map(move |(card_id, (s, i))| {
                    let revlog = read_files[*s].revlog.as_ref()?;
                    let card = &read_files[*s].imported.cards[*i];
                    let h = card_history(revlog, &card.anki_cards);
                    (!h.answers.is_empty()).then(|| ImportedHistory {
                        deck_id: &planned.deck.id,
                        card_id,
                        answers: h.answers,
                        reviews: h.reviews,
                    })
                })
            })
    };
    if dry_run {
        let mut counts = ImportCounts::default();
        for card in cards() {
            counts.scheduled += usize::from(!card.reviews.is_empty());
            for a in &card.answers {
                *if a.rating.is_some() {
                    &mut counts.answers
                } else {
                    &mut counts.practice
                } += 1;
            }
        }
        return Ok(counts);
    }
    // The learner's own parameters (`pmquiz optimize`) and retention, as every later replay
    // uses; days are Anki's (below), not the learner's day boundary.
    let scheduler = Scheduler::with_parameters(&cx.parameters()?, cx.retention(None)?);
    // Days between reviews are counted as the collection counted them: Anki's days start at
    // a fixed hour, not 24 hours after each review.
    let day_start = read_files
        .iter()
        .find_map(|r| r.revlog.as_ref().map(|x| x.day_start()));
    // A card standing for several Anki cards (a term asked both ways) takes the schedule of the
    // one due first: pmquiz asks it when Anki would ask either.
    let replay = |card: &ImportedHistory<'_>, native: &[(DateTime<Utc>, Rating)]| {
        card.reviews
            .iter()
            .filter_map(|reviews| scheduler.replay(merged(reviews, native), day_start))
            .min_by_key(|state| state.due)
    };
    let decks: Vec<&str> = checked.iter().map(|(p, _)| p.deck.id.as_str()).collect();
    let expected = read_files
        .iter()
        .filter_map(|r| r.revlog.as_ref().map(|x| x.len()))
        .sum();
    // The answers of each card are gathered, and its schedule replayed from them, on a second
    // thread while this one writes the ones before; a card whose deck already has answers in
    // the history is replayed again here, with them.
    let import = |store: &Store| -> anyhow::Result<ImportCounts> {
        std::thread::scope(|scope| {
            // Cards go over in batches: one at a time, the two threads spent more time waking
            // each other than working.
            let (send, receive) = std::sync::mpsc::sync_channel::<Vec<_>>(16);
            scope.spawn(move || {
                let mut batch = Vec::with_capacity(256);
                for card in cards() {
                    let alone = replay(&card, &[]);
                    batch.push((card, alone));
                    if batch.len() == 256 {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(256));
                        if send.send(full).is_err() {
                            return;
                        }
                    }
                }
                let _ = send.send(batch);
            });
            let ahead: Cell<Option<(&str, &str, Option<CardState>)>> = Cell::new(None);
            let cards = receive.into_iter().flatten().map(|(card, alone)| {
                ahead.set(Some((card.deck_id, card.card_id, alone)));
                card
            });
            let counts =
                store.import_history(ANKI_SOURCE, &decks, expected, cards, |card, native| {
                    match ahead.take() {
                        Some((deck, id, alone))
                            if native.is_empty() && deck == card.deck_id && id == card.card_id =>
                        {
                            alone
                        }
                        _ => replay(card, native),
                    }
                })?;
            Ok(counts)
        })
    };
    let data_dir = cx.data_dir()?;
    // Without a history yet, the history is made whole in a new file and put in place at the
    // end: much less writing than through the write-ahead log of a history in use.
    if let Some(new) = Store::create_new(data_dir)? {
        crate::timing::step("history: creating a new history");
        let counts = import(new.store())?;
        if new.install()? {
            crate::timing::step("history: putting the new history in place");
            return Ok(counts);
        }
        // Another pmquiz made a history meanwhile: the answers go into that one.
    }
    let store = Store::open(data_dir)?;
    crate::timing::step("history: opening the history");
    let counts = import(&store)?;
    drop(store);
    crate::timing::step("history: closing (checkpoint)");
    Ok(counts)
}

/// Two lists of reviews, each oldest first, as one.
fn merged(
    a: &[(DateTime<Utc>, Rating)],
    b: &[(DateTime<Utc>, Rating)],
) -> Vec<(DateTime<Utc>, Rating)> {
    let mut all: Vec<_> = a.iter().chain(b).copied().collect();
    all.sort_by_key(|r| r.0);
    all
}

fn describe_history(counts: &ImportCounts, dry_run: bool, read_files: &[Read]) -> String {
    use crate::deck::plural;
    if read_files.iter().all(|r| r.revlog.is_none()) {
        return "history: none to import (only Anki packages and collections have a review log)"
            .to_string();
    }
    let practice = if counts.practice > 0 {
        format!(
            " and {} as practice (cramming)",
            plural(counts.practice, "review")
        )
    } else {
        String::new()
    };
    let verb = if dry_run { "would import" } else { "imported" };
    let mut line = format!(
        "history: {verb} {}{practice}; {} scheduled by replaying {} reviews",
        plural(counts.answers, "answer"),
        plural(counts.scheduled, "card"),
        if counts.scheduled == 1 {
            "its"
        } else {
            "their"
        },
    );
    if counts.already > 0 {
        line.push_str(&format!(
            "; {} already in the history from an earlier import",
            plural(counts.already, "review")
        ));
    }
    line
}
