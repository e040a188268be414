//! Starting a session: generating the questions of `pmquiz run` from the built-in decks and
//! from a 100 000-card deck.

#[path = "support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use pmquiz::deck::builtin_decks;
use pmquiz::quiz::{Filter, generate};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::hint::black_box;

fn generate_questions(c: &mut Criterion) {
    let filter = Filter::default();
    let mut group = c.benchmark_group("generate");

    let builtin = builtin_decks();
    let mut seed = 0;
    group.bench_function("10_of_builtin", |b| {
        b.iter(|| {
            seed += 1;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            generate(black_box(&builtin), &filter, 10, &mut rng)
        })
    });

    let big = vec![support::deck(100_000)];
    group.bench_function("50_of_100k", |b| {
        b.iter(|| {
            seed += 1;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            generate(black_box(&big), &filter, 50, &mut rng)
        })
    });

    let tagged = Filter {
        tags: vec!["t07".to_string()],
        ..Filter::default()
    };
    group.bench_function("50_of_100k_one_tag", |b| {
        b.iter(|| {
            seed += 1;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            generate(black_box(&big), &tagged, 50, &mut rng)
        })
    });
    group.finish();

    // What `pmquiz run` does before generating: parse the built-in decks.
    c.bench_function("builtin_decks", |b| b.iter(builtin_decks));
}

criterion_group!(benches, generate_questions);
criterion_main!(benches);
