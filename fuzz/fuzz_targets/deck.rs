//! Deck loading and question generation on arbitrary input: `parse_deck` must return a deck or
//! diagnostics for any text (and any bytes that are not UTF-8 one diagnostic), the diagnostics
//! must render short and without raw control characters, and a deck it accepts must yield
//! questions without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmquiz::deck::{Origin, parse_deck};
use pmquiz::diagnostic::{Diagnostic, EXCERPT_COLUMNS, SHOWN_PER_FILE, render_all};
use pmquiz::quiz::{Body, Filter, available_questions, generate};
use rand::SeedableRng;
use unicode_width::UnicodeWidthStr;
use rand::rngs::ChaCha8Rng;

/// What pmquiz prints for the diagnostics of a file: short, and nothing a terminal acts on.
fn check_rendered(diagnostics: &[Diagnostic]) {
    assert!(!diagnostics.is_empty(), "an error without a diagnostic");
    for d in diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(d.excerpt.width() <= EXCERPT_COLUMNS, "excerpt too wide: {d:?}");
        assert!(d.excerpt.len() <= 20 * EXCERPT_COLUMNS, "excerpt too long: {d:?}");
        assert!(d.marker.start < d.marker.end, "{d:?}");
        assert!(d.marker.end <= EXCERPT_COLUMNS + 1, "{d:?}");
    }
    let text = render_all(diagnostics);
    for c in text.chars() {
        assert!(c == '\n' || !c.is_control(), "{c:?} printed raw in:\n{text}");
    }
    let shown = diagnostics.len().min(SHOWN_PER_FILE);
    assert!(text.len() <= shown * 4096 + 100, "{} bytes", text.len());
}

fuzz_target!(|data: &[u8]| {
    // Deck files are UTF-8: `load_file` reports anything else at its first bad byte.
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(error) => {
            check_rendered(&[Diagnostic::not_utf8("fuzz.toml", data, error)]);
            return;
        }
    };
    let deck = match parse_deck(text, "fuzz.toml", "fuzz", Origin::BuiltIn) {
        Ok(deck) => deck,
        Err(diagnostics) => {
            check_rendered(&diagnostics);
            return;
        }
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
