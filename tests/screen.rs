//! The full-screen study view in a real pseudo-terminal: keys are pressed as a person presses
//! them and the screen is read through a terminal emulator. One key answers a multiple-choice
//! or true/false question, two grade a flashcard Good; undo, override, skip, edit, quitting,
//! Ctrl-C and resizing work, and the history database shows what undo and override did.

#![cfg(unix)]

mod common;

use common::pty::Pty;
use common::{assert_contains, fixtures, learn_session};
use rusqlite::Connection;
use std::path::Path;
use tempfile::TempDir;

const ENTER: &str = "\r";
const CTRL_C: &str = "\x03";

fn start(args: &[&str], data: &TempDir) -> Pty {
    Pty::spawn(args, 80, 24, data.path(), &[])
}

/// Rows of the history: (card id, correct, rating, overridden).
fn answers(data: &Path) -> Vec<(String, bool, u8, bool)> {
    let conn = Connection::open(data.join("pmquiz.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT card_id, correct, rating, overridden FROM answers ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every schedule row, as stored.
fn schedules(data: &Path) -> Vec<Vec<rusqlite::types::Value>> {
    let conn = Connection::open(data.join("pmquiz.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT * FROM cards ORDER BY deck_id, card_id")
        .unwrap();
    stmt.query_map([], |r| {
        (0..9)
            .map(|i| r.get::<_, rusqlite::types::Value>(i))
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// `pmquiz sync FOLDER` on the data directory `data`.
fn sync(data: &Path, folder: &Path) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pmquiz"));
    common::sealed_env(&mut cmd, data);
    let out = cmd
        .args(["sync", folder.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Syncs `data` to a new device through a new folder; returns the new device's data directory.
fn another_device(data: &Path) -> TempDir {
    let (folder, other) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    sync(data, folder.path());
    sync(other.path(), folder.path());
    other
}

/// Cards with a schedule.
fn scheduled(data: &Path) -> usize {
    let conn = Connection::open(data.join("pmquiz.db")).unwrap();
    conn.query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

#[test]
fn one_key_answers_multiple_choice_and_the_summary_stays_on_the_normal_screen() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "21", "--count", "2",
    ];
    let questions = learn_session(&args);
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);

    p.wait_for(&questions[0].options[3]);
    assert!(p.alternate(), "the study view uses the alternate screen");
    p.send(&questions[0].right_option().to_string());
    let screen = p.wait_for("✓ Right");
    assert!(screen.contains("score 1/1"), "{screen}");
    p.send(" ");

    p.wait_for(&questions[1].options[3]);
    let right = questions[1].right_option();
    let wrong = if right == 1 { 2 } else { 1 };
    // A letter answers too: a is the first option, b the second.
    p.send(&char::from(b'a' + wrong as u8 - 1).to_string());
    p.wait_for("✗ Wrong. The answer is");
    p.send(ENTER);

    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.starts_with("Score 1/2 (50%) · 1 missed"), "{screen}");
    assert!(
        screen.contains("Replay: pmquiz run --seed 21 --count 2"),
        "{screen}"
    );
}

#[test]
fn true_false_by_letter_and_flashcards_with_space_space() {
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
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);
    for q in &questions {
        p.wait_for(&q.prompt);
        p.send(if q.expected == "true" { "t" } else { "f" });
        p.wait_for("✓ Right");
        p.send("x");
    }
    let (code, screen) = p.finish();
    assert_eq!(code, 0);
    assert!(
        screen.starts_with("Score 2/2 (100%) · no misses"),
        "{screen}"
    );

    // Space shows the answer, Space grades Good: two keys. The grades show their intervals.
    let args = ["run", "--deck", "valid/cloze.toml", "--kinds", "flash"];
    let mut p = start(&args, &data);
    p.wait_for("Recall the missing words:");
    p.send(" ");
    let screen = p.wait_for("100 degrees Celsius");
    assert!(
        screen.contains("1 Again 1m   2 Hard 6m   3 Good"),
        "{screen}"
    );
    p.send(" ");
    p.wait_for("✓ Recalled (Good)");
    p.send(" ");
    let (code, screen) = p.finish();
    assert_eq!(code, 0);
    assert!(screen.starts_with("Score 1/1 (100%)"), "{screen}");
    assert_eq!(answers(data.path())[2].2, 3, "graded Good");
}

#[test]
fn flashcard_grades_one_to_four() {
    let data = TempDir::new().unwrap();
    let mut p = start(
        &["run", "--deck", "valid/cloze.toml", "--kinds", "flash"],
        &data,
    );
    p.wait_for("Recall the missing words:");
    p.send(ENTER);
    p.wait_for("100 degrees Celsius");
    p.send("1");
    p.wait_for("✗ Not yet (Again)");
    p.send(ENTER);
    let (code, screen) = p.finish();
    assert_eq!(code, 0);
    assert!(screen.starts_with("Score 0/1 (0%) · 1 missed"), "{screen}");
    assert_eq!(answers(data.path()), [("boiling".into(), false, 1, false)]);
}

#[test]
fn typed_answers_are_edited_on_the_line_and_shown_with_a_diff() {
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
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);
    p.wait_for(&questions[0].prompt);
    // A word typed, then deleted with Ctrl-W; Home and a correction at the start.
    p.send("zzz wrong");
    p.send("\x17"); // Ctrl-W
    p.send("\x01"); // Ctrl-A
    p.send("\x0b"); // Ctrl-K: the line is empty again
    p.send(&questions[0].expected.to_lowercase());
    p.send(ENTER);
    p.wait_for("✓ Right");
    p.send(" ");
    p.wait_for(&questions[1].prompt);
    p.send("Rmoe");
    p.send(ENTER);
    let screen = p.wait_for("✗ Wrong");
    assert!(screen.contains("typed   Rmoe"), "{screen}");
    p.send(" ");
    let (code, screen) = p.finish();
    assert_eq!(code, 0);
    assert!(screen.starts_with("Score 1/2 (50%)"), "{screen}");
}

#[test]
fn undo_removes_the_answer_and_restores_the_schedule() {
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
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);
    p.wait_for(&questions[0].prompt);
    let wrong = if questions[0].expected == "true" {
        "f"
    } else {
        "t"
    };
    p.send(wrong);
    p.wait_for("✗ Wrong");
    p.wait_until("the answer recorded", |_| answers(data.path()).len() == 1);
    p.send("u");
    p.wait_for("Answer undone");
    assert!(answers(data.path()).is_empty());
    assert_eq!(scheduled(data.path()), 0, "the card is new again");
    // Asked again, answered right this time.
    let right = if questions[0].expected == "true" {
        "t"
    } else {
        "f"
    };
    p.send(right);
    p.wait_for("✓ Right");
    p.send(" ");
    p.wait_for(&questions[1].prompt);
    p.send("\x03");
    let (code, screen) = p.finish();
    assert_eq!(code, 130);
    assert!(screen.starts_with("Score 1/1 (100%)"), "{screen}");
    assert_eq!(
        answers(data.path()),
        [(questions[0].card_id.clone(), true, 3, false)]
    );
    // The undo is an event: another device gets the answer kept, not the one taken back.
    let other = another_device(data.path());
    assert_eq!(answers(other.path()), answers(data.path()));
    assert_eq!(schedules(other.path()), schedules(data.path()));
}

#[test]
fn override_counts_a_wrong_typed_answer_as_right() {
    let args = [
        "run",
        "--deck",
        "valid/card.toml",
        "--kinds",
        "typed",
        "--seed",
        "2",
        "--count",
        "1",
    ];
    let questions = learn_session(&args);
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);
    p.wait_for(&questions[0].prompt);
    p.send("something else entirely");
    p.send(ENTER);
    let screen = p.wait_for("✗ Wrong");
    assert!(screen.contains("o I was right"), "{screen}");
    p.send("o");
    p.wait_for("you overrode the check");
    p.send(ENTER);
    let (code, screen) = p.finish();
    assert_eq!(code, 0);
    assert!(
        screen.starts_with("Score 1/1 (100%) · no misses"),
        "{screen}"
    );
    // Recorded as right, with the rating a right answer gets, and marked as overridden.
    assert_eq!(
        answers(data.path()),
        [(questions[0].card_id.clone(), true, 3, true)]
    );
    // Another device gets the answer as overridden, with the same schedule.
    let other = another_device(data.path());
    assert_eq!(answers(other.path()), answers(data.path()));
    assert_eq!(schedules(other.path()), schedules(data.path()));
}

#[test]
fn skip_records_nothing_and_q_then_y_ends_the_session() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "4", "--count", "3",
    ];
    let questions = learn_session(&args);
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);
    p.wait_for(&questions[0].options[3]);
    p.send("s");
    p.wait_for(&questions[1].options[3]);
    p.send("q");
    p.wait_for("End the session? y/n");
    // Any other key goes on with the session.
    p.send("n");
    p.wait_until("the question back", |s| !s.contains("End the session?"));
    p.send("q");
    p.wait_for("End the session? y/n");
    p.send("y");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.starts_with("Score 0/0 (0%) · seed 4"), "{screen}");
    assert!(
        screen.contains("Ended early: 0 of 3 questions answered."),
        "{screen}"
    );
    assert!(
        screen.contains("Skipped: 1 (nothing recorded)."),
        "{screen}"
    );
    assert!(answers(data.path()).is_empty());
}

