//! Deck loading and question generation on arbitrary input: `parse_deck` must return a deck or
//! diagnostics for any text, and a deck it accepts must yield questions without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmquiz::deck::{Origin, parse_deck};
use pmquiz::quiz::{Body, Filter, available_questions, generate};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

fuzz_target!(|data: &[u8]| {
    // Deck files are UTF-8 (`load_file` rejects anything else before parsing).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(deck) = parse_deck(text, "fuzz.toml", "fuzz", Origin::BuiltIn) else {
        return;
    };
    let ids = deck.review_ids();
    let decks = [deck];
    let filter = Filter::default();
    let available = available_questions(&decks, &filter);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let questions = generate(&decks, &filter, 50, &mut rng);

    // Every item can be asked as a flashcard, so the count is honoured.
    assert_eq!(questions.len(), ids.len().min(50));
    assert!(questions.len() <= available);
    for q in &questions {
        assert!(ids.contains(&q.card_id), "unknown card id {}", q.card_id);
        if let Body::Choice { options, correct } = &q.body {
            assert!(*correct < options.len());
        }
        let _ = q.expected();
    }
});
