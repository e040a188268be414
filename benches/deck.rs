//! Loading decks: parsing and validating the TOML of 1 000, 10 000 and 100 000 cards, reading
//! the same decks back from the deck cache, and what `pmquiz check` adds (counting the questions
//! a deck can yield).

#[path = "support/mod.rs"]
mod support;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pmquiz::deck::{Origin, parse_deck};
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

/// `DeckCache::load` of an unchanged deck file: read the file, hash it, read the entry back.
fn cached(c: &mut Criterion) {
    let mut group = c.benchmark_group("cached_deck");
    group.sample_size(10);
    let dir = tempfile::tempdir().expect("temporary directory");
    let cache = DeckCache::new(dir.path().join("cache")).expect("the running binary is known");
    for cards in support::DECK_SIZES {
        let id = support::deck_id(cards);
        let path = dir.path().join(format!("{id}.toml"));
        std::fs::write(&path, support::deck_toml(&id, cards, cards as u64)).expect("write deck");
        cache.load(&path).expect("the generated deck is valid");
        group.throughput(Throughput::Elements(cards as u64));
        group.bench_with_input(BenchmarkId::from_parameter(cards), &path, |b, path| {
            b.iter(|| black_box(cache.load(path).expect("deck loads").cards.len()))
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

criterion_group!(benches, parse, cached, check);
criterion_main!(benches);