#[test]
fn ctrl_c_ends_at_once_with_the_summary_and_exit_code_130() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "4", "--count", "3",
    ];
    let questions = learn_session(&args);
    let data = TempDir::new().unwrap();
    let mut p = start(&args, &data);
    p.wait_for(&questions[0].options[3]);
    p.send(&questions[0].right_option().to_string());
    p.wait_for("✓ Right");
    p.send(" ");
    p.wait_for(&questions[1].options[3]);
    p.send(CTRL_C);
    let (code, screen) = p.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(screen.starts_with("Score 1/1 (100%)"), "{screen}");
    assert!(
        screen.contains("Ended early: 1 of 3 questions answered."),
        "{screen}"
    );
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_and_print_the_summary() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "4", "--count", "3",
    ];
    let questions = learn_session(&args);
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let data = TempDir::new().unwrap();
        let mut p = start(&args, &data);
        p.wait_for(&questions[0].options[3]);
        p.send(&questions[0].right_option().to_string());
        p.wait_for("✓ Right");
        p.send(" ");
        p.wait_for(&questions[1].options[3]);
        assert!(p.alternate());
        p.signal(signal);
        p.wait_until("the normal screen", |_| !p.alternate());
        let (code, screen) = p.finish();
        assert_eq!(code, 130, "signal {signal}: {screen}");
        assert!(screen.starts_with("Score 1/1 (100%)"), "{screen}");
        assert_eq!(answers(data.path()).len(), 1, "the answer given is kept");
    }
}

