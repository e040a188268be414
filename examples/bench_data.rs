//! Writes the data `scripts/bench.sh` measures pmquiz on:
//!
//! ```text
//! OUTDIR/bench-1k.toml, bench-10k.toml, bench-100k.toml   decks mixing every card kind
//! OUTDIR/history/decks/bench-100k.toml                     the 100 000-card deck, found by id
//! OUTDIR/history/pmquiz.db                                  1 000 000 answers over 100 000 cards
//! ```
//!
//! Run with `cargo run --release --example bench_data -- OUTDIR`. `--decks-only` skips the
//! history. The database is created by `Store::open` and filled in one transaction with the
//! statements of `Store::record`; `--via-store` records every answer through `Store::record`
//! instead, as a session does (minutes, since every answer is synced to disk). The data is the
//! same on every run (fixed seeds).

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut out = None;
    let mut decks_only = false;
    let mut writer = support::Writer::Bulk;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--decks-only" => decks_only = true,
            "--via-store" => writer = support::Writer::Store,
            "-h" | "--help" => {
                println!("usage: bench_data [--decks-only] [--via-store] OUTDIR");
                return;
            }
            _ if out.is_none() && !arg.starts_with('-') => out = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("usage: bench_data [--decks-only] [--via-store] OUTDIR");
                std::process::exit(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: bench_data [--decks-only] [--via-store] OUTDIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&out).expect("create the output directory");

    let mut history_deck = None;
    for cards in support::DECK_SIZES {
        let started = Instant::now();
        let id = support::deck_id(cards);
        let text = support::deck_toml(&id, cards, cards as u64);
        // Every generated deck must load: check it before writing it.
        let deck = support::parse(&text, &id);
        let path = out.join(format!("{id}.toml"));
        std::fs::write(&path, &text).expect("write a deck");
        eprintln!(
            "{}: {} cards, {} review items, {:.1} MB, {:.2} s",
            path.display(),
            deck.cards.len(),
            deck.review_ids().len(),
            text.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        if id == support::HISTORY_DECK {
            history_deck = Some((deck, text));
        }
    }
    if decks_only {
        return;
    }

    let (deck, text) = history_deck.expect("the history deck is among the generated sizes");
    let data = out.join("history");
    std::fs::create_dir_all(data.join("decks")).expect("create the history data directory");
    std::fs::write(data.join("decks").join(format!("{}.toml", deck.id)), &text)
        .expect("write the history deck");
    let db = data.join(pmquiz::store::DB_FILE_NAME);
    if db.exists() {
        eprintln!("{} exists; remove it to generate it again", db.display());
        std::process::exit(1);
    }
    let card_ids: Vec<String> = deck
        .review_ids()
        .into_iter()
        .take(support::HISTORY_CARDS)
        .collect();
    let started = Instant::now();
    let due = support::fill_history(
        &data,
        &deck.id,
        &card_ids,
        support::HISTORY_ANSWERS,
        7,
        writer,
        |n| {
            if n % 100_000 == 0 {
                eprintln!(
                    "  {n} answers recorded, {:.0} s",
                    started.elapsed().as_secs_f64()
                );
            }
        },
    );
    let size = std::fs::metadata(&db).map_or(0, |m| m.len());
    eprintln!(
        "{}: {} answers over {} cards ({} due at {}), {:.0} MB, {:.0} s",
        db.display(),
        support::HISTORY_ANSWERS,
        card_ids.len(),
        due,
        support::NOW,
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
