//! The scripted front end: prompts as plain text, one answer read per line. This is how tests,
//! scripts and benchmarks drive pmquiz.

use super::render;
use super::{AfterFeedback, Ask, Asked, Frontend, interrupted};
use crate::quiz::{Body, Grade, Question, Response, normalize, normalize_accented};
use crate::session::{Attempt, Progress};
use std::io::{BufRead, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// Reads answers from a line source and writes prompts to `out`.
pub(crate) struct Script {
    lines: Receiver<String>,
    out: Box<dyn Write>,
}

impl Script {
    /// Reads lines from `input` on a background thread, so that Ctrl-C is noticed while waiting.
    pub(crate) fn new(input: impl BufRead + Send + 'static, out: Box<dyn Write>) -> Self {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in input.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Script { lines: rx, out }
    }

    fn line(&mut self) -> Option<Result<String, Asked>> {
        loop {
            if interrupted() {
                return Some(Err(Asked::Interrupted));
            }
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(line) => return Some(Ok(line.trim_end_matches('\r').to_string())),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Reads lines until `parse` accepts one, saying why each rejected line was not understood.
    fn read<T>(
        &mut self,
        parse: impl Fn(&str) -> Option<T>,
        hint: &str,
    ) -> std::io::Result<Result<T, Asked>> {
        loop {
            let line = match self.line() {
                None => return Ok(Err(Asked::End)),
                Some(Err(asked)) => return Ok(Err(asked)),
                Some(Ok(line)) => line,
            };
            if let Some(value) = parse(&line) {
                // Echo the answer: piped input is not shown by the terminal.
                writeln!(self.out, "{line}")?;
                return Ok(Ok(value));
            }
            write!(self.out, "\nCould not read {line:?}: {hint} ")?;
            self.out.flush()?;
        }
    }
}

/// An empty line: "I don't know".
fn skip(line: &str) -> Option<Response> {
    line.trim().is_empty().then_some(Response::Skip)
}

/// The option a line picks: the option whose text it is (so that options such as `3` or `b`
/// are picked by their text), or else a position (`2`) or a letter (`b`).
pub(crate) fn parse_choice(line: &str, options: &[String]) -> Option<usize> {
    let t = line.trim();
    // The option written as typed (accents count: `ano` is not `año`), else the one option
    // that matches it with accents set aside.
    let exact = normalize_accented(t);
    if let Some(i) = options.iter().position(|o| normalize_accented(o) == exact) {
        return Some(i);
    }
    let n = normalize(t);
    let mut folded = options
        .iter()
        .enumerate()
        .filter(|(_, o)| normalize(o) == n);
    if let (Some((i, _)), None) = (folded.next(), folded.next()) {
        return Some(i);
    }
    if let Ok(n) = t.parse::<usize>() {
        return (1..=options.len()).contains(&n).then(|| n - 1);
    }
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let c = c.to_ascii_lowercase();
        let i = (c as usize).wrapping_sub('a' as usize);
        return (c.is_ascii_lowercase() && i < options.len()).then_some(i);
    }
    None
}

/// `t`, `true`, `y`, `yes` / `f`, `false`, `n`, `no`.
pub(crate) fn parse_bool(line: &str) -> Option<bool> {
    match line.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" => Some(true),
        "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// `1`-`4` or `again`, `hard`, `good`, `easy` (or their first letters).
pub(crate) fn parse_grade(line: &str) -> Option<Grade> {
    match line.trim().to_ascii_lowercase().as_str() {
        "1" | "again" | "a" => Some(Grade::Again),
        "2" | "hard" | "h" => Some(Grade::Hard),
        "3" | "good" | "g" => Some(Grade::Good),
        "4" | "easy" | "e" => Some(Grade::Easy),
        _ => None,
    }
}

impl Frontend for Script {
    fn ask(&mut self, ask: &Ask<'_>) -> std::io::Result<Asked> {
        let (question, progress) = (ask.question, &ask.progress);
        write!(
            self.out,
            "\n{}\n{}",
            render::header(progress, question),
            render::question_text(question)
        )?;
        self.out.flush()?;
        let response = match &question.body {
            Body::Choice { options, .. } => {
                let n = options.len();
                let hint =
                    format!("answer with a number from 1 to {n} or a letter (empty: don't know):");
                self.read(
                    |l| skip(l).or_else(|| parse_choice(l, options).map(Response::Choice)),
                    &hint,
                )?
            }
            Body::TrueFalse { .. } => self.read(
                |l| skip(l).or_else(|| parse_bool(l).map(Response::Bool)),
                "answer t or f (empty: don't know):",
            )?,
            Body::Typed { .. } | Body::Blank { .. } => {
                self.read(|l| Some(l.to_string()), "")?.map(Response::Text)
            }
            Body::Flash { back } => {
                if let Err(asked) = self.read(|_| Some(()), "")? {
                    return Ok(asked);
                }
                write!(self.out, "{back}\n{}", render::grade_prompt())?;
                self.out.flush()?;
                self.read(
                    parse_grade,
                    "answer 1 (again), 2 (hard), 3 (good) or 4 (easy):",
                )?
                .map(Response::Grade)
            }
        };
        Ok(match response {
            Ok(r) => Asked::Answer(r),
            Err(asked) => asked,
        })
    }

    fn feedback(
        &mut self,
        question: &Question,
        attempt: &Attempt,
        _progress: Progress,
        _next: Option<Duration>,
    ) -> std::io::Result<AfterFeedback> {
        write!(self.out, "{}", render::feedback(question, attempt))?;
        self.out.flush()?;
        Ok(AfterFeedback::Continue)
    }

    fn notice(&mut self, text: String) {
        let _ = writeln!(self.out, "{text}");
    }

    fn outside(&mut self, run: &mut dyn FnMut()) -> std::io::Result<()> {
        run();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_by_number_letter_or_text() {
        let options: Vec<String> = ["Lean", "Six Sigma", "TQM"].map(String::from).to_vec();
        assert_eq!(parse_choice("2", &options), Some(1));
        assert_eq!(parse_choice(" C ", &options), Some(2));
        assert_eq!(parse_choice("six sigma", &options), Some(1));
        assert_eq!(parse_choice("4", &options), None);
        assert_eq!(parse_choice("0", &options), None);
        assert_eq!(parse_choice("d", &options), None);
        assert_eq!(parse_choice("maybe", &options), None);
        let words = ["año".to_string(), "ano".to_string(), "mes".to_string()];
        assert_eq!(parse_choice("ano", &words), Some(1));
        assert_eq!(parse_choice("Año", &words), Some(0));
        assert_eq!(parse_choice("MES!", &words), Some(2));
    }

    #[test]
    fn an_option_s_own_text_wins_over_positions_and_letters() {
        let numbers: Vec<String> = ["3", "4", "5"].map(String::from).to_vec();
        assert_eq!(parse_choice("3", &numbers), Some(0));
        assert_eq!(parse_choice("5", &numbers), Some(2));
        assert_eq!(parse_choice("1", &numbers), Some(0), "a position otherwise");
        assert_eq!(parse_choice("b", &numbers), Some(1));
        let letters: Vec<String> = ["c", "a", "b"].map(String::from).to_vec();
        assert_eq!(parse_choice("a", &letters), Some(1));
        assert_eq!(parse_choice("C", &letters), Some(0));
        assert_eq!(parse_choice("2", &letters), Some(1));
    }

    #[test]
    fn booleans_and_grades() {
        assert_eq!(parse_bool("Y"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("perhaps"), None);
        assert_eq!(parse_grade("3"), Some(Grade::Good));
        assert_eq!(parse_grade("Easy"), Some(Grade::Easy));
        assert_eq!(parse_grade("5"), None);
    }
}
