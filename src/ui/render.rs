//! Text for people: question headers, feedback and the end-of-session summary.

use crate::quiz::{Body, Kind, Note, Question, Verdict};
use crate::session::{Attempt, Progress, Summary};
use crate::ui::text;
use console::style;
use std::fmt::Write as _;
use std::time::Duration;

/// `[3/10]  score 2/2  · multiple choice`; in exam mode without the score; a question asked
/// again in learn mode says so and how many are left.
pub(crate) fn header(progress: &Progress, question: &Question) -> String {
    let place = if progress.retry {
        format!("[again, {} left]", progress.remaining)
    } else {
        format!("[{}/{}]", progress.number, progress.total)
    };
    let score = if progress.show_score {
        format!("  score {}/{}", progress.correct, progress.answered)
    } else {
        String::new()
    };
    format!(
        "{}{score}  · {}",
        style(place).bold(),
        question.kind.label()
    )
}

/// The question as plain text, with numbered options and how to answer.
pub(crate) fn question_text(question: &Question) -> String {
    let mut out = format!("{}\n", style(&question.prompt).bold());
    match &question.body {
        Body::Choice { options, .. } => {
            for (i, o) in options.iter().enumerate() {
                let _ = writeln!(out, "  {}) {o}", i + 1);
            }
            let _ = write!(out, "Answer (1-{}): ", options.len());
        }
        Body::TrueFalse { .. } => out.push_str("Answer (t/f): "),
        Body::Blank { blanks, .. } if blanks.len() > 1 => {
            let _ = write!(out, "Missing words ({}, separated by ;): ", blanks.len());
        }
        Body::Blank { .. } => out.push_str("Missing word(s): "),
        Body::Typed { .. } => out.push_str("Your answer: "),
        Body::Flash { .. } => out.push_str("(press Enter to reveal) "),
    }
    out
}

/// The grading line shown after a flashcard's back.
pub(crate) fn grade_prompt() -> &'static str {
    "How well did you know it? 1) Again  2) Hard  3) Good  4) Easy: "
}

/// Right or wrong, the right answer, and the explanation.
pub(crate) fn feedback(question: &Question, attempt: &Attempt) -> String {
    let mut out = String::new();
    let expected = question.expected();
    match (attempt.outcome.verdict, question.kind) {
        (Verdict::Right, Kind::Flash) => {
            let _ = writeln!(
                out,
                "{} ({})",
                style("✓ Recalled").green().bold(),
                attempt.outcome.given
            );
        }
        (Verdict::Wrong, Kind::Flash) => {
            let _ = writeln!(out, "{} (Again)", style("✗ Not yet").red().bold());
        }
        (Verdict::Right, _) => match &attempt.outcome.note {
            Some(Note::Spelled(spelled)) => {
                let _ = writeln!(
                    out,
                    "{} accepted; spelled: {}",
                    style("✓ Right:").green().bold(),
                    style(text::hanging(spelled, "✓ Right: accepted; spelled: ")).bold()
                );
            }
            _ => {
                let _ = writeln!(out, "{}", style("✓ Right").green().bold());
            }
        },
        (Verdict::RightWithTypo, _) => {
            let _ = writeln!(
                out,
                "{} accepted, with a typo: the answer is {}",
                style("✓ Right,").green().bold(),
                style(text::hanging(
                    &expected,
                    "✓ Right, accepted, with a typo: the answer is "
                ))
                .bold()
            );
        }
        (Verdict::Wrong, _) => {
            let missed = match &attempt.outcome.note {
                Some(Note::Missed(items)) => format!("Missed: {}. ", items.join(", ")),
                _ => String::new(),
            };
            let lead = format!("✗ Wrong. {missed}The answer is: ");
            let _ = writeln!(
                out,
                "{} {missed}The answer is: {}",
                style("✗ Wrong.").red().bold(),
                style(text::hanging(&expected, &lead)).bold()
            );
        }
    }
    if let Some(explain) = &question.explain {
        // Each line of a multi-line explanation is wrapped and indented on its own.
        let width = terminal_width().map(|w| w.saturating_sub(2));
        for line in explain.lines().flat_map(|l| wrap(l, width)) {
            let _ = writeln!(out, "{}", format!("  {}", style(line).dim()).trim_end());
        }
    }
    out
}

/// The width of the terminal pmquiz draws on, if it draws on one.
fn terminal_width() -> Option<usize> {
    console::Term::stdout()
        .size_checked()
        .or_else(|| console::Term::stderr().size_checked())
        .map(|(_, w)| usize::from(w))
}

/// Splits `text` into lines of at most `width` characters at spaces (a longer word stands alone).
pub(crate) fn wrap(text: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.filter(|w| *w >= 20) else {
        return vec![text.to_string()];
    };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// Every line of `text` on one line, separated by ` / `.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines.join(" / ")
}

