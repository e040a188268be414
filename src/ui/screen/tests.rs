//! Rendering tests: every kind of question, feedback, the review counts and the overlays drawn
//! into ratatui's test backend at 40x15, 80x24 and 120x40, compared with the reviewed snapshots
//! in `snapshots/` (`PMQUIZ_UPDATE_SNAPSHOTS=1 cargo test --lib screen` rewrites them).

use super::draw::{draw, fit};
use super::keys::Key;
use super::view::{Counts, Feedback, View};
use crate::quiz::{Body, Grade, Kind, Question, Verdict};
use crate::session::{Mode, Progress};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use std::path::PathBuf;
use std::time::Duration;

const SIZES: [(u16, u16); 3] = [(40, 15), (80, 24), (120, 40)];

fn progress(number: usize, answered: usize, correct: usize) -> Progress {
    Progress {
        number,
        total: 10,
        answered,
        correct,
        retry: false,
        remaining: 10 - answered,
        show_score: true,
    }
}

fn question(kind: Kind, prompt: &str, body: Body, explain: Option<&str>) -> Question {
    Question {
        deck_id: "faq".into(),
        card_id: "card".into(),
        kind,
        prompt: prompt.into(),
        body,
        explain: explain.map(String::from),
        tags: vec!["planning".into()],
    }
}

fn mcq() -> Question {
    question(
        Kind::Mcq,
        "Which kind of management is concerned with planning, organising and controlling the \
         activities that turn raw materials into finished goods?",
        Body::Choice {
            options: vec![
                "Operation management".into(),
                "Production management, which looks after the manufacturing process from raw \
                 materials to finished goods"
                    .into(),
                "Marketing management".into(),
                "Financial management".into(),
            ],
            correct: 1,
        },
        Some(
            "Production management deals with the making of goods; operation management \
             covers every activity that creates goods or services.",
        ),
    )
}

fn tf() -> Question {
    question(
        Kind::Tf,
        "True or false: operation management applies to service businesses as well as to \
         manufacturing.",
        Body::TrueFalse { answer: true },
        None,
    )
}

fn typed() -> Question {
    question(
        Kind::Typed,
        "What is the name for a measurable value that shows how well a process meets its \
         objectives?",
        Body::Typed {
            accepted: vec!["Key performance indicator".into(), "KPI".into()],
            keywords: Vec::new(),
            list: false,
            rejected: Vec::new(),
        },
        Some("KPIs let managers compare performance against targets."),
    )
}

fn blank() -> Question {
    question(
        Kind::Blank,
        "Production management turns _____ into _____.",
        Body::Blank {
            blanks: vec![vec!["inputs".into()], vec!["outputs".into()]],
            any_order: Vec::new(),
        },
        None,
    )
}

fn flash() -> Question {
    question(
        Kind::Flash,
        "What is the main goal of operation management?",
        Body::Flash {
            back: "To run the organisation's processes efficiently, delivering goods and \
                   services of the right quality at the lowest cost."
                .into(),
        },
        None,
    )
}

fn view(q: Question) -> View {
    let mut v = View::new(
        "faq, definitions".into(),
        Mode::Practice,
        q,
        progress(3, 2, 1),
    );
    v.elapsed = Duration::from_secs(83);
    v.can_undo = true;
    v
}

fn press(v: &mut View, keys: &str) {
    for c in keys.chars() {
        v.press(Key::Char(c));
    }
}

