//! The interactive front end, driven through a pseudo-terminal: arrow keys and Enter pick
//! options, typed answers are edited on a line, and Ctrl-C ends the session with its summary.

#![cfg(unix)]

mod common;

use common::{fixtures, learn_session, sealed_env};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::process::Command;
use tempfile::TempDir;

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const ENTER: &str = "\r";
const TIMEOUT_MS: u64 = 20_000;

/// Starts `pmquiz ARGS` on a pseudo-terminal, in the sealed environment of the other tests.
fn spawn(args: &[&str]) -> (PtySession, TempDir) {
    let data = TempDir::new().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pmquiz"));
    sealed_env(&mut cmd, data.path());
    cmd.env("TERM", "xterm")
        .env("COLUMNS", "100")
        .env("LINES", "40")
        .args(args)
        .current_dir(fixtures());
    let session = spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn pmquiz on a pty");
    (session, data)
}

/// rexpect hands each byte of output over as one `char`, and the terminal turns line feeds into
/// CR LF: write expected text the same way.
fn raw(text: &str) -> String {
    text.replace('\n', "\r\n").bytes().map(char::from).collect()
}

/// Waits until `text` has been printed.
fn expect(p: &mut PtySession, text: &str) {
    if let Err(e) = p.exp_string(&raw(text)) {
        panic!("did not see {text:?}: {e}");
    }
}

fn send(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("send keys");
    p.flush().expect("flush keys");
}

/// Waits for pmquiz to exit, returning the rest of its output and its exit code.
fn finish(p: &mut PtySession) -> (String, i32) {
    let rest = p.exp_eof().expect("pmquiz exits");
    match p.process().wait().expect("wait for pmquiz") {
        WaitStatus::Exited(_, code) => (rest, code),
        other => panic!("pmquiz did not exit normally: {other:?}\n{rest}"),
    }
}

#[test]
fn arrow_keys_and_enter_answer_multiple_choice_questions() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "21", "--count", "2",
    ];
    let questions = learn_session(&args);
    assert_eq!(questions.len(), 2);
    let (mut p, _data) = spawn(&args);

    // First question: move down to the right option (the cursor starts on the first).
    expect(&mut p, &questions[0].prompt);
    expect(&mut p, &questions[0].options[3]);
    let right = questions[0].right_option();
    send(&mut p, &DOWN.repeat(right - 1));
    send(&mut p, ENTER);
    expect(&mut p, "✓ Right");

    // Second question: go past the right option, then back up to a wrong one.
    expect(&mut p, &questions[1].prompt);
    expect(&mut p, &questions[1].options[3]);
    let right = questions[1].right_option();
    let wrong = if right == 1 { 2 } else { right - 1 };
    send(&mut p, &DOWN.repeat(3));
    send(&mut p, &UP.repeat(4 - wrong));
    send(&mut p, ENTER);
    expect(&mut p, "✗ Wrong. The answer is: ");
    expect(&mut p, &questions[1].expected);

    expect(&mut p, "Summary");
    expect(&mut p, "Score: 1/2 (50%)");
    let (rest, code) = finish(&mut p);
    assert_eq!(code, 0, "{rest}");
    assert!(
        rest.contains("Replay this session: pmquiz run --seed 21 --count 2"),
        "{rest}"
    );
}

#[test]
fn typed_answers_are_entered_on_a_line() {
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
    let (mut p, _data) = spawn(&args);
    for q in &questions {
        expect(&mut p, &q.prompt);
        expect(&mut p, "Your answer");
        // A typo fixed with Backspace before Enter.
        send(&mut p, &format!("{}x\x7f", q.expected.to_lowercase()));
        send(&mut p, ENTER);
        expect(&mut p, "✓ Right");
    }
    expect(&mut p, "Summary");
    expect(&mut p, "Score: 2/2 (100%)");
    expect(&mut p, "No misses. Well done!");
    let (rest, code) = finish(&mut p);
    assert_eq!(code, 0, "{rest}");
}

#[test]
fn ctrl_c_mid_session_prints_the_summary_and_exits_130() {
    let args = [
        "run", "--deck", "faq", "--kinds", "mcq", "--seed", "4", "--count", "3",
    ];
    let questions = learn_session(&args);
    assert_eq!(questions.len(), 3);
    let (mut p, _data) = spawn(&args);

    expect(&mut p, &questions[0].prompt);
    expect(&mut p, &questions[0].options[3]);
    send(&mut p, &DOWN.repeat(questions[0].right_option() - 1));
    send(&mut p, ENTER);
    expect(&mut p, "✓ Right");

    expect(&mut p, &questions[1].prompt);
    expect(&mut p, &questions[1].options[3]);
    send(&mut p, "\x03");

    expect(&mut p, "Summary");
    expect(&mut p, "Session ended early: 1 of 3 questions answered.");
    expect(&mut p, "Score: 1/1 (100%)");
    let (rest, code) = finish(&mut p);
    assert_eq!(code, 130, "{rest}");
}

#[test]
fn ctrl_c_with_json_output_still_prints_the_summary_object() {
    let args = [
        "run", "--deck", "faq", "--kinds", "typed", "--seed", "4", "--count", "3", "--format",
        "json",
    ];
    let questions = learn_session(&args[..args.len() - 2]);
    let (mut p, _data) = spawn(&args);
    expect(&mut p, &questions[0].prompt);
    expect(&mut p, "Your answer");
    send(&mut p, "\x03");
    let (rest, code) = finish(&mut p);
    assert_eq!(code, 130, "{rest}");
    // The pseudo-terminal carries stdout and stderr alike: find the summary line.
    let start = rest
        .find("{\"")
        .unwrap_or_else(|| panic!("no JSON summary in:\n{rest}"));
    let line = rest[start..].lines().next().unwrap();
    let summary: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["complete"], false);
    assert_eq!(summary["answered"], 0);
    assert_eq!(summary["total"], 3);
}

#[test]
fn true_false_and_flashcards_are_answered_from_select_lists() {
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
    assert_eq!(questions.len(), 2);
    let (mut p, _data) = spawn(&args);
    for q in &questions {
        expect(&mut p, &q.prompt);
        expect(&mut p, "False");
        // The list offers True then False.
        if q.expected == "false" {
            send(&mut p, DOWN);
        }
        send(&mut p, ENTER);
        expect(&mut p, "✓ Right");
    }
    expect(&mut p, "Score: 2/2 (100%)");
    assert_eq!(finish(&mut p).1, 0);

    let (mut p, _data) = spawn(&["run", "--deck", "valid/choice.toml", "--kinds", "flash"]);
    expect(&mut p, "Which planet is closest to the Sun?");
    expect(&mut p, "Press Enter to reveal");
    send(&mut p, ENTER);
    expect(&mut p, "Mercury");
    expect(&mut p, "Easy");
    // Again, Hard, Good, Easy: two steps down is Good.
    send(&mut p, &DOWN.repeat(2));
    send(&mut p, ENTER);
    expect(&mut p, "✓ Recalled (Good)");
    expect(&mut p, "Score: 1/1 (100%)");
    assert_eq!(finish(&mut p).1, 0);
}

#[test]
fn escape_in_a_select_list_ends_the_session_like_ctrl_c() {
    let (mut p, _data) = spawn(&["run", "--deck", "valid/choice.toml", "--kinds", "mcq"]);
    expect(&mut p, "Which planet is closest to the Sun?");
    expect(&mut p, "Earth");
    send(&mut p, "\x1b");
    expect(&mut p, "Session ended early: 0 of 1 questions answered.");
    let (rest, code) = finish(&mut p);
    assert_eq!(code, 130, "{rest}");
}