/// The end-of-session summary. In exam mode every question is reviewed, otherwise the missed ones.
pub(crate) fn summary(
    summary: &Summary,
    seed: u64,
    elapsed: Duration,
    replay: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", style("Summary").bold().underlined());
    if !summary.complete {
        let _ = writeln!(
            out,
            "Session ended early: {} of {} questions answered.",
            summary.answered, summary.total
        );
    }
    let retries = if summary.retries > 0 {
        format!("   Retries: {}", summary.retries)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Score: {}/{} ({:.0}%){retries}   Time: {}   Seed: {seed}",
        summary.correct,
        summary.answered,
        summary.percent(),
        duration(elapsed)
    );
    if summary.answered == 0 {
        return out;
    }
    let width = summary
        .by_tag
        .keys()
        .map(|t| t.chars().count())
        .chain([17])
        .max()
        .unwrap_or(17);
    let _ = writeln!(out, "\nBy kind:");
    for (kind, tally) in &summary.by_kind {
        let label = kind
            .parse::<Kind>()
            .map_or_else(|_| kind.clone(), |k| k.label().to_string());
        let _ = writeln!(
            out,
            "  {label:<width$}  {}/{}",
            tally.correct, tally.answered
        );
    }
    if !summary.by_tag.is_empty() {
        let _ = writeln!(out, "By tag:");
    }
    for (tag, tally) in &summary.by_tag {
        let _ = writeln!(out, "  {tag:<width$}  {}/{}", tally.correct, tally.answered);
    }
    let exam = summary.mode == crate::session::Mode::Exam;
    let listed: Vec<_> = summary
        .results
        .iter()
        .filter(|r| exam || !r.correct)
        .collect();
    if !listed.is_empty() {
        let _ = writeln!(out, "\n{}", if exam { "Review:" } else { "Missed:" });
        for r in listed {
            let mark = if r.correct {
                style("✓").green()
            } else {
                style("✗").red()
            };
            let _ = writeln!(out, "  {mark} {}. {}", r.number, one_line(&r.prompt));
            let given = if r.given.is_empty() {
                "(no answer)"
            } else {
                r.given.as_str()
            };
            let _ = writeln!(out, "     your answer:  {given}");
            if !r.correct || r.typo {
                let _ = writeln!(out, "     right answer: {}", one_line(&r.expected));
            }
        }
    } else {
        let _ = writeln!(out, "\nNo misses. Well done!");
    }
    if let Some(replay) = replay {
        let _ = writeln!(out, "\nReplay this session: {replay}");
    }
    out
}

/// The most lines [`brief`] prints: the summary stays on an 80x24 screen with the command
/// that was typed and the next prompt.
const BRIEF_LINES: usize = 21;