#[test]
fn the_mouse_wheel_scrolls_a_question_taller_than_the_screen() {
    let data = TempDir::new().unwrap();
    let deck = data.path().join("long.toml");
    let words: Vec<String> = (1..=60).map(|i| format!("word{i}")).collect();
    std::fs::write(
        &deck,
        format!(
            "[deck]\nname = \"Long\"\n\n[[card]]\nquestion = \"{}?\"\nanswer = \"yes\"\n",
            words.join(" ")
        ),
    )
    .unwrap();
    let args = [
        "run",
        "--deck",
        deck.to_str().unwrap(),
        "--kinds",
        "flash",
        "--count",
        "1",
    ];
    let mut p = Pty::spawn(&args, 40, 12, data.path(), &[]);
    p.wait_for("Space show answer");
    p.send(" ");
    let top = p.wait_for("↓ more: PgDn");
    let first = top.lines().nth(3).unwrap_or_default().to_string();
    // SGR mouse report of the wheel turned down (button 65) at column 5, row 5.
    p.send("\x1b[<65;5;5M");
    let scrolled = p.wait_for("↑");
    assert_ne!(
        scrolled.lines().nth(3).unwrap_or_default(),
        first,
        "{scrolled}"
    );
    // And back up (button 64) to the top.
    p.send("\x1b[<64;5;5M\x1b[<64;5;5M\x1b[<64;5;5M\x1b[<64;5;5M");
    let back = p.wait_for("↓ more: PgDn");
    assert_eq!(back.lines().nth(3).unwrap_or_default(), first, "{back}");
}

#[test]
fn ctrl_c_with_json_output_still_prints_the_summary_object() {
    let args = [
        "run", "--deck", "faq", "--kinds", "typed", "--seed", "4", "--count", "3",
    ];
    let questions = learn_session(&args);
    let data = TempDir::new().unwrap();
    let mut with_json = args.to_vec();
    with_json.extend(["--format", "json"]);
    let mut p = Pty::spawn(&with_json, 200, 24, data.path(), &[]);
    p.wait_for(&questions[0].prompt);
    p.send(CTRL_C);
    let (code, screen) = p.finish();
    assert_eq!(code, 130, "{screen}");
    let line = screen
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("a JSON line");
    let summary: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["answered"], 0);
    assert_eq!(summary["total"], 3);
}

/// Every row of the screen fits, the header is drawn once, and one option is highlighted.
#[track_caller]
fn check_layout(screen: &str, cols: usize, prompt_start: &str) {
    for line in screen.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= cols,
            "a row wider than {cols}:\n{screen}"
        );
    }
    assert_eq!(screen.matches("question 1/").count(), 1, "{screen}");
    assert_eq!(screen.matches(prompt_start).count(), 1, "{screen}");
    assert_eq!(screen.matches('❯').count(), 1, "{screen}");
}

