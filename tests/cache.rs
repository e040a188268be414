//! The cache of large decks (`DATA_DIR/cache` when the data directory is set): a deck read from
//! it gives exactly what parsing gives, an edited deck is parsed again, a damaged or unwritable
//! cache changes nothing but speed, and a deck broken after it was cached still gets its
//! diagnostic.

mod common;

use common::{assert_contains, pmquiz};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

/// A valid deck of `n` question cards, over 64 KiB (the size from which decks are cached) for
/// `n` of 1 000.
fn big_deck(n: usize) -> String {
    let mut text = String::from("[deck]\nid = \"big\"\nname = \"Big deck\"\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n[[card]]\nid = \"c{i}\"\nquestion = \"Which answer belongs to question number {i} of this long deck?\"\nanswer = \"answer number {i}\"\n"
        ));
    }
    assert!(text.len() > 64 * 1024);
    text
}

/// A data directory holding `decks/big.toml`.
fn data_with(deck: &str) -> (TempDir, PathBuf) {
    let data = TempDir::new().unwrap();
    let decks = data.path().join("decks");
    std::fs::create_dir_all(&decks).unwrap();
    let path = decks.join("big.toml");
    std::fs::write(&path, deck).unwrap();
    (data, path)
}

fn run_in(data: &Path, args: &[&str]) -> common::Output {
    pmquiz(args.iter().copied())
        .env("PMQUIZ_DATA_DIR", data)
        .run()
}

/// The questions of a seeded session of typed answers on the big deck, answered with `x`: card, kind, prompt and
/// expected answer of each (the timings of the JSON summary differ from run to run).
fn quiz(data: &Path) -> Vec<String> {
    let out = pmquiz([
        "run",
        "--deck",
        "big",
        "--count",
        "5",
        "--seed",
        "3",
        "--kinds",
        "typed",
        "--no-save",
        "--format",
        "json",
    ])
    .env("PMQUIZ_DATA_DIR", data)
    .lines(&["x"; 5])
    .run();
    out.success();
    let summary = out.json();
    let results = summary["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "{summary}");
    results
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["card_id"], r["kind"], r["prompt"], r["expected"]
            )
        })
        .collect()
}

