//! Loading decks: parsing and validating the TOML of 1 000, 10 000 and 100 000 cards, reading
//! the same decks back from the deck cache, and what `pmquiz check` adds (counting the questions
//! a deck can yield).

#[path = "support/mod.rs"]
mod support;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pmquiz::deck::{DeckSource, Origin, parse_deck};
use pmquiz::library::DeckCache;
use pmquiz::quiz::{Filter, available_questions};
use std::hint::black_box;
use std::time::Duration;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_deck");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for cards in support::DECK_SIZES {
        let id = support::deck_id(cards);
        let text = support::deck_toml(&id, cards, cards as u64);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(cards), &text, |b, text| {
            b.iter(|| {
                let deck = parse_deck(black_box(text), "bench.toml", &id, Origin::BuiltIn)
                    .expect("the generated deck is valid");
                black_box(deck.cards.len())
            })
        });
    }
    group.finish();
}

/// `DeckCache::open` of an unchanged deck file: hash the file, map its entry and read its header
/// (what every command does before it reads the cards it asks).
fn cached(c: &mut Criterion) {
    let mut group = c.benchmark_group("cached_deck");
    group.sample_size(10);
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = DeckCache::new(dir.path().join("cache")).expect("the running binary is known");
    for cards in support::DECK_SIZES {
        let id = support::deck_id(cards);
        let path = dir.path().join(format!("{id}.toml"));
        std::fs::write(&path, support::deck_toml(&id, cards, cards as u64)).expect("write deck");
        cache.open(&path).expect("the generated deck is valid");
        group.throughput(Throughput::Elements(cards as u64));
        group.bench_with_input(BenchmarkId::from_parameter(cards), &path, |b, path| {
            b.iter(|| {
                let deck = cache.open(path).expect("deck loads").expect("cached");
                black_box(deck.card_count())
            })
        });
    }
    group.finish();
}

/// The same text with one card's answer changed: a `[[card]]` in the middle of the deck.
fn edited(text: &str) -> String {
    let card = text[text.len() / 2..]
        .find("[[card]]")
        .expect("a card in the second half")
        + text.len() / 2;
    let answer = text[card..].find("answer = \"").expect("the card's answer") + card;
    let at = answer + "answer = \"".len();
    format!("{}edited {}", &text[..at], &text[at..])
}

/// `DeckCache::open` of a deck file with one card changed since its entry was written: the
/// entry is brought up to date, only the changed card parsed (the two versions of the file take
/// turns, so that every run finds an entry of the other one).
fn updated(c: &mut Criterion) {
    let mut group = c.benchmark_group("updated_deck");
    group.sample_size(10);
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = DeckCache::new(dir.path().join("cache")).expect("the running binary is known");
    for cards in support::DECK_SIZES {
        let id = support::deck_id(cards);
        let path = dir.path().join(format!("{id}.toml"));
        let text = support::deck_toml(&id, cards, cards as u64);
        let versions = [text.clone(), edited(&text)];
        std::fs::write(&path, &versions[0]).expect("write deck");
        cache.open(&path).expect("the generated deck is valid");
        let mut turn = 0;
        group.throughput(Throughput::Elements(cards as u64));
        group.bench_function(BenchmarkId::from_parameter(cards), |b| {
            b.iter_batched(
                || {
                    turn += 1;
                    std::fs::write(&path, &versions[turn % 2]).expect("write deck");
                },
                |()| {
                    let deck = cache.open(&path).expect("deck loads").expect("cached");
                    black_box(deck.card_count())
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn check(c: &mut Criterion) {
    let mut group = c.benchmark_group("available_questions");
    group.sample_size(10);
    for cards in support::DECK_SIZES {
        let deck = support::deck(cards);
        let filter = Filter::default();
        group.throughput(Throughput::Elements(cards as u64));
        group.bench_with_input(BenchmarkId::from_parameter(cards), &deck, |b, deck| {
            b.iter(|| available_questions(std::slice::from_ref(black_box(deck)), &filter))
        });
    }
    group.finish();
}

criterion_group!(benches, parse, cached, updated, check);
criterion_main!(benches);
