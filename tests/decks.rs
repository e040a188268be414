//! `pmquiz decks` and `pmquiz show`: the built-in decks, user decks from the data directory and
//! from `PMQUIZ_DECKS`, broken user decks, and what the built-in decks contain.

mod common;

use common::{assert_contains, fixtures, pmquiz};
use serde_json::Value;

/// The lines `pmquiz decks` prints for the built-in decks, from the decks themselves.
fn built_in_lines() -> String {
    built_in_lines_in(11)
}

/// The same lines with an id column `width` characters wide.
fn built_in_lines_in(width: usize) -> String {
    let decks = pmquiz::deck::builtin_decks();
    let ids: Vec<&str> = decks.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["differences", "definitions", "faq"]);
    decks
        .iter()
        .map(|d| {
            format!(
                "{:width$}  {:>4} cards  {}  (built-in)\n",
                d.id,
                d.card_count(),
                d.name
            )
        })
        .collect()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

#[test]
fn decks_lists_the_three_built_in_decks() {
    let cmd = pmquiz(["decks"]);
    let out = cmd.run();
    out.success();
    assert_eq!(out.stderr, "");
    assert_eq!(
        out.stdout,
        format!(
            "{}\nUser decks are read from: {}\n",
            built_in_lines(),
            cmd.data_dir().join("decks").display()
        )
    );
}

#[test]
fn decks_lists_user_decks_from_the_data_dir_and_pmquiz_decks() {
    let extra = tempfile::tempdir().unwrap();
    std::fs::write(extra.path().join("pets.toml"), fixture("valid/table.toml")).unwrap();
    // Only *.toml files are decks.
    std::fs::write(extra.path().join("notes.txt"), "not a deck").unwrap();
    let cmd = pmquiz(["decks"])
        .user_deck("capitals.toml", &fixture("valid/card.toml"))
        .env("PMQUIZ_DECKS", extra.path());
    let out = cmd.run();
    out.success();
    let user = cmd.data_dir().join("decks");
    assert_eq!(
        out.stdout,
        format!(
            "\
capitals        2 cards  Capitals  ({})
pets            2 cards  Pets  ({})
{}
User decks are read from: {}, {}
",
            user.join("capitals.toml").display(),
            extra.path().join("pets.toml").display(),
            built_in_lines(),
            user.display(),
            extra.path().display(),
        )
    );
}

#[test]
fn a_broken_user_deck_is_listed_with_its_error_and_the_others_still_list() {
    let cmd = pmquiz(["decks"])
        .user_deck("a-capitals.toml", &fixture("valid/card.toml"))
        .user_deck("b-broken.toml", &fixture("invalid/wrong-type.toml"));
    let out = cmd.run();
    out.success();
    let broken = cmd.data_dir().join("decks/b-broken.toml");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("capitals        2 cards  Capitals  ("));
    assert_eq!(
        lines[1],
        format!("b-broken     broken      ({})", broken.display())
    );
    assert_eq!(
        lines[2],
        format!(
            "             {}:6:10: error: `answer` in [[card]] must be a string, found integer",
            broken.display()
        )
    );
    assert_eq!(
        lines[3],
        format!(
            "             run `pmquiz check {}` for details",
            broken.display()
        )
    );
    assert_eq!(lines[4..7].join("\n") + "\n", built_in_lines());
}

