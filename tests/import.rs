//! `pmquiz import`: real files made by Anki (scripts/anki-fixtures.sh), CSV, Quizlet, hashcards
//! and Obsidian files become decks that pass `check`; a second import gives the same ids; bad
//! input is refused with a clear error, exit code 1 and nothing written.

mod common;

use common::{assert_contains, fixtures, pmquiz};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    fixtures().join("import").join(name)
}

/// Every file in a folder, sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The cards of a deck file as `show --format json` gives them.
fn cards_of(path: &Path) -> Vec<serde_json::Value> {
    let out = pmquiz([
        "show".as_ref(),
        path.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ])
    .run();
    out.success();
    out.json()["cards"].as_array().unwrap().clone()
}

/// Imports `file` into a fresh folder; checks that every deck written passes `check` and that a
/// second import (with `--force`) writes the very same files (same ids); returns the card count
/// per kind and per deck file name.
fn import_and_check(
    file: &str,
    extra: &[&str],
) -> (
    BTreeMap<String, usize>,
    BTreeMap<String, usize>,
    tempfile::TempDir,
) {
    let out_dir = tempfile::tempdir().unwrap();
    let mut run = pmquiz(["import".as_ref(), fixture(file).as_os_str()])
        .arg("--into")
        .arg(out_dir.path());
    for a in extra {
        run = run.arg(a);
    }
    let out = run.run();
    out.success();
    let first: Vec<(PathBuf, String)> = files_in(out_dir.path())
        .into_iter()
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    run.arg("--force").run().success();
    for (path, text) in &first {
        assert_eq!(
            &std::fs::read_to_string(path).unwrap(),
            text,
            "{}",
            path.display()
        );
    }
    assert_eq!(files_in(out_dir.path()).len(), first.len());
    let mut kinds = BTreeMap::new();
    let mut decks = BTreeMap::new();
    for deck in files_in(out_dir.path()) {
        pmquiz(["check".as_ref(), deck.as_os_str()]).run().success();
        let cards = cards_of(&deck);
        decks.insert(
            deck.file_name().unwrap().to_string_lossy().into_owned(),
            cards.len(),
        );
        for c in cards {
            *kinds
                .entry(c["kind"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    (kinds, decks, out_dir)
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// What the Anki fixtures hold, whatever the collection format: 30 Basic notes (one more is
/// only an image and is skipped), 2 typed, 2 "Country facts" (another note type: cards from
/// the first template), 4 reversed and optional reversed (terms), 4 cloze notes with 7 cloze
/// numbers.
fn anki_kinds() -> BTreeMap<String, usize> {
    counts(&[("card", 34), ("cloze", 7), ("term", 4)])
}

fn anki_decks() -> BTreeMap<String, usize> {
    counts(&[
        ("geography-capitals.toml", 30),
        ("geography.toml", 4),
        ("languages.toml", 2),
        ("science-chemistry.toml", 9),
    ])
}

#[test]
fn anki_packages_in_every_collection_format() {
    for file in [
        "anki-latest.apkg",
        "anki-legacy.apkg",
        "anki-collection.colpkg",
    ] {
        let (kinds, decks, _dir) = import_and_check(file, &[]);
        assert_eq!(kinds, anki_kinds(), "{file}");
        assert_eq!(decks, anki_decks(), "{file}");
    }
}

#[test]
fn an_anki_package_report_says_what_each_note_type_became() {
    let dir = tempfile::tempdir().unwrap();
    let out = pmquiz(["import".as_ref(), fixture("anki-latest.apkg").as_os_str()])
        .arg("--into")
        .arg(dir.path())
        .run();
    out.success();
    let s = &out.stdout;
    assert_contains(
        s,
        "anki-latest.apkg (Anki package, collection.anki21b): 45 cards",
    );
    // Renamed note types are recognised by their templates.
    assert_contains(s, "Vocabulary both ways: 2 notes → term, asked both ways");
    assert_contains(s, "Spelling: 2 notes → card, typed answer");
    assert_contains(
        s,
        "Cloze: 4 notes → cloze, one card per cloze number (7 cards)",
    );
    assert_contains(s, "warning: note type \"Country facts\"");
    assert_contains(s, "\"Flag of Italy\" (Basic): its back is only media");
    assert_contains(s, "3 files referenced (italy.png, paris.jpg, tokyo.mp3)");
    assert_contains(s, "wrote 4 decks:");

    let chemistry = std::fs::read_to_string(dir.path().join("science-chemistry.toml")).unwrap();
    assert_contains(
        &chemistry,
        "text = \"{{Water}} [liquid] is made of hydrogen and oxygen.\"",
    );
    assert_contains(
        &chemistry,
        "text = \"Water is made of {{hydrogen}} and {{oxygen}} [element].\"",
    );
    assert_contains(
        &chemistry,
        "text = \"{{Canberra is the capital of Australia}}.\"",
    );
    assert_contains(&chemistry, "explain = \"H2O\"");
    assert_contains(&chemistry, "typed = true");
    let capitals = std::fs::read_to_string(dir.path().join("geography-capitals.toml")).unwrap();
    assert_contains(
        &capitals,
        "question = \"What is the capital of France?\"\nanswer = \"Paris\"\ntags = [\"capitals\", \"geo::europe\"]",
    );
    assert_contains(&capitals, "answer = \"Lima — on the coast\"");
    let languages = std::fs::read_to_string(dir.path().join("languages.toml")).unwrap();
    assert_contains(
        &languages,
        "question = \"What is the capital of Spain?\"\nanswer = \"Madrid\"",
    );
    let geography = std::fs::read_to_string(dir.path().join("geography.toml")).unwrap();
    // "Delta" has no reverse card in Anki ("optional reversed", field left empty).
    assert_contains(
        &geography,
        "term = \"Delta\"\ndefinition = \"A landform where a river splits before the sea\"\nreverse = false",
    );
}

#[test]
fn a_genanki_package() {
    let (kinds, decks, _dir) = import_and_check("genanki.apkg", &[]);
    assert_eq!(kinds, counts(&[("card", 2), ("cloze", 2), ("term", 2)]));
    assert_eq!(
        decks,
        counts(&[("spanish-verbs.toml", 3), ("spanish.toml", 3)])
    );
}

#[test]
fn anki_text_exports_match_the_package() {
    let (kinds, decks, dir) = import_and_check("anki-notes.txt", &[]);
    // A text export names note types but does not show their templates: the renamed ones
    // ("Vocabulary both ways", "Spelling") are plain cards.
    assert_eq!(kinds, counts(&[("card", 36), ("cloze", 7), ("term", 2)]));
    assert_eq!(decks, anki_decks());
    // The guid column gives the same ids as the package.
    let (_, _, package) = import_and_check("anki-latest.apkg", &[]);
    let ids = |dir: &Path| -> Vec<String> {
        let mut ids: Vec<String> = files_in(dir)
            .iter()
            .flat_map(|d| cards_of(d))
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(dir.path()), ids(package.path()));

    let (kinds, decks, _dir) = import_and_check("anki-notes-plain.txt", &[]);
    assert_eq!(kinds, counts(&[("card", 38), ("cloze", 7)]));
    assert_eq!(decks, counts(&[("anki-notes-plain.toml", 45)]));
}

#[test]
fn csv_quizlet_hashcards_and_obsidian() {
    let (kinds, decks, _d) = import_and_check("cards.csv", &[]);
    assert_eq!(kinds, counts(&[("card", 3)]));
    assert_eq!(decks, counts(&[("cards.toml", 3)]));
    let (kinds, _, _d) = import_and_check("quizlet-tab.txt", &[]);
    assert_eq!(kinds, counts(&[("card", 4)]));
    let (kinds, _, _d) = import_and_check(
        "quizlet-custom.txt",
        &["--separator", " - ", "--card-separator", ";;"],
    );
    assert_eq!(kinds, counts(&[("card", 3)]));
    let (kinds, decks, _d) = import_and_check("hashcards.md", &[]);
    assert_eq!(kinds, counts(&[("card", 3), ("cloze", 3)]));
    assert_eq!(decks, counts(&[("chemistry-basics.toml", 6)]));
    let (kinds, decks, _d) = import_and_check("obsidian.md", &[]);
    assert_eq!(kinds, counts(&[("card", 2), ("cloze", 2), ("term", 2)]));
    assert_eq!(decks, counts(&[("biology-cells.toml", 6)]));
}

#[test]
fn one_output_file_tags_cards_with_their_anki_deck() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("everything.toml");
    pmquiz([
        "import".as_ref(),
        fixture("anki-legacy.apkg").as_os_str(),
        "-o".as_ref(),
        out_file.as_os_str(),
    ])
    .run()
    .success();
    let cards = cards_of(&out_file);
    assert_eq!(cards.len(), 45);
    let tagged = |deck: &str| {
        cards
            .iter()
            .filter(|c| c["tags"].as_array().unwrap().iter().any(|t| t == deck))
            .count()
    };
    assert_eq!(tagged("Geography::Capitals"), 30);
    assert_eq!(tagged("Science::Chemistry"), 9);
}

#[test]
fn the_default_target_is_the_user_deck_folder_and_a_second_import_needs_force() {
    let run = pmquiz(["import".as_ref(), fixture("genanki.apkg").as_os_str()]);
    run.run().success();
    let decks = run.data_dir().join("decks");
    let before: Vec<(PathBuf, String)> = files_in(&decks)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    assert_eq!(before.len(), 2);
    // The decks are found by id.
    let shown = pmquiz(["show", "spanish"]);
    let shown = shown.env("PMQUIZ_DATA_DIR", run.data_dir()).run();
    shown.success();
    assert_contains(&shown.stdout, "Hola");

    let again = run.run();
    again.code(1);
    assert_contains(&again.stderr, "already exist");
    assert_contains(&again.stderr, "--force");
    // With --force the same package gives the same files: same ids, same text.
    pmquiz([
        "import".as_ref(),
        fixture("genanki.apkg").as_os_str(),
        "--force".as_ref(),
    ])
    .env("PMQUIZ_DATA_DIR", run.data_dir())
    .run()
    .success();
    for (path, text) in before {
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = pmquiz([
        "import".as_ref(),
        fixture("anki-latest.apkg").as_os_str(),
        "--dry-run".as_ref(),
    ])
    .arg("--into")
    .arg(dir.path())
    .run();
    out.success();
    assert_contains(
        &out.stdout,
        "would write 4 decks (dry run: nothing written):",
    );
    assert!(files_in(dir.path()).is_empty());
}

/// Runs an import that must fail: exit code 1, the message on stderr, nothing written.
#[track_caller]
fn refused(input: &Path, extra: &[&str], message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut run = pmquiz(["import".as_ref(), input.as_os_str()])
        .arg("--into")
        .arg(dir.path().join("out"));
    for a in extra {
        run = run.arg(a);
    }
    let out = run.run();
    out.code(1);
    assert_contains(&out.stderr, message);
    assert!(
        !dir.path().join("out").exists() || files_in(&dir.path().join("out")).is_empty(),
        "files were written"
    );
}

fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A zip archive holding the given entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

/// Rewrites the uncompressed size of every entry, in the local headers and the central
/// directory, as a hostile or damaged archive would declare it.
fn declare_size(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let mut i = 0;
    while i + 4 <= zip.len() {
        let at = match &zip[i..i + 4] {
            b"PK\x03\x04" => Some(i + 22),
            b"PK\x01\x02" => Some(i + 24),
            _ => None,
        };
        if let Some(at) = at {
            zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
    zip
}

/// An SQLite file made by running `sql`.
fn sqlite_file(sql: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    std::fs::read(path).unwrap()
}

#[test]
fn bad_packages_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let real = std::fs::read(fixture("anki-legacy.apkg")).unwrap();

    let truncated = write_temp(tmp.path(), "truncated.apkg", &real[..real.len() / 2]);
    refused(&truncated, &[], "not a complete zip archive");

    let not_anki = write_temp(tmp.path(), "photos.apkg", &zip_of(&[("photo.jpg", b"...")]));
    refused(
        &not_anki,
        &[],
        "not an Anki package: no `collection.anki2` inside",
    );

    let collection = sqlite_file(
        "CREATE TABLE col (ver INTEGER, models TEXT, decks TEXT); INSERT INTO col VALUES (11, '{}', '{}');
         CREATE TABLE notes (id INTEGER, guid TEXT, mid INTEGER, tags TEXT, flds TEXT);",
    );
    let bomb = declare_size(zip_of(&[("collection.anki2", &collection)]), 3_000_000_000);
    let bomb = write_temp(tmp.path(), "bomb.apkg", &bomb);
    refused(&bomb, &[], "more than the 2048 MB pmquiz accepts");

    let lying = declare_size(zip_of(&[("collection.anki2", &collection)]), 1000);
    let lying = write_temp(tmp.path(), "lying.apkg", &lying);
    refused(&lying, &[], "larger than its declared uncompressed size");

    let empty = write_temp(
        tmp.path(),
        "empty.apkg",
        &zip_of(&[("collection.anki2", &collection)]),
    );
    refused(&empty, &[], "the collection has no notes");

    let no_notes = sqlite_file("CREATE TABLE col (ver INTEGER); INSERT INTO col VALUES (11);");
    let no_notes = write_temp(
        tmp.path(),
        "no-notes.apkg",
        &zip_of(&[("collection.anki2", &no_notes)]),
    );
    refused(&no_notes, &[], "no notes table");

    let not_anki_db = sqlite_file("CREATE TABLE recipes (name TEXT);");
    let not_anki_db = write_temp(tmp.path(), "recipes.anki2", &not_anki_db);
    refused(&not_anki_db, &[], "not an Anki collection");

    let future = sqlite_file(
        "CREATE TABLE col (ver INTEGER); INSERT INTO col VALUES (19);
         CREATE TABLE notes (id INTEGER); INSERT INTO notes VALUES (1);",
    );
    let future = write_temp(
        tmp.path(),
        "future.apkg",
        &zip_of(&[("collection.anki21", &future)]),
    );
    refused(&future, &[], "written by a newer Anki (schema 19");

    let newer_package = write_temp(
        tmp.path(),
        "newer.apkg",
        &zip_of(&[("meta", &[0x08, 0x04]), ("collection.anki21b", b"")]),
    );
    refused(
        &newer_package,
        &[],
        "made by a newer Anki than pmquiz knows (package version 4)",
    );
}

#[test]
fn bad_text_is_refused_with_its_line() {
    refused(
        &fixture("ragged.csv"),
        &[],
        "ragged.csv:2: this row has 3 fields, the first row has 2",
    );
    refused(
        &fixture("latin1.csv"),
        &[],
        "latin1.csv:2:4: not UTF-8 text (byte 0xE9",
    );
    let tmp = tempfile::tempdir().unwrap();
    let hashcards = write_temp(tmp.path(), "broken.md", b"Q: first\nQ: second\nA: answer\n");
    refused(
        &hashcards,
        &[],
        "broken.md:2: a new question, but the question at line 1 has no `A:` answer",
    );
}

#[test]
fn an_existing_output_file_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("mine.toml");
    std::fs::write(&out_file, "my own deck").unwrap();
    let out = pmquiz([
        "import".as_ref(),
        fixture("cards.csv").as_os_str(),
        "-o".as_ref(),
        out_file.as_os_str(),
    ])
    .run();
    out.code(1);
    assert_contains(&out.stderr, "already exists");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "my own deck");
    // Nothing else was left in the folder either.
    assert_eq!(files_in(dir.path()), [out_file]);
}

/// The id pmquiz gives a card of an Anki note (docs/import-export.md, "Card ids").
fn anki_card_id(guid: &str, cloze_number: Option<u32>) -> String {
    let valid = guid.len() <= 64
        && guid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let base = if valid {
        guid.to_string()
    } else {
        format!("anki-{:016x}", xxhash_rust::xxh3::xxh3_64(guid.as_bytes()))
    };
    match cloze_number {
        Some(n) => format!("{base}-c{n}"),
        None => base,
    }
}

/// Imports the fixture with its history into a fresh data directory.
fn import_with_history(extra: &[&str]) -> (common::Pmquiz, common::Output) {
    let mut run = pmquiz([
        "import".as_ref(),
        fixture("anki-latest.apkg").as_os_str(),
        "--with-history".as_ref(),
    ])
    .env("TZ", "UTC");
    for a in extra {
        run = run.arg(a);
    }
    let out = run.run();
    (run, out)
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// The schedules replayed from Anki's history use the learner's fitted parameters
/// (`parameters` in config.toml, as `pmquiz optimize` writes them), as every later replay does.
#[test]
fn anki_history_is_replayed_with_the_learner_s_parameters() {
    let stabilities = |run: &common::Pmquiz| -> Vec<f64> {
        let conn = rusqlite::Connection::open(run.data_dir().join("pmquiz.db")).unwrap();
        let mut stmt = conn
            .prepare("SELECT stability FROM cards ORDER BY deck_id, card_id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let (default_run, out) = import_with_history(&[]);
    out.success();
    let mut fitted = pmquiz::schedule::Parameters::default().values().to_vec();
    // Initial stabilities three times the defaults: every replayed schedule changes.
    for w in &mut fitted[..4] {
        *w *= 3.0;
    }
    let list: Vec<String> = fitted.iter().map(|w| format!("{w}")).collect();
    let run = pmquiz([
        "import".as_ref(),
        fixture("anki-latest.apkg").as_os_str(),
        "--with-history".as_ref(),
    ])
    .env("TZ", "UTC");
    std::fs::write(
        run.data_dir().join("config.toml"),
        format!("parameters = [{}]\n", list.join(", ")),
    )
    .unwrap();
    run.run().success();
    let (default, with_fitted) = (stabilities(&default_run), stabilities(&run));
    assert_eq!(default.len(), 44);
    assert_eq!(with_fitted.len(), 44);
    let changed = default
        .iter()
        .zip(&with_fitted)
        .filter(|(a, b)| a != b)
        .count();
    assert!(changed > 30, "only {changed} of 44 schedules changed");
}

#[test]
fn two_exports_of_one_collection_at_once_give_each_note_and_answer_once() {
    let (run, out) = import_with_history(&[fixture("anki-collection.colpkg").to_str().unwrap()]);
    out.success();
    assert_contains(
        &out.stdout,
        "45 cards in both anki-latest.apkg and anki-collection.colpkg (the same notes), \
         imported once",
    );
    assert!(!out.stdout.contains("left out"), "{}", out.stdout);
    assert!(!out.stdout.contains("differ"), "{}", out.stdout);
    // The decks of either package alone, each passing `check`.
    let decks = run.data_dir().join("decks");
    let mut found = BTreeMap::new();
    for path in files_in(&decks) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        found.insert(name, cards_of(&path).len());
        pmquiz(["check".as_ref(), path.as_os_str()]).run().success();
    }
    assert_eq!(found, anki_decks());
    // The history of one package: both hold the same review log.
    assert_contains(
        &out.stdout,
        "history: imported 408 answers and 3 reviews as practice (cramming); 44 cards scheduled",
    );
    let db = run.data_dir().join("pmquiz.db");
    assert_eq!(count(&db, "SELECT count(*) FROM answers"), 408);
}

#[test]
fn anki_history_becomes_answers_once() {
    let (run, out) = import_with_history(&[]);
    out.success();
    assert_contains(
        &out.stdout,
        "history: imported 408 answers and 3 reviews as practice (cramming); 44 cards scheduled",
    );
    let db = run.data_dir().join("pmquiz.db");
    // Every graded row of the cards imported (not those of the skipped "Flag of Italy", nor the
    // second template of "Country facts"), no ungraded row (set due date, reset, rescheduled).
    assert_eq!(count(&db, "SELECT count(*) FROM answers"), 408);
    assert_eq!(count(&db, "SELECT count(*) FROM practice"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM cards"), 44);
    let states = |db: &Path| -> Vec<(String, String, f64, i64)> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT card_id, phase, stability, due FROM cards ORDER BY card_id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = states(&db);

    // The same package again: same cards, no answer twice, the same schedules.
    let again = pmquiz([
        "import".as_ref(),
        fixture("anki-latest.apkg").as_os_str(),
        "--with-history".as_ref(),
        "--force".as_ref(),
    ])
    .env("TZ", "UTC")
    .env("PMQUIZ_DATA_DIR", run.data_dir())
    .run();
    again.success();
    assert_contains(
        &again.stdout,
        "history: imported 0 answers; 44 cards scheduled",
    );
    assert_contains(
        &again.stdout,
        "411 reviews already in the history from an earlier import",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM answers"), 408);
    assert_eq!(count(&db, "SELECT count(*) FROM practice"), 3);
    assert_eq!(states(&db), before);

    // Another device gets the imported answers with `pmquiz sync`, and the very schedules the
    // import computed by Anki's rules (they travel as events), not a replay by pmquiz's.
    let folder = tempfile::tempdir().unwrap();
    let sync = |data: Option<&Path>| {
        let mut run = pmquiz(["sync".as_ref(), folder.path().as_os_str()]).env("TZ", "UTC");
        if let Some(data) = data {
            run = run.env("PMQUIZ_DATA_DIR", data);
        }
        let out = run.run();
        out.success();
        run
    };
    sync(Some(run.data_dir()));
    let other = sync(None);
    let other_db = other.data_dir().join("pmquiz.db");
    assert_eq!(count(&other_db, "SELECT count(*) FROM answers"), 408);
    let rows = |db: &Path| -> Vec<Vec<rusqlite::types::Value>> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT * FROM cards ORDER BY deck_id, card_id")
            .unwrap();
        stmt.query_map([], |r| (0..9).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(rows(&other_db), rows(&db));
}

#[test]
fn a_dry_run_counts_the_history_and_writes_none() {
    let (run, out) = import_with_history(&["--dry-run"]);
    out.success();
    assert_contains(
        &out.stdout,
        "history: would import 408 answers and 3 reviews as practice",
    );
    assert!(!run.data_dir().join("pmquiz.db").exists());
}

/// After the import, `pmquiz review` asks the cards Anki's own scheduler (FSRS on) reports as
/// due on the same day: the fixture's anki-due.json, written by scripts/anki_fixtures.py from
/// Anki's cards after 45 days of study.
#[test]
fn due_cards_after_import_agree_with_ankis_scheduler() {
    let (run, out) = import_with_history(&[]);
    out.success();
    let anki: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("anki-due.json")).unwrap()).unwrap();
    let created = anki["collection_created"].as_i64().unwrap();
    let check_day = anki["check_day"].as_i64().unwrap();

    // The cards written, and whether Anki has any of the Anki cards each stands for due by the
    // end of the check day (a "Country facts" card asks its first template only).
    let written: Vec<String> = files_in(&run.data_dir().join("decks"))
        .iter()
        .flat_map(|d| cards_of(d))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let mut anki_due: BTreeMap<String, bool> = BTreeMap::new();
    for c in anki["cards"].as_array().unwrap() {
        let ord = c["ord"].as_u64().unwrap() as u32;
        let notetype = c["notetype"].as_str().unwrap();
        if notetype == "Country facts" && ord > 0 {
            continue;
        }
        let id = anki_card_id(
            c["guid"].as_str().unwrap(),
            (notetype == "Cloze").then_some(ord + 1),
        );
        if !written.contains(&id) {
            continue;
        }
        let due = c["due_day"].as_i64().is_some_and(|d| d <= check_day);
        *anki_due.entry(id).or_default() |= due;
    }
    assert_eq!(anki_due.len(), written.len());

    // pmquiz's due cards at the last second of that day (Anki's days start at `created`'s
    // time of day), asked in a scripted review that records nothing.
    let end_of_day = created + (check_day + 1) * 86_400 - 1;
    let now = chrono::DateTime::from_timestamp(end_of_day, 0)
        .unwrap()
        .to_rfc3339();
    let review = pmquiz([
        "review",
        "--format",
        "json",
        "--no-save",
        "--limit",
        "1000",
        "--seed",
        "1",
    ])
    .env("PMQUIZ_DATA_DIR", run.data_dir())
    .env("PMQUIZ_NOW", now)
    .env("TZ", "UTC")
    // Lines every kind reads eventually: `1` answers multiple choice, a typed answer or a
    // flashcard's grade (after revealing it), `t` a true/false question.
    .stdin("1\nt\n".repeat(400))
    .run();
    review.success();
    let summary = review.json();
    let pmquiz_due: Vec<String> = summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["card_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        summary["total"].as_u64().unwrap() as usize,
        pmquiz_due.len()
    );

    let agree = anki_due
        .iter()
        .filter(|(id, due)| pmquiz_due.contains(id) == **due)
        .count();
    let disagree: Vec<String> = anki_due
        .iter()
        .filter(|(id, due)| pmquiz_due.contains(id) != **due)
        .map(|(id, due)| format!("{id} (Anki: {})", if *due { "due" } else { "not due" }))
        .collect();
    let anki_count = anki_due.values().filter(|d| **d).count();
    // Stated in the test output whether or not it passes (stderr is not captured).
    let _ = writeln!(
        std::io::stderr(),
        "due on the check day: Anki {anki_count} cards, pmquiz {}; {agree} of {} cards agree; \
         differing: {}",
        pmquiz_due.len(),
        anki_due.len(),
        if disagree.is_empty() {
            "none".to_string()
        } else {
            disagree.join(", ")
        }
    );
    // docs/import-export.md explains the differences: Anki's fuzz and load balancing move
    // due dates by a day or two.
    assert!(
        agree * 100 >= anki_due.len() * 90,
        "{agree} of {} agree",
        anki_due.len()
    );
}
