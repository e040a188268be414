//! `pmquiz run` driven from a script: answers are piped in, one per line. The right answers are
//! learned first from a practice run with the same seed (the questions depend only on the decks,
//! the options and the seed), then sessions are replayed with chosen right and wrong answers.

mod common;

use common::{Asked, answers, assert_contains, assert_not_contains, learn_session, pmquiz};
use serde_json::Value;
use std::collections::BTreeSet;

const SESSION: [&str; 5] = ["run", "--seed", "7", "--count", "5"];

fn args_with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(extra).copied().collect()
}

fn results(summary: &Value) -> &Vec<Value> {
    summary["results"].as_array().expect("results array")
}

#[test]
fn all_right_answers_score_full_marks() {
    let questions = learn_session(&SESSION);
    assert_eq!(questions.len(), 5);
    let lines = answers(&questions, &[true; 5]);

    let out = pmquiz(SESSION).lines(&lines).run();
    out.success();
    assert_contains(&out.stdout, "\nScore: 5/5 (100%)   Time: ");
    assert_contains(&out.stdout, "   Seed: 7\n");
    assert_contains(&out.stdout, "\nNo misses. Well done!\n");
    assert_contains(
        &out.stdout,
        "\nReplay this session: pmquiz run --seed 7 --count 5\n",
    );
    assert_not_contains(&out.stdout, "✗");
    assert_eq!(out.stdout.matches("\n✓ ").count(), 5, "{}", out.stdout);

    let summary = pmquiz(args_with(&SESSION, &["--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    assert_eq!(summary["correct"], 5);
    assert_eq!(summary["answered"], 5);
    assert_eq!(summary["percent"], 100.0);
    assert!(results(&summary).iter().all(|r| r["correct"] == true));
}

#[test]
fn all_wrong_answers_score_zero_and_list_every_miss() {
    let questions = learn_session(&SESSION);
    let lines = answers(&questions, &[false; 5]);
    let out = pmquiz(SESSION).lines(&lines).run();
    out.success();
    assert_contains(&out.stdout, "\nScore: 0/5 (0%)   Time: ");
    assert_contains(&out.stdout, "\nMissed:\n");
    for (i, q) in questions.iter().enumerate() {
        let first_line = q.prompt.lines().collect::<Vec<_>>().join(" / ");
        assert_contains(&out.stdout, &format!("  ✗ {}. {first_line}\n", i + 1));
        let expected = q.expected.lines().collect::<Vec<_>>().join(" / ");
        assert_contains(&out.stdout, &format!("     right answer: {expected}\n"));
    }
    assert_not_contains(&out.stdout, "No misses");
}

#[test]
fn mixed_answers_are_scored_one_by_one() {
    let questions = learn_session(&SESSION);
    let plan = [true, false, true, false, true];
    let lines = answers(&questions, &plan);
    let out = pmquiz(args_with(&SESSION, &["--format", "json"]))
        .lines(&lines)
        .run();
    out.success();
    let summary = out.json();
    let judged: Vec<bool> = results(&summary)
        .iter()
        .map(|r| r["correct"].as_bool().unwrap())
        .collect();
    assert_eq!(judged, plan);
    assert_eq!(summary["correct"], 3);
    assert_eq!(summary["percent"], 60.0);

    let text = pmquiz(SESSION).lines(&lines).run();
    assert_contains(&text.stdout, "\nScore: 3/5 (60%)   Time: ");
    // The running score is shown in each header.
    let headers: Vec<String> = common::transcript(&text.stdout)
        .into_iter()
        .map(|b| b.header.split("  · ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        headers,
        [
            "[1/5]  score 0/0",
            "[2/5]  score 1/1",
            "[3/5]  score 1/2",
            "[4/5]  score 2/3",
            "[5/5]  score 2/4",
        ]
    );
}

#[test]
fn the_json_summary_is_one_object_on_stdout_with_every_result() {
    let questions = learn_session(&SESSION);
    let lines = answers(&questions, &[true, true, false, false, true]);
    let out = pmquiz(args_with(&SESSION, &["--format", "json"]))
        .lines(&lines)
        .run();
    out.success();
    assert_eq!(out.stdout.lines().count(), 1, "one line: {}", out.stdout);
    let summary = out.json();
    assert!(summary.is_object());
    // The prompts went to stderr.
    assert_contains(&out.stderr, "[1/5]  score 0/0  · ");
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["total"], 5);
    assert_eq!(summary["answered"], 5);
    assert_eq!(summary["correct"], 3);
    assert_eq!(summary["complete"], true);
    assert_eq!(summary["interrupted"], false);
    assert_eq!(summary["mode"], "practice");
    let results = results(&summary);
    assert_eq!(results.len(), 5);
    for (i, (r, q)) in results.iter().zip(&questions).enumerate() {
        assert_eq!(r["number"], i + 1);
        assert_eq!(r["card_id"], q.card_id.as_str());
        assert_eq!(r["kind"], q.kind.as_str());
        assert_eq!(r["expected"], q.expected.as_str());
        assert_eq!(r["prompt"], q.prompt.as_str());
        assert!(r["given"].is_string(), "{r}");
        assert!(r["correct"].is_boolean(), "{r}");
        assert!(["differences", "definitions", "faq"].contains(&r["deck_id"].as_str().unwrap()));
    }
    // By kind, the tallies add up to the totals.
    let by_kind = summary["by_kind"].as_object().unwrap();
    let answered: u64 = by_kind
        .values()
        .map(|t| t["answered"].as_u64().unwrap())
        .sum();
    let correct: u64 = by_kind
        .values()
        .map(|t| t["correct"].as_u64().unwrap())
        .sum();
    assert_eq!((answered, correct), (5, 3));
}

#[test]
fn a_multiple_choice_answer_may_be_a_number_a_letter_or_the_option_text() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "11", "--count", "3",
    ];
    let questions = learn_session(&args);
    assert!(
        questions
            .iter()
            .all(|q| q.kind == "mcq" && q.options.len() == 4)
    );
    let letter = |q: &Asked| char::from(b'a' + q.right_option() as u8 - 1).to_string();
    let lines = vec![
        questions[0].right_option().to_string(),
        letter(&questions[1]).to_uppercase(),
        questions[2].expected.to_lowercase(),
    ];
    let summary = pmquiz(args_with(&args, &["--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    assert_eq!(summary["correct"], 3, "{summary:#}");
    for (r, q) in results(&summary).iter().zip(&questions) {
        assert_eq!(r["given"], q.expected.as_str());
    }
}

#[test]
fn an_unreadable_line_is_explained_and_the_next_line_is_used() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "3", "--count", "2",
    ];
    let questions = learn_session(&args);
    let mut lines = vec!["banana".to_string(), "9".to_string()];
    lines.extend(questions[0].right());
    lines.extend(questions[1].right());
    let out = pmquiz(args).lines(&lines).run();
    out.success();
    let n = questions[0].options.len();
    assert_contains(
        &out.stdout,
        &format!(
            "Answer (1-{n}): \nCould not read \"banana\": answer with a number from 1 to {n} or a letter (empty: don't know): \nCould not read \"9\": answer with a number from 1 to {n} or a letter (empty: don't know): "
        ),
    );
    assert_contains(&out.stdout, "Score: 2/2 (100%)");

    // True/false questions say what they accept.
    let args = [
        "run",
        "--deck",
        "valid/statement.toml",
        "--kinds",
        "tf",
        "--seed",
        "1",
    ];
    let questions = learn_session(&args);
    let mut lines = vec!["maybe".to_string()];
    lines.extend(answers(&questions, &[true, true]));
    let out = pmquiz(args).lines(&lines).run();
    out.success();
    assert_contains(
        &out.stdout,
        "Answer (t/f): \nCould not read \"maybe\": answer t or f (empty: don't know): ",
    );
    assert_contains(&out.stdout, "Score: 2/2 (100%)");
}

#[test]
fn input_that_ends_early_gives_the_summary_of_what_was_answered() {
    let questions = learn_session(&SESSION);
    let lines = answers(&questions[..2], &[true, false]);
    let out = pmquiz(SESSION).lines(&lines).run();
    out.success();
    assert_contains(
        &out.stdout,
        "\nSummary\nSession ended early: 2 of 5 questions answered.\nScore: 1/2 (50%)   Time: ",
    );

    let out = pmquiz(args_with(&SESSION, &["--format", "json"]))
        .lines(&lines)
        .run();
    out.success();
    let summary = out.json();
    assert_eq!(summary["complete"], false);
    assert_eq!(summary["interrupted"], false);
    assert_eq!(summary["total"], 5);
    assert_eq!(summary["answered"], 2);
    assert_eq!(summary["correct"], 1);
    assert_eq!(results(&summary).len(), 2);
}

#[test]
fn no_input_at_all_gives_an_empty_summary() {
    let out = pmquiz(SESSION).run();
    out.success();
    assert_contains(
        &out.stdout,
        "\nSession ended early: 0 of 5 questions answered.\nScore: 0/0 (0%)   Time: ",
    );
    let summary = pmquiz(args_with(&SESSION, &["--format", "json"]))
        .run()
        .json();
    assert_eq!(summary["answered"], 0);
    assert_eq!(summary["percent"], 0.0);
    assert_eq!(summary["results"], serde_json::json!([]));
}

#[test]
fn the_same_seed_gives_the_same_session() {
    let args = ["run", "--seed", "42", "--count", "8", "--format", "json"];
    let lines = vec!["1"; 40];
    let first = pmquiz(args).lines(&lines).run();
    let second = pmquiz(args).lines(&lines).run();
    first.success();
    second.success();
    assert_eq!(
        first.stderr, second.stderr,
        "identical prompts and feedback"
    );
    let strip = |v: Value| -> Vec<Value> {
        results(&v)
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().unwrap().remove("seconds");
                r
            })
            .collect()
    };
    assert_eq!(strip(first.json()), strip(second.json()));
}

#[test]
fn different_seeds_give_different_sessions() {
    let one = learn_session(&["run", "--seed", "1", "--count", "8"]);
    let two = learn_session(&["run", "--seed", "2", "--count", "8"]);
    assert_ne!(one, two);
    let ids = |q: &[Asked]| q.iter().map(|q| q.card_id.clone()).collect::<Vec<_>>();
    assert_ne!(ids(&one), ids(&two));
}

#[test]
fn a_session_without_a_seed_prints_one_that_replays_it() {
    let out = pmquiz(["run", "--count", "6", "--format", "json"]).run();
    out.success();
    let seed = out.json()["seed"].as_u64().expect("a seed in the summary");
    let replay = pmquiz([
        "run",
        "--count",
        "6",
        "--format",
        "json",
        "--seed",
        &seed.to_string(),
    ])
    .run();
    assert_eq!(out.stderr, replay.stderr);
}

#[test]
fn count_sets_the_number_of_questions() {
    for count in [1, 3, 12] {
        let summary = pmquiz([
            "run",
            "--seed",
            "5",
            "--count",
            &count.to_string(),
            "--format",
            "json",
        ])
        .run()
        .json();
        assert_eq!(summary["total"], count, "--count {count}");
    }
    // The default is ten.
    let summary = pmquiz(["run", "--seed", "5", "--format", "json"])
        .run()
        .json();
    assert_eq!(summary["total"], 10);
}

#[test]
fn count_above_the_number_of_cards_asks_every_card_once() {
    let lines = vec!["x"; 200];
    let out = pmquiz([
        "run", "--deck", "faq", "--count", "50", "--kinds", "typed", "--seed", "9", "--format",
        "json",
    ])
    .lines(&lines)
    .run();
    out.success();
    let summary = out.json();
    assert_eq!(summary["total"], 20);
    let ids: BTreeSet<&str> = results(&summary)
        .iter()
        .map(|r| r["card_id"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<String> = (1..=20).map(|i| format!("faq-{i:02}")).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect());
}

#[test]
fn count_is_honoured_when_kinds_are_restricted() {
    for kind in ["tf", "mcq", "typed", "blank", "flash"] {
        let summary = pmquiz([
            "run", "--seed", "1", "--count", "10", "--kinds", kind, "--format", "json",
        ])
        .run()
        .json();
        assert_eq!(summary["total"], 10, "--kinds {kind}");
    }
}

/// The ids of every item (card, or table row) carrying `tag`, over the built-in decks.
fn tagged(tag: &str) -> BTreeSet<String> {
    tagged_of_kinds(
        tag,
        &["card", "term", "statement", "cloze", "choice", "table"],
    )
}

/// The ids of built-in cards (table rows: `TABLE/ROW`) of the given card kinds with `tag`.
fn tagged_of_kinds(tag: &str, kinds: &[&str]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for deck in ["differences", "definitions", "faq"] {
        let deck = pmquiz(["show", deck, "--format", "json"]).run().json();
        for card in deck["cards"].as_array().unwrap() {
            if !kinds.iter().any(|k| card["kind"] == *k) {
                continue;
            }
            let has = |v: &Value| v["tags"].as_array().unwrap().iter().any(|t| t == tag);
            let id = card["id"].as_str().unwrap();
            match card["rows"].as_array() {
                Some(rows) => {
                    for row in rows {
                        if has(card) || has(row) {
                            ids.insert(format!("{id}/{}", row["id"].as_str().unwrap()));
                        }
                    }
                }
                None if has(card) => {
                    ids.insert(id.to_string());
                }
                None => {}
            }
        }
    }
    ids
}

#[test]
fn tag_only_asks_cards_with_that_tag() {
    // Statements and choices are not asked as flashcards.
    let expected = tagged_of_kinds("faq", &["card", "term", "cloze", "table"]);
    assert!(expected.len() >= 20, "{expected:?}");
    // Flashcards: an empty line reveals, then a grade.
    let lines = ["", "3"].repeat(100);
    let out = pmquiz([
        "run", "--tag", "faq", "--count", "100", "--kinds", "flash", "--seed", "4", "--format",
        "json",
    ])
    .lines(&lines)
    .run();
    out.success();
    let summary = out.json();
    let asked: BTreeSet<String> = results(&summary)
        .iter()
        .map(|r| r["card_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(asked, expected);
    assert_eq!(summary["by_tag"]["faq"]["answered"], expected.len());

    // A smaller session only draws from the tagged cards too.
    let questions = learn_session(&["run", "--tag", "faq", "--seed", "8", "--count", "5"]);
    assert_eq!(questions.len(), 5);
    let expected = tagged("faq");
    assert!(
        questions.iter().all(|q| expected.contains(&q.card_id)),
        "{questions:#?}"
    );
}

#[test]
fn exam_mode_asks_only_questions_pmquiz_scores_itself() {
    let lines = vec![""; 60];
    let summary = pmquiz([
        "run", "--mode", "exam", "--count", "60", "--seed", "3", "--format", "json",
    ])
    .lines(&lines)
    .run()
    .json();
    assert_eq!(summary["answered"], 60);
    let kinds: BTreeSet<&str> = results(&summary)
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["blank", "mcq", "tf", "typed"]
    );
    let out = pmquiz(["run", "--mode", "exam", "--kinds", "flash"]).run();
    out.code(1);
    assert_contains(
        &out.stderr,
        "exam mode asks only questions that pmquiz scores itself (mcq, tf, blank, typed)",
    );
}

#[test]
fn exam_mode_gives_no_feedback_until_the_summary_reviews_every_question() {
    // An exam asks no flashcards: practice with the same kinds asks the same questions.
    let session = args_with(&SESSION, &["--kinds", "mcq,tf,blank,typed"]);
    let questions = learn_session(&session);
    let lines = answers(&questions, &[true, false, true, false, false]);
    let out = pmquiz(args_with(&session, &["--mode", "exam"]))
        .lines(&lines)
        .run();
    out.success();
    let (asking, summary) = out.stdout.split_once("\nSummary\n").expect("a summary");
    for verdict in [
        "✓",
        "✗",
        "Right",
        "Wrong",
        "The answer is",
        "Recalled",
        "Not yet",
    ] {
        assert_not_contains(asking, verdict);
    }
    // Not even the running score gives the answers away.
    assert_not_contains(asking, "score ");
    assert_contains(asking, "[5/5]  · ");
    assert_contains(summary, "Score: 2/5 (40%)");
    assert_contains(summary, "\nReview:\n");
    for (i, (q, right)) in questions
        .iter()
        .zip([true, false, true, false, false])
        .enumerate()
    {
        let first_line = q.prompt.lines().collect::<Vec<_>>().join(" / ");
        let mark = if right { "✓" } else { "✗" };
        assert_contains(summary, &format!("  {mark} {}. {first_line}\n", i + 1));
    }
    assert_contains(
        summary,
        "Replay this session: pmquiz run --seed 7 --count 5 --kinds mcq,tf,blank,typed --mode exam\n",
    );

    let json = pmquiz(args_with(&session, &["--mode", "exam", "--format", "json"]))
        .lines(&lines)
        .run();
    assert_eq!(json.json()["mode"], "exam");
    for verdict in ["✓", "✗", "The answer is"] {
        assert_not_contains(&json.stderr, verdict);
    }
}

#[test]
fn learn_mode_asks_a_missed_question_again_and_scores_first_attempts() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "5", "--count", "3",
    ];
    let questions = learn_session(&args);
    let mut lines = Vec::new();
    lines.extend(questions[0].wrong());
    lines.extend(questions[1].right());
    lines.extend(questions[2].right());
    // The missed question, asked again with its options in another order: answered by text.
    lines.push(questions[0].expected.clone());

    let out = pmquiz(args_with(&args, &["--mode", "learn"]))
        .lines(&lines)
        .run();
    out.success();
    let blocks = common::transcript(&out.stdout);
    let headers: Vec<&str> = blocks.iter().map(|b| b.header.as_str()).collect();
    assert_eq!(
        headers,
        [
            "[1/3]  score 0/0  · multiple choice",
            "[2/3]  score 0/1  · multiple choice",
            "[3/3]  score 1/2  · multiple choice",
            "[again, 1 left]  score 2/3  · multiple choice",
        ]
    );
    assert_eq!(
        out.stdout.matches(&questions[0].prompt).count(),
        3,
        "asked twice, listed once as missed"
    );
    let (first, again) = (&blocks[0].options, &blocks[3].options);
    assert_ne!(first, again, "the options come back in another order");
    let sorted = |o: &Vec<String>| {
        let mut o = o.clone();
        o.sort();
        o
    };
    assert_eq!(sorted(first), sorted(again));
    assert_contains(&out.stdout, "Score: 2/3 (67%)");

    let summary = pmquiz(args_with(&args, &["--mode", "learn", "--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    assert_eq!(summary["mode"], "learn");
    assert_eq!(summary["complete"], true);
    assert_eq!(summary["correct"], 2);
    let attempts: Vec<(bool, u64)> = results(&summary)
        .iter()
        .map(|r| {
            (
                r["correct"].as_bool().unwrap(),
                r["attempts"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(attempts, [(false, 2), (true, 1), (true, 1)]);
}

#[test]
fn learn_mode_is_incomplete_while_a_missed_question_is_pending() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "5", "--count", "2", "--mode", "learn",
    ];
    let questions = learn_session(&[
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "5", "--count", "2",
    ]);
    let lines = answers(&questions, &[false, true]);
    let summary = pmquiz(args_with(&args, &["--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    assert_eq!(summary["answered"], 2);
    assert_eq!(summary["complete"], false);
}

#[test]
fn every_kind_of_card_in_a_deck_file_can_be_answered_right() {
    let args = [
        "run",
        "--deck",
        "valid/mixed.toml",
        "--seed",
        "3",
        "--count",
        "6",
    ];
    let questions = learn_session(&args);
    assert_eq!(questions.len(), 6);
    let ids: BTreeSet<&str> = questions.iter().map(|q| q.card_id.as_str()).collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "hexagon",
            "osmosis",
            "pacific",
            "boiling",
            "closest",
            "pets/sound"
        ])
    );
    let summary = pmquiz(args_with(&args, &["--format", "json"]))
        .lines(&answers(&questions, &[true; 6]))
        .run()
        .json();
    assert_eq!(summary["correct"], 6, "{summary:#}");
}

#[test]
fn typed_answers_tolerate_case_and_small_typos_in_longer_answers() {
    let args = [
        "run",
        "--deck",
        "valid/card.toml",
        "--kinds",
        "typed",
        "--seed",
        "2",
    ];
    let questions = learn_session(&args);
    assert_eq!(questions.len(), 2);
    // Paris (5 letters) allows one typo; Rome (4 letters) allows none.
    let lines: Vec<String> = questions
        .iter()
        .map(|q| match q.card_id.as_str() {
            "france" => "PARISS".to_string(),
            "italy" => "Rone".to_string(),
            other => panic!("unexpected card {other}"),
        })
        .collect();
    let out = pmquiz(args_with(&args, &["--format", "json"]))
        .lines(&lines)
        .run();
    let summary = out.json();
    for r in results(&summary) {
        match r["card_id"].as_str().unwrap() {
            "france" => {
                assert_eq!(
                    (r["correct"].as_bool(), r["typo"].as_bool()),
                    (Some(true), Some(true))
                );
            }
            _ => assert_eq!(r["correct"], false),
        }
    }
    assert_contains(
        &out.stderr,
        "✓ Right, accepted, with a typo: the answer is Paris\n",
    );
    // Alternatives listed in `accept` are right, without a typo.
    let lines: Vec<&str> = questions
        .iter()
        .map(|q| {
            if q.card_id == "france" {
                "Paris, France"
            } else {
                "rome."
            }
        })
        .collect();
    let summary = pmquiz(args_with(&args, &["--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    assert_eq!(summary["correct"], 2);
    assert!(results(&summary).iter().all(|r| r["typo"] == false));
}

#[test]
fn several_blanks_are_answered_in_order_separated_by_semicolons() {
    let args = [
        "run",
        "--deck",
        "valid/cloze.toml",
        "--kinds",
        "blank",
        "--seed",
        "1",
    ];
    let out = pmquiz(args).lines(&["one hundred; celsius"]).run();
    out.success();
    assert_contains(
        &out.stdout,
        "Fill in the blank:\nWater boils at _____ degrees _____ at sea level.\nMissing words (2, separated by ;): one hundred; celsius\n✓ Right\n",
    );
    let out = pmquiz(args).lines(&["Celsius; 100"]).run();
    assert_contains(&out.stdout, "✗ Wrong. The answer is: 100; Celsius\n");
}

#[test]
fn feedback_shows_the_right_spelling_and_the_items_a_list_missed() {
    let args = [
        "run",
        "--deck",
        "valid/judging.toml",
        "--kinds",
        "typed",
        "--seed",
        "1",
    ];
    let questions = learn_session(&args);
    let lines: Vec<&str> = questions
        .iter()
        .map(|q| match q.card_id.as_str() {
            "greeting" => "como estas",
            _ => "inventory and machinery downtime",
        })
        .collect();
    let out = pmquiz(args).lines(&lines).run();
    out.success();
    assert_contains(&out.stdout, "✓ Right: accepted; spelled: ¿Cómo estás?\n");
    assert_contains(
        &out.stdout,
        "✗ Wrong. Missed: quality defects. The answer is: Machinery downtime, quality defects and inventory\n",
    );
    let lines: Vec<&str> = questions
        .iter()
        .map(|q| match q.card_id.as_str() {
            "greeting" => "¿Cómo estás?",
            _ => "inventory; quality defects; machinery downtime",
        })
        .collect();
    let summary = pmquiz(args_with(&args, &["--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    assert_eq!(summary["correct"], 2, "{summary:#}");
}

#[test]
fn flashcards_reveal_the_back_and_take_a_self_grade() {
    let args = [
        "run",
        "--deck",
        "valid/cloze.toml",
        "--kinds",
        "flash",
        "--seed",
        "1",
    ];
    let out = pmquiz(args).lines(&["", "5", "good"]).run();
    out.success();
    assert_contains(
        &out.stdout,
        "Recall the missing words:\nWater boils at _____ degrees _____ at sea level.\n(press Enter to reveal) \nWater boils at 100 degrees Celsius at sea level.\nHow well did you know it? 1) Again  2) Hard  3) Good  4) Easy: \nCould not read \"5\": answer 1 (again), 2 (hard), 3 (good) or 4 (easy): good\n✓ Recalled (Good)\n",
    );
    let out = pmquiz(args).lines(&["", "1"]).run();
    assert_contains(&out.stdout, "✗ Not yet (Again)\n");
    assert_contains(&out.stdout, "Score: 0/1 (0%)");
}

#[test]
fn an_unknown_kind_or_mode_is_a_usage_error() {
    let out = pmquiz(["run", "--kinds", "tf,bogus"]).run();
    out.code(2);
    assert_eq!(out.stdout, "");
    assert_contains(
        &out.stderr,
        "unknown question kind `bogus` (expected flash, mcq, tf, blank or typed)",
    );
    let out = pmquiz(["run", "--mode", "cram"]).run();
    out.code(2);
    assert_contains(
        &out.stderr,
        "unknown mode `cram` (expected practice, exam or learn)",
    );
}

#[test]
fn a_session_with_no_matching_cards_is_an_error() {
    let out = pmquiz(["run", "--tag", "no-such-tag"]).run();
    out.code(1);
    assert_eq!(
        out.stderr,
        "error: no questions match: the chosen decks have no cards with the given tags\n"
    );
    let out = pmquiz(["run", "--deck", "valid/statement.toml", "--kinds", "mcq"]).run();
    out.code(1);
    assert_eq!(
        out.stderr,
        "error: no questions match: the chosen decks have no cards that can be asked as the given kinds\n"
    );
    let out = pmquiz(["run", "--deck", "no-such-deck"]).run();
    out.code(1);
    assert_contains(&out.stderr, "error: no deck with id `no-such-deck`");
}

#[test]
fn a_punctuation_only_answer_can_be_answered_right() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("punct.toml"),
        "[deck]\nname = \"Punctuation\"\n\n[[card]]\nquestion = \"Which mark ends a question?\"\nanswer = \"?\"\n",
    )
    .unwrap();
    let out = pmquiz([
        "run",
        "--deck",
        "punct.toml",
        "--kinds",
        "typed",
        "--seed",
        "1",
        "--format",
        "json",
    ])
    .current_dir(dir.path())
    .lines(&["?"])
    .run();
    out.success();
    assert_eq!(out.json()["correct"], 1, "{}", out.stderr);
}

/// The scripted example in README.md and `pmquiz --help` answers every question it asks.
#[test]
fn the_documented_scripted_example_answers_all_three_questions() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example =
        "printf '1\\nt\\nb\\n' | pmquiz run --seed 5 --count 3 --kinds mcq,tf --format json";
    assert_contains(&readme, example);
    let out = pmquiz([
        "run", "--seed", "5", "--count", "3", "--kinds", "mcq,tf", "--format", "json",
    ])
    .lines(&["1".to_string(), "t".to_string(), "b".to_string()])
    .run();
    out.success();
    let json = out.json();
    assert_eq!(json["answered"], 3, "{json}");
    assert_eq!(json["complete"], true);
}

#[test]
fn a_scripted_line_equal_to_an_option_s_text_picks_that_option() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("numbers.toml");
    std::fs::write(
        &deck,
        "[deck]\nname = \"Numbers\"\n\n[[choice]]\nquestion = \"How many sides has a pentagon?\"\n\
         options = [\"3\", \"4\", \"5\"]\nanswer = \"5\"\n",
    )
    .unwrap();
    let deck = deck.to_str().unwrap();
    // `5` is the text of the third option (and no position); `3` is the first option's text,
    // not the third position.
    for (line, given, correct) in [("5", "5", true), ("3", "3", false)] {
        let out = pmquiz([
            "run", "--deck", deck, "--kinds", "mcq", "--count", "1", "--seed", "1", "--format",
            "json",
        ])
        .lines(&[line])
        .run();
        out.success();
        let summary = out.json();
        let result = &results(&summary)[0];
        assert_eq!(result["correct"], correct, "{line}: {summary}");
        assert_eq!(result["given"], given, "{line}: {summary}");
    }
}

#[test]
fn a_wrong_option_that_differs_in_accents_only_is_offered_and_wrong_when_typed() {
    // The card `year`: answer `año`, wrong option `ano`.
    let args = [
        "run",
        "--deck",
        "valid/accents.toml",
        "--kinds",
        "typed",
        "--count",
        "1",
        "--seed",
        "1",
    ];
    let out = pmquiz(args).lines(&["ano"]).run();
    out.success();
    assert_contains(&out.stdout, "✗ Wrong. The answer is: año\n");
    let out = pmquiz(args).lines(&["Año"]).run();
    assert_contains(&out.stdout, "✓ Right\n");

    // As multiple choice, both words are offered, and the option is picked by its own spelling.
    let args = [
        "run",
        "--deck",
        "valid/accents.toml",
        "--kinds",
        "mcq",
        "--seed",
        "3",
    ];
    let asked = learn_session(&args);
    assert_eq!(asked.len(), 2);
    for q in &asked {
        let mut options = q.options.clone();
        options.sort();
        match q.card_id.as_str() {
            "year" => assert_eq!(options, ["ano", "año"]),
            _ => assert_eq!(options, ["papa", "papá"]),
        }
    }
    let lines: Vec<&str> = asked
        .iter()
        .map(|q| if q.card_id == "year" { "ano" } else { "papá" })
        .collect();
    let summary = pmquiz(args.iter().copied().chain(["--format", "json"]))
        .lines(&lines)
        .run()
        .json();
    let correct: Vec<(String, bool)> = results(&summary)
        .iter()
        .map(|r| {
            (
                r["card_id"].as_str().unwrap().to_string(),
                r["correct"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        correct.contains(&("year".to_string(), false)),
        "{correct:?}"
    );
    assert!(correct.contains(&("dad".to_string(), true)), "{correct:?}");
}

#[test]
fn continuation_lines_of_a_multi_line_answer_and_explanation_are_indented_in_feedback() {
    let out = pmquiz([
        "run",
        "--deck",
        "valid/multiline.toml",
        "--kinds",
        "typed",
        "--no-save",
        "--seed",
        "1",
    ])
    .lines(&["x"])
    .run();
    out.success();
    assert_contains(
        &out.stdout,
        "✗ Wrong. The answer is: blue,\n                        sugar is sweet\n  A nursery rhyme.\n  Its first lines date from 1590.\n",
    );
}