#[test]
fn resizing_redraws_the_whole_screen() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "21", "--count", "2",
    ];
    let questions = learn_session(&args);
    let start_of_prompt: String = questions[0].prompt.chars().take(12).collect();
    let data = TempDir::new().unwrap();
    let mut p = Pty::spawn(&args, 80, 24, data.path(), &[]);
    let screen = p.wait_for(&questions[0].options[3]);
    check_layout(&screen, 80, &start_of_prompt);
    p.send("j");
    for (cols, rows) in [(40, 15), (200, 60), (80, 24), (40, 15)] {
        p.resize(cols, rows);
        // Redrawn for the new size: the footer on the last row.
        p.wait_until(&format!("a whole redraw at {cols}x{rows}"), |screen| {
            p.rows().last().is_some_and(|l| l.contains("? keys"))
                && screen.starts_with("Production vs. operation")
                && screen.contains("4  ")
        });
        let screen = p.screen();
        check_layout(&screen, usize::from(cols), &start_of_prompt);
        assert!(screen.contains("question 1/2"), "{screen}");
    }
    p.send(CTRL_C);
    assert_eq!(p.finish().0, 130);
}

#[test]
fn the_editor_key_opens_the_card_at_its_line_and_reloads_it() {
    let dir = TempDir::new().unwrap();
    let deck = dir.path().join("capitals.toml");
    std::fs::copy(fixtures().join("valid/card.toml"), &deck).unwrap();
    let editor = dir.path().join("fake-editor");
    let log = dir.path().join("editor-args");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nsed -i 's/capital of Italy/capital city of Italy/' \"$2\"\n",
            log.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&editor).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&editor, perms).unwrap();

    let deck_arg = deck.to_str().unwrap();
    let args = ["run", "--deck", deck_arg, "--kinds", "typed", "--seed", "2"];
    let questions = learn_session(&args);
    let italy = questions.iter().position(|q| q.card_id == "italy").unwrap();
    let data = TempDir::new().unwrap();
    let mut p = Pty::spawn(
        &args,
        80,
        24,
        data.path(),
        &[("EDITOR", editor.to_str().unwrap())],
    );
    for q in &questions[..italy] {
        p.wait_for(&q.prompt);
        p.send(&q.expected);
        p.send(ENTER);
        p.wait_for("✓ Right");
        p.send(" ");
    }
    p.wait_for("What is the capital of Italy?");
    p.send("\x0f"); // Ctrl-O on the answer line
    p.wait_for("What is the capital city of Italy?");
    p.wait_for("Card saved and reloaded.");
    // The editor was started at the card's line: `[[card]]` of `italy` is line 12.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.trim(), format!("+12 {}", deck.display()));
    p.send("Rome");
    p.send(ENTER);
    p.wait_for("✓ Right");

    // A broken edit: the diagnostic is shown and the card stays as it was.
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/^answer = \"Rome\"/answer = /' \"$2\"\n",
    )
    .unwrap();
    p.send("e");
    let screen = p.wait_for("The edit was not taken");
    assert!(screen.contains("capitals.toml:15"), "{screen}");
    p.send(CTRL_C);
    assert_eq!(p.finish().0, 130);
}

#[test]
fn a_dumb_terminal_gets_the_line_mode() {
    let data = TempDir::new().unwrap();
    let mut p = Pty::spawn(
        &["run", "--deck", "valid/choice.toml", "--kinds", "mcq"],
        80,
        24,
        data.path(),
        &[("TERM", "dumb")],
    );
    p.wait_for("Answer (1-4):");
    assert!(!p.alternate());
    p.send("1");
    p.send(ENTER);
    let (code, screen) = p.finish();
    assert_eq!(code, 0);
    assert!(screen.contains("Score: "), "{screen}");
}

#[test]
fn a_narrow_terminal_gets_the_line_mode() {
    let data = TempDir::new().unwrap();
    let mut p = Pty::spawn(
        &["run", "--deck", "valid/choice.toml", "--kinds", "mcq"],
        29,
        24,
        data.path(),
        &[],
    );
    p.wait_for("Answer (1-4):");
    assert!(!p.alternate());
    p.send(CTRL_C);
    assert_eq!(p.finish().0, 130);
}

#[test]
fn forget_asks_on_a_short_line_that_narrow_screens_do_not_break() {
    let data = TempDir::new().unwrap();
    let mut p = Pty::spawn(&["forget", "faq"], 40, 15, data.path(), &[]);
    p.wait_for("Clear it?");
    p.send("y");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    // The question wraps once, as text; the prompt is one line, answered once.
    assert_eq!(screen.matches("This clears").count(), 1, "{screen}");
    assert_eq!(screen.matches("Clear it?").count(), 1, "{screen}");
    assert_contains(&screen, "Cleared the schedule of 0 cards in `faq`");
}
