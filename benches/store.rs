//! The review history with 1 000 000 answers over 100 000 cards: the due query and the start of
//! `pmquiz review`, the statistics of `pmquiz stats`, and recording one answer.
//!
//! The history is read from `$PMQUIZ_BENCH_DATA/history` when set (as written by
//! `cargo run --release --example bench_data -- DIR`), otherwise generated once (about half a minute)
//! and kept under the target directory. Each benchmark works on its own copy.

#[path = "support/mod.rs"]
mod support;

use chrono::FixedOffset;
use criterion::{Criterion, criterion_group, criterion_main};
use pmquiz::day::Days;
use pmquiz::deck::Deck;
use pmquiz::library::load_file;
use pmquiz::quiz::{Filter, generate_for};
use pmquiz::schedule::{DueAt, Rating, Scheduler};
use pmquiz::store::{DB_FILE_NAME, Store};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::collections::HashSet;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The directory holding `pmquiz.db` and `decks/bench-100k.toml`.
fn history_source() -> PathBuf {
    if let Some(dir) = std::env::var_os("PMQUIZ_BENCH_DATA") {
        let dir = PathBuf::from(dir).join("history");
        assert!(
            dir.join(DB_FILE_NAME).is_file(),
            "PMQUIZ_BENCH_DATA has no history/{DB_FILE_NAME}"
        );
        return dir;
    }
    // Keyed by the generator's source, so a changed generator makes a new history.
    let source = include_str!("support/mod.rs");
    let hash = source.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pmquiz-history-{hash:016x}"));
    let done = dir.join("complete");
    if done.is_file() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("decks")).expect("create the history directory");
    let id = support::HISTORY_DECK;
    let text = support::deck_toml(id, support::HISTORY_CARDS, support::HISTORY_CARDS as u64);
    let deck = support::parse(&text, id);
    std::fs::write(dir.join("decks").join(format!("{id}.toml")), &text).expect("write the deck");
    let ids: Vec<String> = deck
        .review_ids()
        .into_iter()
        .take(support::HISTORY_CARDS)
        .collect();
    eprintln!(
        "generating a history of {} answers in {}",
        support::HISTORY_ANSWERS,
        dir.display()
    );
    support::fill_history(
        &dir,
        id,
        &ids,
        support::HISTORY_ANSWERS,
        7,
        support::Writer::Bulk,
        |_| {},
    );
    std::fs::write(&done, b"").expect("mark the history complete");
    dir
}

/// A private copy of the history database, and the deck it belongs to.
fn history_copy(source: &Path) -> (TempDir, Store, Deck) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for suffix in ["", "-wal"] {
        let from = source.join(format!("{DB_FILE_NAME}{suffix}"));
        if from.is_file() {
            std::fs::copy(&from, dir.path().join(format!("{DB_FILE_NAME}{suffix}")))
                .expect("copy the history");
        }
    }
    let store = Store::open(dir.path()).expect("open the history copy");
    let deck = load_file(
        &source
            .join("decks")
            .join(format!("{}.toml", support::HISTORY_DECK)),
    )
    .expect("the history deck loads");
    (dir, store, deck)
}

fn queries(c: &mut Criterion) {
    let source = history_source();
    let (_dir, store, deck) = history_copy(&source);
    let now = support::now();
    let ids = vec![deck.id.clone()];
    let utc = Days::new(FixedOffset::east_opt(0).expect("UTC"), 0);
    let at = DueAt::new(now, &utc);

    let mut group = c.benchmark_group("history_1m");
    group.sample_size(20);
    group.bench_function("due_all", |b| {
        b.iter(|| store.due(black_box(&ids), at, None).expect("due").len())
    });
    group.bench_function("due_limit_50", |b| {
        b.iter(|| store.due(black_box(&ids), at, Some(50)).expect("due").len())
    });

    // `pmquiz review` after loading its decks: the due cards, then questions for at most 200
    // of them (the default `--limit`); cards no longer in the deck are skipped.
    let decks = vec![deck.clone()];
    let filter = Filter::default();
    group.bench_function("review_questions", |b| {
        b.iter(|| {
            let due: Vec<(usize, String)> = store
                .due(&ids, at, None)
                .expect("due")
                .into_iter()
                .map(|d| (0, d.card_id))
                .collect();
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            generate_for(&decks, &due, 200, &filter, &mut rng).len()
        })
    });

    // `pmquiz stats` for the deck, after loading it.
    group.bench_function("stats", |b| {
        b.iter(|| pmquiz::commands::stats::of_deck(&store, &deck, now, &utc).expect("stats"))
    });
    let review_ids = deck.review_ids();
    let in_deck: HashSet<&str> = review_ids.iter().map(String::as_str).collect();
    group.bench_function("deck_history", |b| {
        b.iter(|| {
            store
                .deck_history(&deck.id, now, &utc, |id| in_deck.contains(id))
                .expect("history")
        })
    });
    group.finish();
}

fn record(c: &mut Criterion) {
    let source = history_source();
    let (_dir, store, deck) = history_copy(&source);
    let cards: Vec<String> = deck.review_ids();
    let scheduler = Scheduler::default();
    let mut group = c.benchmark_group("record_1m");

    // One answer and its schedule, in one transaction (`Store::record`).
    let mut i = 0;
    let state = scheduler.review(None, Rating::Good, support::now());
    group.bench_function("record", |b| {
        b.iter(|| {
            i += 1;
            let card = &cards[(i * 7919) % cards.len()];
            let answer = support::answer(&deck.id, card, i);
            store.record(&answer, Some(&state)).expect("record");
        })
    });

    // What a session does per answer: read the card's schedule, compute the next, record both.
    group.bench_function("answer_scheduled", |b| {
        b.iter(|| {
            i += 1;
            let card = &cards[(i * 7919) % cards.len()];
            let answer = support::answer(&deck.id, card, i);
            let previous = store.card_state(&deck.id, card).expect("card state");
            let next = scheduler.review(previous.as_ref(), answer.rating, answer.answered_at);
            store.record(&answer, Some(&next)).expect("record");
        })
    });
    group.finish();
}

criterion_group!(benches, queries, record);
criterion_main!(benches);
