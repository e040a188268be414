//! `pmquiz export`: text for Anki's import and hashcards, and packages (opened by Anki itself in
//! tests/anki_roundtrip.rs); bad requests refused without writing.

mod common;

use common::{assert_contains, pmquiz};

/// How many cards a built-in deck has (a table counts one per row): one note each.
fn cards_of(deck: &str) -> usize {
    let decks = pmquiz(["decks", "--format", "json"]).run();
    decks.success();
    decks
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == deck)
        .unwrap()["cards"]
        .as_u64()
        .unwrap() as usize
}

#[test]
fn tsv_and_csv_carry_ankis_headers() {
    let out = pmquiz(["export", "faq", "--to", "tsv"]).run();
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        &lines[..6],
        [
            "#separator:tab",
            "#html:true",
            "#guid column:1",
            "#notetype column:2",
            "#deck column:3",
            "#tags column:6"
        ]
    );
    assert_eq!(lines.len(), 6 + cards_of("faq"));
    assert!(lines[6].starts_with("pmquiz:faq:"), "{}", lines[6]);
    let csv = pmquiz(["export", "faq", "definitions", "--to", "csv"]).run();
    csv.success();
    assert!(csv.stdout.starts_with("#separator:comma\n"));
    assert_eq!(
        csv.stdout.lines().count(),
        6 + cards_of("faq") + cards_of("definitions")
    );
}

#[test]
fn markdown_goes_back_in_with_the_same_cards() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("Definitions.md");
    let out = pmquiz([
        "export".as_ref(),
        "definitions".as_ref(),
        "--to".as_ref(),
        "md".as_ref(),
        "-o".as_ref(),
        md.as_os_str(),
    ])
    .run();
    out.success();
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("---\nname = "), "{text}");
    // Ten terms asked both ways: twenty hashcards cards.
    assert_eq!(text.matches("\nQ: ").count(), 20);
    let back = pmquiz([
        "import".as_ref(),
        md.as_os_str(),
        "--into".as_ref(),
        dir.path().join("decks").as_os_str(),
    ])
    .run();
    back.success();
    assert_contains(&back.stdout, "20 cards");
}

#[test]
fn an_apkg_goes_to_the_deck_id_and_keeps_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = pmquiz(["export", "faq", "--to", "apkg"])
        .current_dir(dir.path())
        .run();
    out.success();
    let n = cards_of("faq");
    assert_contains(
        &out.stdout,
        &format!("Wrote faq.apkg: {n} notes, {n} cards."),
    );
    let bytes = std::fs::read(dir.path().join("faq.apkg")).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let again = pmquiz(["export", "faq", "--to", "apkg"])
        .current_dir(dir.path())
        .run();
    again.code(1);
    assert_contains(&again.stderr, "already exists");
    assert_eq!(std::fs::read(dir.path().join("faq.apkg")).unwrap(), bytes);
    pmquiz(["export", "faq", "--to", "apkg", "--force"])
        .current_dir(dir.path())
        .run()
        .success();
    // Only the package is in the folder: no temporary file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn requests_that_cannot_be_met_are_refused() {
    let out = pmquiz(["export", "faq", "--to", "csv", "--with-history"]).run();
    out.code(1);
    assert_contains(&out.stderr, "--with-history needs --to apkg");
    let out = pmquiz(["export", "faq", "definitions", "--to", "md"]).run();
    out.code(1);
    assert_contains(&out.stderr, "one deck at a time");
    let out = pmquiz(["export", "no-such-deck", "--to", "tsv"]).run();
    out.code(1);
}