fn render(v: &View, width: u16, height: u16) -> Buffer {
    let mut v = v.clone();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    fit(&mut v, width, height);
    terminal.draw(|f| draw(f, &v)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen's text, one line per row, with trailing spaces trimmed.
fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Renders `v` at every size and compares with `snapshots/NAME.txt`.
#[track_caller]
fn snapshot(name: &str, v: &View) {
    let mut actual = String::new();
    for (w, h) in SIZES {
        actual.push_str(&format!("=== {w}x{h}\n"));
        actual.push_str(&text(&render(v, w, h)));
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/ui/screen/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("PMQUIZ_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; PMQUIZ_UPDATE_SNAPSHOTS=1 writes it:\n{actual}",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from {}\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

fn feedback(verdict: Verdict, given: &str, chosen: Option<usize>) -> Feedback {
    Feedback {
        verdict,
        given: given.into(),
        grade: None,
        chosen,
        next: Some("10m".into()),
        overridden: false,
        note: None,
    }
}

#[test]
fn multiple_choice() {
    let mut v = view(mcq());
    press(&mut v, "j");
    snapshot("mcq", &v);
}

#[test]
fn multiple_choice_wrong_answer_feedback() {
    let mut v = view(mcq());
    v.show_feedback(
        feedback(Verdict::Wrong, "Operation management", Some(0)),
        progress(3, 3, 1),
    );
    snapshot("mcq-feedback-wrong", &v);
}

#[test]
fn true_false() {
    snapshot("tf", &view(tf()));
}

#[test]
fn true_false_right_answer_feedback() {
    let mut v = view(tf());
    v.show_feedback(feedback(Verdict::Right, "true", Some(0)), progress(3, 3, 2));
    snapshot("tf-feedback-right", &v);
}

#[test]
fn typed_answer_being_written() {
    let mut v = view(typed());
    press(
        &mut v,
        "key performance indicater for every process in the plant",
    );
    snapshot("typed", &v);
}

#[test]
fn typed_answer_wrong_with_a_diff() {
    let mut v = view(typed());
    press(&mut v, "key performance indicater");
    v.show_feedback(
        feedback(Verdict::Wrong, "key performance indicater", None),
        progress(3, 3, 1),
    );
    snapshot("typed-feedback-wrong", &v);
}

#[test]
fn typed_answer_with_a_typo() {
    let mut v = view(typed());
    v.show_feedback(
        feedback(Verdict::RightWithTypo, "Key performence indicator", None),
        progress(3, 3, 2),
    );
    snapshot("typed-feedback-typo", &v);
}

#[test]
fn fill_in_the_blanks() {
    let mut v = view(blank());
    press(&mut v, "inputs; out");
    snapshot("blank", &v);
}

#[test]
fn flashcard_front_and_back() {
    let mut v = view(flash());
    snapshot("flash-front", &v);
    press(&mut v, " ");
    v.intervals = Some(["<1m", "6m", "2d", "8d"].map(String::from));
    snapshot("flash-back", &v);
}

#[test]
fn flashcard_graded() {
    let mut v = view(flash());
    press(&mut v, " ");
    v.show_feedback(
        Feedback {
            grade: Some(Grade::Good),
            ..feedback(Verdict::Right, "Good", None)
        },
        progress(3, 3, 2),
    );
    snapshot("flash-feedback", &v);
}

#[test]
fn review_counts_in_the_header() {
    let mut v = view(typed());
    v.counts = Some(Counts {
        new: 3,
        learning: 1,
        review: 12,
    });
    snapshot("review-counts", &v);
}

#[test]
fn help_and_quit_boxes() {
    let mut v = view(mcq());
    press(&mut v, "?");
    snapshot("help", &v);
    let mut v = view(mcq());
    press(&mut v, "q");
    snapshot("confirm-quit", &v);
}

#[test]
fn exam_mode_and_learn_mode_retries() {
    let mut v = view(tf());
    v.mode = Mode::Exam;
    v.progress.show_score = false;
    v.notice = Some("Undid the answer to question 2.".into());
    snapshot("exam-notice", &v);
}

#[test]
fn a_long_question_scrolls_and_keeps_the_answer_line() {
    let long = "The comparison chart sets production management against operation \
                management point by point. "
        .repeat(6);
    let mut v = view(question(
        Kind::Typed,
        &long,
        Body::Typed {
            accepted: vec!["x".into()],
            keywords: Vec::new(),
            list: false,
            rejected: Vec::new(),
        },
        None,
    ));
    press(&mut v, "draft");
    for (w, h) in SIZES {
        let top = text(&render(&v, w, h));
        let mut scrolled = v.clone();
        for _ in 0..3 {
            fit(&mut scrolled, w, h);
            scrolled.press(Key::PageDown);
        }
        let bottom = text(&render(&scrolled, w, h));
        // The answer line stays in view, and the end of the question comes into it.
        assert!(top.contains("› draft"), "{top}");
        assert!(bottom.contains("› draft"), "{bottom}");
        if w == 40 {
            assert!(top.contains("↓ more: PgDn"), "{top}");
            assert!(bottom.contains("↑ PgUp"), "{bottom}");
            assert!(bottom.contains("point by point."), "{bottom}");
        }
    }
}

#[test]
fn the_highlighted_option_stays_in_view() {
    let options: Vec<String> = (1..=9)
        .map(|i| format!("Option number {i}, long enough to wrap on a narrow screen"))
        .collect();
    let mut v = view(question(
        Kind::Mcq,
        "Pick one",
        Body::Choice {
            options,
            correct: 0,
        },
        None,
    ));
    for _ in 0..8 {
        v.press(Key::Down);
    }
    let screen = text(&render(&v, 40, 15));
    assert!(screen.contains("❯ 9  Option number 9"), "{screen}");
}

#[test]
fn nothing_is_left_behind_after_a_resize() {
    let v = view(mcq());
    let mut v2 = v.clone();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for (w, h) in [(120, 40), (40, 15), (80, 24), (200, 60), (40, 15)] {
        terminal.backend_mut().resize(w, h);
        fit(&mut v2, w, h);
        terminal.draw(|f| draw(f, &v2)).unwrap();
        assert_eq!(
            text(terminal.backend().buffer()),
            text(&render(&v, w, h)),
            "{w}x{h}"
        );
    }
}

#[test]
fn a_screen_too_small_says_so() {
    let screen = text(&render(&view(mcq()), 25, 10));
    assert!(
        screen.starts_with("Make the window at least\n30x8"),
        "{screen}"
    );
}

#[test]
fn right_is_green_wrong_is_red_and_no_color_keeps_the_marks() {
    let mut v = view(mcq());
    v.show_feedback(
        feedback(Verdict::Wrong, "Operation management", Some(0)),
        progress(3, 3, 1),
    );
    let find = |buffer: &Buffer, mark: &str| -> Color {
        let area = buffer.area;
        (0..area.height)
            .flat_map(|y| (0..area.width).map(move |x| (x, y)))
            .find(|&p| buffer[p].symbol() == mark)
            .map(|p| buffer[p].fg)
            .unwrap_or_else(|| panic!("no {mark} on screen"))
    };
    let colored = render(&v, 80, 24);
    assert_eq!(find(&colored, "✓"), Color::Green);
    assert_eq!(find(&colored, "✗"), Color::Red);
    v.color = false;
    let plain = render(&v, 80, 24);
    assert_eq!(find(&plain, "✓"), Color::Reset);
    assert_eq!(find(&plain, "✗"), Color::Reset);
    assert_eq!(
        text(&plain),
        text(&colored),
        "the same layout without colour"
    );
}