/// The short summary printed after the full-screen view: the score line first, then the
/// counts, the kinds and the weakest tags on one line each, then the missed questions with their
/// right answers, as many as fit in [`BRIEF_LINES`]. Lines are cut to `width` columns.
pub(crate) fn brief(
    summary: &Summary,
    seed: u64,
    elapsed: Duration,
    replay: Option<&str>,
    width: usize,
) -> String {
    let width = width.max(20);
    let mut lines: Vec<String> = Vec::new();
    let missed: Vec<_> = summary.results.iter().filter(|r| !r.correct).collect();
    let mut score = format!(
        "{} {}/{} ({:.0}%)",
        style("Score").bold(),
        summary.correct,
        summary.answered,
        summary.percent()
    );
    if summary.answered > 0 {
        score.push_str(&format!(
            " · {} · {}",
            match missed.len() {
                0 => style("no misses".to_string()).green().to_string(),
                n => style(format!("{n} missed")).red().to_string(),
            },
            duration(elapsed)
        ));
    }
    score.push_str(&format!(" · seed {seed}"));
    lines.push(score);
    if !summary.complete {
        lines.push(format!(
            "Ended early: {} of {} questions answered.",
            summary.answered, summary.total
        ));
    }
    if summary.skipped > 0 {
        lines.push(format!("Skipped: {} (nothing recorded).", summary.skipped));
    }
    if summary.answered > 0 {
        let kinds: Vec<String> = summary
            .by_kind
            .iter()
            .map(|(kind, t)| {
                let label = kind
                    .parse::<Kind>()
                    .map_or_else(|_| kind.clone(), |k| k.label().to_string());
                format!("{label} {}/{}", t.correct, t.answered)
            })
            .collect();
        lines.push(format!("Kinds: {}", kinds.join(" · ")));
        let mut tags: Vec<_> = summary
            .by_tag
            .iter()
            .filter(|(_, t)| t.correct < t.answered)
            .collect();
        // Weakest first: the lowest share right, then the most missed.
        tags.sort_by(|(_, a), (_, b)| {
            (a.correct * b.answered)
                .cmp(&(b.correct * a.answered))
                .then((b.answered - b.correct).cmp(&(a.answered - a.correct)))
        });
        if !tags.is_empty() {
            let tags: Vec<String> = tags
                .iter()
                .take(4)
                .map(|(tag, t)| format!("{tag} {}/{}", t.correct, t.answered))
                .collect();
            lines.push(format!("Weakest tags: {}", tags.join(" · ")));
        }
    }
    let tail = usize::from(replay.is_some());
    if !missed.is_empty() {
        lines.push(format!("{}", style("Missed:").bold()));
        let room = BRIEF_LINES.saturating_sub(lines.len() + tail);
        let shown = if missed.len() * 2 <= room {
            missed.len()
        } else {
            room.saturating_sub(1) / 2
        };
        for r in &missed[..shown] {
            let number = format!("{}. ", r.number);
            let indent = 4 + number.len();
            lines.push(format!(
                "  {} {number}{}",
                style("✗").red(),
                text::truncate(&one_line(&r.prompt), width.saturating_sub(indent))
            ));
            lines.push(format!(
                "{:indent$}→ {}",
                "",
                style(text::truncate(
                    &one_line(&r.expected),
                    width.saturating_sub(indent + 2)
                ))
                .green()
            ));
        }
        if shown < missed.len() {
            lines.push(format!(
                "  … and {} more (--verbose lists all)",
                missed.len() - shown
            ));
        }
    }
    if let Some(replay) = replay {
        lines.push(format!("Replay: {replay}"));
    }
    let mut out = String::new();
    for line in lines {
        out.push_str(&console::truncate_str(&line, width, "…"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{brief, wrap};
    use crate::quiz::{Body, Kind, Question, Response};
    use crate::session::{Mode, Session, Summary};
    use std::time::Duration;

    /// Fourteen questions of every kind, twelve of them missed, with long prompts and many tags.
    fn session_with_misses() -> Summary {
        let kinds = [Kind::Flash, Kind::Mcq, Kind::Tf, Kind::Blank, Kind::Typed];
        let questions: Vec<Question> = (0..14)
            .map(|i| Question {
                deck_id: "faq".into(),
                card_id: format!("c{i}"),
                kind: kinds[i % 5],
                prompt: format!(
                    "Question {i}: which kind of management plans, organises and controls the \
                     activities that turn raw materials into finished goods in a factory?"
                ),
                body: Body::TrueFalse { answer: true },
                explain: None,
                tags: vec![format!("tag-{}", i % 6), "definitions".into()],
            })
            .collect();
        let mut session = Session::new(questions, Mode::Practice, 1);
        for i in 0..14 {
            session.answer(&Response::Bool(i >= 12), Duration::from_secs(2));
        }
        session.summary()
    }

    #[test]
    fn the_short_summary_fits_the_screen_with_the_score_first() {
        console::set_colors_enabled(false);
        let summary = session_with_misses();
        let replay = "pmquiz run --seed 7 --count 10";
        for (width, rows) in [(40, 15), (80, 24), (120, 40)] {
            let text = brief(&summary, 7, Duration::from_secs(75), Some(replay), width);
            let lines: Vec<&str> = text.lines().collect();
            assert!(
                lines[0].starts_with("Score 2/14 (14%) · 12 missed · 1m 15s"),
                "{text}"
            );
            // With the command line above it and the prompt below, on an 80x24 screen.
            assert!(
                lines.len() <= 21,
                "{} lines at {width}:\n{text}",
                lines.len()
            );
            for line in &lines {
                assert!(
                    console::measure_text_width(line) <= width,
                    "wider than {width}: {line}"
                );
            }
            assert!(text.contains("Missed:"), "{text}");
            assert!(
                text.contains("… and 5 more (--verbose lists all)"),
                "{text}"
            );
            assert!(lines.last().unwrap().starts_with("Replay:"), "{text}");
            assert!(rows >= 15);
        }
        let text = brief(&summary, 7, Duration::from_secs(75), None, 80);
        assert!(
            text.contains("Weakest tags: tag-2 0/2 · tag-3 0/2 · tag-4 0/2 · tag-5 0/2"),
            "{text}"
        );
    }

    #[test]
    fn explanations_wrap_at_spaces() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        assert_eq!(wrap(text, None), [text]);
        assert_eq!(
            wrap(text, Some(24)),
            [
                "one two three four five",
                "six seven eight nine ten",
                "eleven twelve"
            ]
        );
        assert_eq!(
            wrap("a-very-long-word-that-does-not-fit x", Some(20)),
            ["a-very-long-word-that-does-not-fit", "x"]
        );
    }
}
