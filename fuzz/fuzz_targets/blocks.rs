//! Large decks are parsed block by block on several threads (from 256 KiB); smaller ones in one
//! piece. This target pads the input with a trailing comment past that size and checks that
//! both paths agree: the same deck, or an error for both.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmquiz::deck::{Origin, parse_deck};

/// Comment lines appended after the input: nothing to a TOML parser, but over the size from
/// which decks are cut into blocks.
fn padding() -> String {
    let line = format!("#{}\n", "=".repeat(1023));
    line.repeat(260)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let whole = parse_deck(text, "fuzz.toml", "fuzz", Origin::BuiltIn);
    let padded = format!("{text}\n{}", padding());
    let blocks = parse_deck(&padded, "fuzz.toml", "fuzz", Origin::BuiltIn);
    match (&whole, &blocks) {
        (Ok(a), Ok(b)) => assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "the padded deck differs"
        ),
        (Err(_), Err(_)) => {}
        // Text that ends inside a multi-line string swallows the padding; only then may the
        // outcomes differ.
        _ => assert!(
            text.matches("\"\"\"").count() % 2 == 1 || text.matches("'''").count() % 2 == 1,
            "one path accepts the deck and the other rejects it: whole {:?}, blocks {:?}",
            whole.as_ref().map(|d| d.cards.len()),
            blocks.as_ref().map(|d| d.cards.len())
        ),
    }
});