#[test]
fn decks_as_json_lists_every_deck_and_the_broken_ones_with_their_error() {
    let cmd = pmquiz(["decks", "--format", "json"])
        .user_deck("capitals.toml", &fixture("valid/card.toml"))
        .user_deck("broken.toml", &fixture("invalid/no-cards.toml"));
    let out = cmd.run();
    out.success();
    let list = out.json();
    let list = list.as_array().expect("a JSON array");
    assert_eq!(list.len(), 5, "{list:#?}");
    let broken = &list[0];
    assert_eq!(
        broken["source"],
        cmd.data_dir()
            .join("decks/broken.toml")
            .display()
            .to_string()
    );
    assert!(
        broken["error"]
            .as_str()
            .unwrap()
            .contains(":1:1: error: the deck has no cards"),
        "{broken}"
    );
    assert_eq!(list[1]["id"], "capitals");
    assert_eq!(list[1]["cards"], 2);
    let built_in: Vec<(&str, u64, &str)> = list[2..]
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap(),
                d["cards"].as_u64().unwrap(),
                d["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        built_in,
        pmquiz::deck::builtin_decks()
            .iter()
            .map(|d| (d.id.as_str(), d.card_count() as u64, "built-in"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_user_deck_with_a_built_in_id_hides_the_built_in_deck() {
    let mine =
        "[deck]\nid = \"faq\"\nname = \"My FAQ\"\n\n[[card]]\nquestion = \"q\"\nanswer = \"a\"\n";
    let cmd = pmquiz(["decks", "--format", "json"]).user_deck("mine.toml", mine);
    let ids: Vec<(String, String)> = cmd
        .run()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        ids.iter().filter(|(id, _)| id == "faq").count(),
        1,
        "{ids:?}"
    );
    assert!(ids.contains(&("faq".to_string(), "My FAQ".to_string())));

    let out = pmquiz(["show", "faq"]).user_deck("mine.toml", mine).run();
    out.success();
    assert!(
        out.stdout.starts_with("My FAQ (faq, 1 card)\n"),
        "{}",
        out.stdout
    );
}

fn show_json(args: &[&str]) -> Value {
    let out = pmquiz(args).run();
    out.success();
    out.json()
}

fn cards(deck: &Value) -> &Vec<Value> {
    deck["cards"].as_array().expect("cards array")
}

#[test]
fn show_faq_as_json_has_the_twenty_faq_cards_in_order() {
    let deck = show_json(&["show", "faq", "--format", "json"]);
    assert_eq!(deck["id"], "faq");
    assert_eq!(deck["origin"], "built-in");
    let questions: Vec<&Value> = cards(&deck)
        .iter()
        .filter(|c| c["kind"] == "card")
        .collect();
    let ids: Vec<&str> = questions
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..=20).map(|i| format!("faq-{i:02}")).collect();
    assert_eq!(ids, expected);
    for card in questions {
        assert!(!card["question"].as_str().unwrap().is_empty());
        assert!(!card["answer"].as_str().unwrap().is_empty());
        assert_eq!(card["wrong"].as_array().unwrap().len(), 3, "{card}");
    }
    // Every card of the deck, the true/false ones included, comes from the FAQ section.
    for card in cards(&deck) {
        let tags = card["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("faq")), "{card}");
    }
}

#[test]
fn the_definitions_deck_has_five_definitions_of_each_discipline() {
    let deck = show_json(&["show", "definitions", "--format", "json"]);
    let cards = cards(&deck);
    assert_eq!(cards.len(), 10);
    let mut per_term = std::collections::BTreeMap::new();
    let mut definitions = std::collections::BTreeSet::new();
    for card in cards {
        assert_eq!(card["kind"], "term", "{card}");
        *per_term
            .entry(card["term"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
        definitions.insert(card["definition"].as_str().unwrap().to_string());
        assert_eq!(
            card["examples"].as_array().unwrap().len(),
            1,
            "each definition has an example sentence: {card}"
        );
    }
    assert_eq!(
        per_term.into_iter().collect::<Vec<_>>(),
        [
            ("Operation management".to_string(), 5),
            ("Production management".to_string(), 5)
        ]
    );
    assert_eq!(definitions.len(), 10, "the ten definitions are distinct");
}

#[test]
fn the_differences_deck_covers_the_comparison_chart() {
    let deck = show_json(&["show", "differences", "--format", "json"]);
    let cards = cards(&deck);
    assert_eq!(cards.len(), 41);
    let tables: Vec<&Value> = cards.iter().filter(|c| c["kind"] == "table").collect();
    assert!(!tables.is_empty(), "the comparison chart is a table card");
    for table in tables {
        let subjects = table["subjects"].as_array().unwrap();
        assert_eq!(
            subjects,
            &[
                Value::from("Production management"),
                Value::from("Operation management")
            ]
        );
        let rows = table["rows"].as_array().unwrap();
        for row in rows {
            assert_eq!(row["cells"].as_array().unwrap().len(), 2, "{row}");
        }
        // Relabelled rows keep their ids, and so their review history.
        let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "focus",
                "scope",
                "sector-relevance",
                "challenges",
                "methodologies"
            ]
        );
    }
}

#[test]
fn show_prints_facts_and_related_terms() {
    let out = pmquiz(["show", "differences"]).run();
    out.success();
    assert_contains(
        &out.stdout,
        "  Main focus (chart/focus):\n    Production management: Manufacturing of products\n    Operation management: The entire business process, end to end\n    fact: pm-focus, om-focus\n",
    );
    let out = pmquiz(["show", "definitions"]).run();
    assert_contains(
        &out.stdout,
        "  includes: Production management\n  (this definition fits Operation management only)\n",
    );
}

#[test]
fn show_prints_a_deck_named_by_path() {
    let out = pmquiz(["show", "valid/mixed.toml"]).run();
    out.success();
    let text = &out.stdout;
    assert!(
        text.starts_with("Mixed deck (mixed, 6 cards)\nOne card of every kind.\n"),
        "{text}"
    );
    assert_contains(
        text,
        "\n[card] hexagon  #mixed\n  Q: How many sides does a hexagon have?\n  A: Six\n",
    );
    assert_contains(
        text,
        "\n[cloze] boiling  #mixed\n  Water boils at _____ degrees Celsius.\n  = Water boils at 100 degrees Celsius.\n",
    );
    assert_contains(
        text,
        "\n[choice] closest  #mixed\n  Q: Which planet is closest to the Sun?\n   * Mercury\n     Venus\n",
    );
    assert_contains(
        text,
        "\n[table] pets  #mixed\n  Sound (pets/sound):\n    Cats: Meow\n    Dogs: Bark\n",
    );

    let deck = show_json(&["show", "valid/mixed.toml", "--format", "json"]);
    assert_eq!(deck["id"], "mixed");
    assert_eq!(deck["origin"], "valid/mixed.toml");
    let kinds: Vec<&str> = cards(&deck)
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["card", "term", "statement", "cloze", "choice", "table"]
    );
}

#[test]
fn a_deck_without_an_id_is_named_after_its_file() {
    let deck = show_json(&["show", "valid/term.toml", "--format", "json"]);
    assert_eq!(deck["id"], "term");
    // An unmarked example has the term blanked wherever it appears, ignoring case; the JSON
    // writes the examples as a deck file would, with the blank marked.
    assert_eq!(
        cards(&deck)[0]["examples"],
        serde_json::json!(["Leaves are where most {{photosynthesis|Photosynthesis}} happens."])
    );
    assert_eq!(
        cards(&deck)[1]["examples"],
        serde_json::json!(["Roots take up water by {{osmosis}}."])
    );
}

#[test]
fn show_rejects_an_unknown_deck_and_names_the_known_ones() {
    let out = pmquiz(["show", "nope"]).run();
    out.code(1);
    assert_eq!(
        out.stderr,
        "error: no deck with id `nope`; known decks: differences, definitions, faq (or give a path to a .toml file)\n"
    );
}

#[test]
fn show_of_an_invalid_deck_prints_its_diagnostics() {
    let out = pmquiz(["show", "invalid/choice-answer.toml"]).run();
    out.code(1);
    assert!(
        out.stderr.starts_with(
            "invalid/choice-answer.toml:7:10: error: answer `Pluto` is not one of the options\n"
        ),
        "{}",
        out.stderr
    );
}

/// Runs `args` with `decks/FILE` holding a deck with a wrong type on line 6, and checks that the
/// command fails with that file's diagnostic and prints nothing on stdout.
fn fails_with_the_broken_deck(args: &[&str], file: &str) {
    let cmd = pmquiz(args.iter().copied()).user_deck(file, &fixture("invalid/wrong-type.toml"));
    let out = cmd.run();
    out.code(1);
    let broken = cmd.data_dir().join("decks").join(file);
    assert!(
        out.stderr.starts_with(&format!(
            "{}:6:10: error: `answer` in [[card]] must be a string, found integer\n",
            broken.display()
        )),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_broken_user_deck_named_by_its_file_name_gets_its_diagnostics() {
    fails_with_the_broken_deck(&["run", "--deck", "b-broken", "--no-save"], "b-broken.toml");
}

#[test]
fn a_broken_user_deck_with_a_built_in_name_is_reported_not_replaced_by_the_built_in() {
    fails_with_the_broken_deck(&["show", "faq"], "faq.toml");
}

#[test]
fn a_reader_that_stops_early_does_not_make_pmquiz_panic() {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pmquiz"));
    common::sealed_env(&mut cmd, data.path());
    let mut child = cmd
        .arg("decks")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before pmquiz writes anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

#[test]
fn decks_keeps_its_columns_in_line_for_long_ids_and_broken_file_names() {
    let long = "[deck]\nid = \"spanish-vocabulary-a1-unit-3\"\nname = \"Spanish A1, unit 3\"\n\n[[card]]\nquestion = \"q\"\nanswer = \"a\"\n";
    let cmd = pmquiz(["decks"]).user_deck("long.toml", long).user_deck(
        "a-broken-deck-with-a-longer-name.toml",
        &fixture("invalid/no-cards.toml"),
    );
    let out = cmd.run();
    out.success();
    let user = cmd.data_dir().join("decks");
    let broken = user.join("a-broken-deck-with-a-longer-name.toml");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[..4],
        [
            format!(
                "a-broken-deck-with-a-longer-name  broken      ({})",
                broken.display()
            ),
            format!(
                "                                  {}:1:1: error: the deck has no cards",
                broken.display()
            ),
            format!(
                "                                  run `pmquiz check {}` for details",
                broken.display()
            ),
            format!(
                "spanish-vocabulary-a1-unit-3          1 card  Spanish A1, unit 3  ({})",
                user.join("long.toml").display()
            ),
        ]
    );
    assert_eq!(lines[4..7].join("\n") + "\n", built_in_lines_in(32));
}

#[test]
fn show_as_json_gives_a_choice_answer_as_the_option_text() {
    let deck = show_json(&["show", "valid/choice.toml", "--format", "json"]);
    let card = &cards(&deck)[0];
    assert_eq!(card["kind"], "choice");
    let options = card["options"].as_array().unwrap();
    assert_eq!(card["answer"], "Mercury", "{card}");
    assert!(options.contains(&card["answer"]), "{card}");
}

/// A deck of one true statement, with the given deck id.
fn one_statement(id: &str, name: &str, text: &str) -> String {
    format!(
        "[deck]\nid = \"{id}\"\nname = \"{name}\"\n\n[[statement]]\ntext = \"{text}\"\nanswer = true\n"
    )
}

#[test]
fn a_user_deck_with_a_built_in_id_hides_the_built_in_deck_in_run_too() {
    let out = pmquiz([
        "run",
        "--kinds",
        "tf",
        "--count",
        "500",
        "--format",
        "json",
        "--no-save",
    ])
    .user_deck("mine.toml", &one_statement("faq", "My FAQ", "Mine"))
    .lines(&["t"; 500])
    .run();
    out.success();
    let summary = out.json();
    let faq: Vec<&str> = summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["deck_id"] == "faq")
        .map(|r| r["prompt"].as_str().unwrap())
        .collect();
    assert_eq!(faq, ["True or false?\nMine"]);
    assert_eq!(out.stderr.matches("warning").count(), 0, "{}", out.stderr);
}

#[test]
fn two_user_decks_with_one_id_are_reported_and_never_chosen_silently() {
    let v1 = one_statement("spanish", "Spanish v1", "Uno");
    let v2 = one_statement("spanish", "Spanish v2", "Dos");
    let with_both = |args: &[&str]| {
        pmquiz(args.iter().copied())
            .user_deck("spanish-v1.toml", &v1)
            .user_deck("spanish-v2.toml", &v2)
    };

    // `decks` lists both, each with the other's path.
    let cmd = with_both(&["decks"]);
    let out = cmd.run();
    out.success();
    let dir = cmd.data_dir().join("decks");
    let (p1, p2) = (dir.join("spanish-v1.toml"), dir.join("spanish-v2.toml"));
    assert_contains(
        &out.stdout,
        &format!(
            "spanish          1 card  Spanish v1  ({})\n             warning: {} has this id too; `--deck spanish` cannot choose: give one of them another `id`\nspanish          1 card  Spanish v2  ({})\n             warning: {} has this id too;",
            p1.display(),
            p2.display(),
            p2.display(),
            p1.display()
        ),
    );
    let cmd = with_both(&["decks", "--format", "json"]);
    let list = cmd.run().json();
    let p2 = cmd.data_dir().join("decks/spanish-v2.toml");
    let spanish: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["id"] == "spanish")
        .collect();
    assert_eq!(spanish.len(), 2);
    assert_eq!(
        spanish[0]["same_id_as"],
        serde_json::json!([p2.display().to_string()])
    );

    // `--deck spanish` is an error listing both.
    let cmd = with_both(&["run", "--deck", "spanish", "--no-save"]);
    let out = cmd.run();
    out.code(1);
    let dir = cmd.data_dir().join("decks");
    let (p1, p2) = (dir.join("spanish-v1.toml"), dir.join("spanish-v2.toml"));
    assert_eq!(
        out.stderr,
        format!(
            "error: 2 user decks have the id `spanish`:\n  {}\n  {}\ngive one of them another `id` in its [deck] table, or name the deck by its path (`--deck {}`)\n",
            p1.display(),
            p2.display(),
            p1.display()
        )
    );

    // `check` of the two files reports each, pointing at its id.
    let cmd = with_both(&["check"]);
    let (a, b) = (
        cmd.data_dir().join("decks/spanish-v1.toml"),
        cmd.data_dir().join("decks/spanish-v2.toml"),
    );
    let out = cmd.arg(&a).arg(&b).run();
    out.code(1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "{}:2:6: error: the deck id `spanish` is also the id of {}\n  |\n2 | id = \"spanish\"\n  |      ^^^^^^^^^\n  = help: `--deck spanish` cannot choose between user decks with one id; give one of them another `id` in its [deck] table\n\n{}:2:6: error: the deck id `spanish` is also the id of {}\n  |\n2 | id = \"spanish\"\n  |      ^^^^^^^^^\n  = help: `--deck spanish` cannot choose between user decks with one id; give one of them another `id` in its [deck] table\n\n",
            a.display(),
            b.display(),
            b.display(),
            a.display()
        )
    );

    // A copy outside the deck folders is no clash: only decks found by id can be.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("spanish.toml"), &v1).unwrap();
    let out = pmquiz(["check", "spanish.toml"])
        .user_deck("spanish-v2.toml", &v2)
        .current_dir(outside.path())
        .run();
    out.success();

    // Commands that use every deck leave both out, and say so.
    let cmd = with_both(&["review", "--no-save"]);
    let out = cmd.run();
    out.success();
    let dir = cmd.data_dir().join("decks");
    let (p1, p2) = (dir.join("spanish-v1.toml"), dir.join("spanish-v2.toml"));
    assert_contains(
        &out.stderr,
        &format!(
            "warning: skipping 2 decks with the same id `spanish` ({}, {}); give one of them another `id` in its [deck] table\n",
            p1.display(),
            p2.display()
        ),
    );
}

#[test]
fn a_broken_user_deck_that_a_command_skips_gets_a_one_line_warning() {
    for args in [
        &["review", "--no-save"][..],
        &["stats"][..],
        &["run", "--no-save", "--count", "1", "--kinds", "tf"][..],
    ] {
        let cmd = pmquiz(args.iter().copied())
            .user_deck("broken.toml", &fixture("invalid/several-errors.toml"))
            .lines(&["t"]);
        let out = cmd.run();
        out.success();
        let broken = cmd.data_dir().join("decks/broken.toml");
        let warning = format!(
            "warning: skipping the broken deck {} (4 errors); see `pmquiz check {}`\n",
            broken.display(),
            broken.display()
        );
        assert!(out.stderr.starts_with(&warning), "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.matches("warning").count(), 1, "{}", out.stderr);
    }
}

#[test]
fn show_indents_the_continuation_lines_of_multi_line_text() {
    let out = pmquiz(["show", "valid/multiline.toml"]).run();
    out.success();
    assert_eq!(
        out.stdout,
        "\
Multi (multiline, 1 card)

[card] poem
  Q: Complete the verse:
     Roses are red,
     violets are ...
  A: blue,
     sugar is sweet
  Why: A nursery rhyme.
       Its first lines date from 1590.
"
    );
}