/// The answer of card `id` as `show` gives it.
fn answer_of(data: &Path, id: &str) -> String {
    let out = run_in(data, &["show", "big", "--format", "json"]);
    out.success();
    let deck = out.json();
    let card = deck["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("card {id} in {deck}"));
    card["answer"].as_str().unwrap().to_string()
}

/// The cache entries in the data directory.
fn entries(data: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(data.join("cache")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = read.map(|e| e.unwrap().path()).collect();
    found.sort();
    found
}

fn only_entry(data: &Path) -> PathBuf {
    let found = entries(data);
    assert_eq!(found.len(), 1, "one cache entry: {found:?}");
    found[0].clone()
}

#[test]
fn a_large_deck_is_cached_and_asks_the_same_questions_from_the_cache() {
    let (data, _) = data_with(&big_deck(1000));
    let parsed = quiz(data.path());
    let entry = only_entry(data.path());
    let written = std::fs::metadata(&entry).unwrap().modified().unwrap();
    assert!(std::fs::metadata(&entry).unwrap().len() > 0);

    std::thread::sleep(Duration::from_millis(50));
    let cached = quiz(data.path());
    assert_eq!(cached, parsed);
    // The entry was read, not written again.
    assert_eq!(
        std::fs::metadata(&entry).unwrap().modified().unwrap(),
        written
    );
    assert_eq!(answer_of(data.path(), "c999"), "answer number 999");
}

#[test]
fn a_small_deck_is_not_cached() {
    let (data, _) = data_with(
        "[deck]\nname = \"Small\"\n\n[[card]]\nquestion = \"Small?\"\nanswer = \"yes\"\n",
    );
    run_in(data.path(), &["show", "big"]).success();
    assert_eq!(entries(data.path()), Vec::<PathBuf>::new());
}

#[test]
fn an_edited_deck_is_read_again_even_with_the_same_size_and_time() {
    let deck = big_deck(1000);
    let (data, path) = data_with(&deck);
    assert_eq!(answer_of(data.path(), "c7"), "answer number 7");
    only_entry(data.path());

    // Same length, same modification time: only the content tells the edit apart.
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let edited = deck.replace(
        "answer = \"answer number 7\"",
        "answer = \"ANSWER NUMBER 7\"",
    );
    assert_eq!(edited.len(), deck.len());
    std::fs::write(&path, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();

    assert_eq!(answer_of(data.path(), "c7"), "ANSWER NUMBER 7");
    // The entry now holds the edited deck.
    assert_eq!(answer_of(data.path(), "c7"), "ANSWER NUMBER 7");
    only_entry(data.path());
}

#[test]
fn a_deck_broken_after_it_was_cached_gets_its_diagnostic() {
    let deck = big_deck(1000);
    let (data, path) = data_with(&deck);
    quiz(data.path());
    only_entry(data.path());

    let broken = deck.replace("answer = \"answer number 500\"", "answer = 500");
    std::fs::write(&path, broken).unwrap();
    let out = run_in(
        data.path(),
        &["run", "--deck", path.to_str().unwrap(), "--no-save"],
    );
    out.code(1);
    let line = 4 + 500 * 5 + 4;
    assert_contains(&out.stderr, &format!("big.toml:{line}:10"));
    assert_contains(&out.stderr, "`answer` in [[card]] must be a string");
}

#[test]
fn a_damaged_entry_is_ignored_and_written_again() {
    let (data, _) = data_with(&big_deck(1000));
    let parsed = quiz(data.path());
    let entry = only_entry(data.path());
    let good = std::fs::read(&entry).unwrap();

    for damage in [
        // A flipped byte in the middle of the entry, among the cards.
        {
            let mut bytes = good.clone();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x20;
            bytes
        },
        // Cut short, as by a full disk.
        good[..good.len() / 3].to_vec(),
        // Not an entry at all.
        b"not a pmquiz cache entry".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&entry, &damage).unwrap();
        assert_eq!(quiz(data.path()), parsed);
        // Every card read: the damage is found wherever it is, and the entry written again.
        assert_eq!(answer_of(data.path(), "c999"), "answer number 999");
        assert_eq!(std::fs::read(&entry).unwrap(), good);
    }
}

#[test]
fn a_cache_that_cannot_be_written_changes_nothing() {
    let (data, _) = data_with(&big_deck(1000));
    // A file where the cache directory would go.
    std::fs::write(data.path().join("cache"), "not a directory").unwrap();
    let first = quiz(data.path());
    let second = quiz(data.path());
    assert_eq!(first, second);
    assert_eq!(answer_of(data.path(), "c0"), "answer number 0");
    assert_eq!(
        std::fs::read_to_string(data.path().join("cache")).unwrap(),
        "not a directory"
    );
}

#[test]
fn check_always_parses_and_writes_no_cache() {
    let (data, path) = data_with(&big_deck(1000));
    let out = run_in(data.path(), &["check", path.to_str().unwrap()]);
    out.success();
    assert_eq!(entries(data.path()), Vec::<PathBuf>::new());
}

/// Sets the modification time of `path` to `days` days ago.
fn age(path: &Path, days: u64) {
    let then = std::time::SystemTime::now() - Duration::from_secs(days * 24 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

fn days_old(path: &Path) -> u64 {
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    modified.elapsed().unwrap_or_default().as_secs() / (24 * 60 * 60)
}

#[test]
fn entries_unused_for_a_month_are_removed_and_entries_in_use_are_kept() {
    let (data, _) = data_with(&big_deck(1000));
    quiz(data.path());
    let used = only_entry(data.path());

    // An entry written 40 days ago and used today is marked as used, not removed.
    age(&used, 40);
    quiz(data.path());
    assert_eq!(days_old(&used), 0);

    // The entry of a deck removed 40 days ago goes when another deck's entry is written. (Every
    // deck in the deck folder is loaded when a deck is named by id, so entries of decks still
    // there stay in use.)
    let other = data.path().join("decks/other.toml");
    std::fs::write(
        &other,
        big_deck(1000).replace("id = \"big\"", "id = \"other\""),
    )
    .unwrap();
    run_in(data.path(), &["show", "other"]).success();
    let both = entries(data.path());
    assert_eq!(both.len(), 2, "{both:?}");
    let unused = both.iter().find(|e| **e != used).unwrap().clone();
    std::fs::remove_file(&other).unwrap();
    age(&unused, 40);
    std::fs::write(data.path().join("decks/big.toml"), big_deck(1001)).unwrap();
    quiz(data.path());
    assert_eq!(entries(data.path()), vec![used]);
}

#[test]
fn temporary_files_of_interrupted_writes_are_removed_after_an_hour() {
    let (data, _) = data_with(&big_deck(1000));
    let cache = data.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let (stale, fresh) = (cache.join(".a.1-0.tmp"), cache.join(".b.2-0.tmp"));
    std::fs::write(&stale, "left by a killed pmquiz").unwrap();
    std::fs::write(&fresh, "another pmquiz is writing this").unwrap();
    let two_hours = std::time::SystemTime::now() - Duration::from_secs(2 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours)
        .unwrap();
    quiz(data.path());
    assert!(!stale.exists());
    assert!(fresh.exists());
}
