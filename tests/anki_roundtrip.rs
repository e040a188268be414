//! Packages exported by pmquiz, opened by Anki itself: the `anki` Python package (Anki's own
//! backend) imports them as Anki's File > Import does (scripts/anki_open_package.py), and the
//! notes, cards, fields, tags and review-log rows it finds are checked.
//!
//! Needs Python: the virtual environment with `anki` is made by scripts/anki-venv.sh (which
//! `.ci/run` runs first; here it is run again and does nothing when the environment exists).
//! Where Python is missing, the test says so on stderr and passes without checking.

mod common;

use common::{assert_contains, fixtures, pmquiz};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python of the venv with Anki, or why there is none; looked for once, so that the tests
/// running at once do not make the environment twice.
fn anki_python() -> Result<PathBuf, String> {
    static PYTHON: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    PYTHON.get_or_init(find_anki_python).clone()
}

fn find_anki_python() -> Result<PathBuf, String> {
    if let Some(python) = std::env::var_os("PMQUIZ_ANKI_PYTHON") {
        return Ok(PathBuf::from(python));
    }
    let has_python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_python {
        return Err("python3 is not installed".to_string());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join("scripts/anki-venv.sh"))
        .current_dir(root)
        .output()
        .expect("run scripts/anki-venv.sh");
    assert!(
        out.status.success(),
        "scripts/anki-venv.sh failed (Python is here, so the test cannot be skipped):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()))
}

/// Opens a package with Anki; `None` (after saying so) where Python is missing.
fn open_with_anki(package: &Path) -> Option<serde_json::Value> {
    let python = match anki_python() {
        Ok(p) => p,
        Err(why) => {
            // Written to stderr directly, so that `cargo test` shows it even when the test passes.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED anki_roundtrip: {why}; the round trip through Anki was not checked"
            );
            return None;
        }
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/anki_open_package.py");
    let out = Command::new(python)
        .arg(script)
        .arg(package)
        .output()
        .expect("run Python");
    assert!(
        out.status.success(),
        "Anki could not open {}:\n{}",
        package.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("JSON from anki_open_package.py"))
}

fn note<'a>(anki: &'a serde_json::Value, guid: &str) -> &'a serde_json::Value {
    anki["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["guid"] == guid)
        .unwrap_or_else(|| panic!("no note {guid}"))
}

/// How many notes and Anki cards the built-in decks give: a note per card (a table counts one
/// per row), and two cards for a term asked both ways.
fn built_in_counts() -> (u64, u64) {
    let decks = pmquiz(["decks", "--format", "json"]).run();
    decks.success();
    let mut notes = 0;
    let mut cards = 0;
    for deck in decks.json().as_array().unwrap() {
        notes += deck["cards"].as_u64().unwrap();
        cards += deck["cards"].as_u64().unwrap();
        let shown = pmquiz(["show", deck["id"].as_str().unwrap(), "--format", "json"]).run();
        shown.success();
        cards += shown.json()["cards"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "term" && c["reverse"] == true)
            .count() as u64;
    }
    (notes, cards)
}

#[test]
fn anki_opens_the_built_in_decks() {
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("built-in.apkg");
    let out = pmquiz([
        "export".as_ref(),
        "differences".as_ref(),
        "definitions".as_ref(),
        "faq".as_ref(),
        "--to".as_ref(),
        "apkg".as_ref(),
        "-o".as_ref(),
        package.as_os_str(),
    ])
    .run();
    out.success();
    let (notes, cards) = built_in_counts();
    assert_contains(&out.stdout, &format!("{notes} notes, {cards} cards"));
    let Some(anki) = open_with_anki(&package) else {
        return;
    };
    assert_eq!(anki["imported"], notes);
    assert_eq!(anki["notes"].as_array().unwrap().len() as u64, notes);
    assert_eq!(anki["cards"], cards);
    assert_eq!(anki["revlog"], 0);
    let decks: std::collections::BTreeSet<String> = anki["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| {
            n["decks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(decks.len(), 3, "{decks:?}");
    // A table row is a Basic note with the row on the front.
    let row = note(&anki, "pmquiz:differences:chart/focus");
    assert_eq!(
        row["notetype"].as_str().unwrap().trim_end_matches('+'),
        "Basic"
    );
    // The table's title, then the row's aspect.
    assert!(
        row["fields"]["Front"]
            .as_str()
            .unwrap()
            .starts_with("Production vs. operation management: "),
        "{row}"
    );
    assert!(
        row["fields"]["Back"].as_str().unwrap().contains("<br>"),
        "{row}"
    );
    assert!(!row["tags"].as_array().unwrap().is_empty());
}

#[test]
fn anki_opens_an_export_with_history() {
    // The Anki fixture imported with its history, then exported again.
    let import = pmquiz([
        "import".as_ref(),
        fixtures().join("import/anki-latest.apkg").as_os_str(),
        "--with-history".as_ref(),
    ])
    .env("TZ", "UTC");
    import.run().success();
    let data = import.data_dir();
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("out.apkg");
    let out = pmquiz([
        "export",
        "geography-capitals",
        "geography",
        "science-chemistry",
        "languages",
        "--to",
        "apkg",
        "--with-history",
        "-o",
    ])
    .arg(&package)
    .env("PMQUIZ_DATA_DIR", data)
    .run();
    out.success();
    // 45 cards: 41 notes of one card, 4 terms (3 asked both ways: two cards); 408 answers and
    // 3 practice answers.
    assert_contains(&out.stdout, "45 notes, 48 cards, 411 review-log rows");
    let Some(anki) = open_with_anki(&package) else {
        return;
    };
    assert_eq!(anki["imported"], 45);
    assert_eq!(anki["cards"], 48);
    assert_eq!(anki["revlog"], 411);
    // Practice (cramming) goes back as filtered-deck rows; the rest as learning, review,
    // relearning rows.
    assert_eq!(anki["revlog_types"]["3"], 3);
    // Every card answered has a schedule: only the card never studied is new.
    assert_eq!(anki["queues"]["0"], 1, "{}", anki["queues"]);
    let kinds: std::collections::BTreeMap<String, usize> = anki["notes"]
        .as_array()
        .unwrap()
        .iter()
        .fold(Default::default(), |mut m, n| {
            *m.entry(
                n["notetype"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches('+')
                    .to_string(),
            )
            .or_default() += 1;
            m
        });
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            ("Basic".to_string(), 32),
            ("Basic (and reversed card)".to_string(), 3),
            ("Basic (optional reversed card)".to_string(), 1),
            ("Basic (type in the answer)".to_string(), 2),
            ("Cloze".to_string(), 7),
        ]
    );
    let cloze = note(&anki, "pmquiz:science-chemistry:anki-30ae11ef1b94f96f-c2");
    assert_eq!(
        cloze["fields"]["Text"],
        "Water is made of {{c1::hydrogen}} and {{c1::oxygen}} [element]."
    );
    assert_eq!(cloze["fields"]["Back Extra"], "H2O");
    assert_eq!(cloze["tags"], serde_json::json!(["chemistry"]));
    assert_eq!(cloze["decks"], serde_json::json!(["Science::Chemistry"]));
    let france = note(&anki, "pmquiz:geography-capitals:anki-a501e4901ccaf1c6");
    assert_eq!(france["fields"]["Front"], "What is the capital of France?");
    assert_eq!(france["fields"]["Back"], "Paris");
    assert_eq!(
        france["tags"],
        serde_json::json!(["capitals", "geo::europe"])
    );
}
