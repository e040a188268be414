//! Stronger checks on the questions of any deck `parse_deck` accepts: a multiple-choice question
//! offers at least two different options, and the answer pmquiz shows as right is judged right
//! when given back (the option's number, or the expected text typed as is).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmquiz::deck::{Origin, parse_deck};
use pmquiz::quiz::{Body, Filter, Response, Verdict, check, generate, normalize_accented};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(deck) = parse_deck(text, "fuzz.toml", "fuzz", Origin::BuiltIn) else {
        return;
    };
    let decks = [deck];
    let filter = Filter::default();
    // A few seeds, so that each card is asked in several ways.
    for seed in 0..4 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for q in generate(&decks, &filter, 50, &mut rng) {
            match &q.body {
                Body::Choice { options, correct } => {
                    assert!(options.len() >= 2, "a choice of one: {q:?}");
                    // Accents count: `ano` is a fair wrong option for `año`.
                    let norm: Vec<String> =
                        options.iter().map(|o| normalize_accented(o)).collect();
                    for (i, n) in norm.iter().enumerate() {
                        assert!(!norm[..i].contains(n), "options that read the same: {q:?}");
                    }
                    let given = check(&q, &Response::Choice(*correct));
                    assert_eq!(given.verdict, Verdict::Right, "{q:?}");
                }
                Body::Typed { .. } | Body::Blank { .. } => {
                    let given = check(&q, &Response::Text(q.expected()));
                    assert_eq!(
                        given.verdict,
                        Verdict::Right,
                        "expected answer judged wrong: {q:?}"
                    );
                }
                Body::Flash { .. } | Body::TrueFalse { .. } => {}
            }
        }
    }
});
