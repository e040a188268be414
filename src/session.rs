//! A quiz session as a state machine: which question is next, taking an answer, the running
//! score and the summary. It never prints or reads; front ends drive it.

use crate::quiz::{Kind, Outcome, Question, Response, Verdict, check};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::str::FromStr;
use std::time::Duration;

/// How a session gives feedback and treats misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Mode {
    /// Feedback after every answer.
    Practice,
    /// No feedback until the end, then a review of every question.
    Exam,
    /// Feedback after every answer; missed questions come back until answered right once.
    Learn,
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "practice" => Ok(Mode::Practice),
            "exam" => Ok(Mode::Exam),
            "learn" => Ok(Mode::Learn),
            other => Err(format!(
                "unknown mode `{other}` (expected practice, exam or learn)"
            )),
        }
    }
}

/// One answer given during the session.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    /// Index of the question in the session.
    pub question: usize,
    pub outcome: Outcome,
    pub elapsed: Duration,
    /// Whether this is the question's first attempt. Later attempts (learn mode, after a miss)
    /// are practice: they do not score and do not move the card's schedule.
    pub first: bool,
}

/// Where the session stands, for the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    /// 1-based number of the question being asked.
    pub number: usize,
    pub total: usize,
    /// Questions answered (first attempts) and how many of them right.
    pub answered: usize,
    pub correct: usize,
    /// The question is asked again after a miss (learn mode).
    pub retry: bool,
    /// Questions still to ask, this one included (more than `total - answered` in learn mode).
    pub remaining: usize,
    /// Whether the running score may be shown (not in exam mode).
    pub show_score: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    questions: Vec<Question>,
    mode: Mode,
    queue: VecDeque<usize>,
    attempts: Vec<Attempt>,
    /// For each question, the index of its first attempt.
    first: Vec<Option<usize>>,
}

impl Session {
    pub(crate) fn new(questions: Vec<Question>, mode: Mode) -> Self {
        let n = questions.len();
        Session {
            questions,
            mode,
            queue: (0..n).collect(),
            attempts: Vec::new(),
            first: vec![None; n],
        }
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// The question to ask now, or `None` when the session is over.
    pub(crate) fn current(&self) -> Option<&Question> {
        self.queue.front().map(|&i| &self.questions[i])
    }

    pub(crate) fn progress(&self) -> Progress {
        let answered = self.first.iter().filter(|f| f.is_some()).count();
        let correct = self
            .first_attempts()
            .filter(|a| a.outcome.verdict.is_right())
            .count();
        let retry = self.queue.front().is_some_and(|&i| self.first[i].is_some());
        Progress {
            number: if retry {
                answered
            } else {
                (answered + 1).min(self.questions.len())
            },
            total: self.questions.len(),
            answered,
            correct,
            retry,
            remaining: self.queue.len(),
            show_score: self.mode != Mode::Exam,
        }
    }

    /// Judges `response` to the current question and moves on. In learn mode a miss puts the
    /// question back at the end of the queue.
    ///
    /// # Panics
    /// When the session is over.
    pub(crate) fn answer(&mut self, response: &Response, elapsed: Duration) -> &Attempt {
        let index = self
            .queue
            .pop_front()
            .expect("answer() called on a finished session");
        let outcome = check(&self.questions[index], response);
        let first = self.first[index].is_none();
        if first {
            self.first[index] = Some(self.attempts.len());
        }
        if self.mode == Mode::Learn && outcome.verdict == Verdict::Wrong {
            self.queue.push_back(index);
        }
        self.attempts.push(Attempt {
            question: index,
            outcome,
            elapsed,
            first,
        });
        self.attempts.last().expect("just pushed")
    }

    fn first_attempts(&self) -> impl Iterator<Item = &Attempt> {
        self.first
            .iter()
            .filter_map(|f| f.map(|i| &self.attempts[i]))
    }

    /// The score so far: every question answered at least once, judged on its first attempt.
    pub(crate) fn summary(&self) -> Summary {
        let mut results = Vec::new();
        let mut by_kind: BTreeMap<Kind, Tally> = BTreeMap::new();
        let mut by_tag: BTreeMap<String, Tally> = BTreeMap::new();
        for attempt in self.first_attempts() {
            let q = &self.questions[attempt.question];
            let correct = attempt.outcome.verdict.is_right();
            by_kind.entry(q.kind).or_default().add(correct);
            for tag in &q.tags {
                by_tag.entry(tag.clone()).or_default().add(correct);
            }
            results.push(QuestionResult {
                number: attempt.question + 1,
                deck_id: q.deck_id.clone(),
                card_id: q.card_id.clone(),
                kind: q.kind,
                prompt: q.prompt.clone(),
                given: attempt.outcome.given.clone(),
                expected: q.expected(),
                correct,
                typo: attempt.outcome.verdict == Verdict::RightWithTypo,
                attempts: self
                    .attempts
                    .iter()
                    .filter(|a| a.question == attempt.question)
                    .count(),
                seconds: attempt.elapsed.as_secs_f64(),
            });
        }
        results.sort_by_key(|r| r.number);
        let correct = results.iter().filter(|r| r.correct).count();
        Summary {
            mode: self.mode,
            total: self.questions.len(),
            answered: results.len(),
            correct,
            retries: self.attempts.len() - results.len(),
            complete: self.queue.is_empty(),
            by_kind: by_kind
                .into_iter()
                .map(|(k, t)| (k.as_str().to_string(), t))
                .collect(),
            by_tag: by_tag.into_iter().collect(),
            results,
        }
    }
}

/// Right answers out of answered questions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Tally {
    pub answered: usize,
    pub correct: usize,
}

impl Tally {
    fn add(&mut self, correct: bool) {
        self.answered += 1;
        self.correct += usize::from(correct);
    }
}

/// The outcome of one question, judged on its first attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct QuestionResult {
    /// 1-based position in the session.
    pub number: usize,
    pub deck_id: String,
    pub card_id: String,
    pub kind: Kind,
    pub prompt: String,
    pub given: String,
    pub expected: String,
    pub correct: bool,
    /// Accepted with a small typo.
    pub typo: bool,
    /// How many times it was asked (more than 1 in learn mode after a miss).
    pub attempts: usize,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Summary {
    pub mode: Mode,
    /// Questions in the session.
    pub total: usize,
    pub answered: usize,
    pub correct: usize,
    /// Questions asked again after a miss (learn mode): practice, not scored.
    pub retries: usize,
    /// Every question was answered (the session was not cut short).
    pub complete: bool,
    pub by_kind: BTreeMap<String, Tally>,
    pub by_tag: BTreeMap<String, Tally>,
    pub results: Vec<QuestionResult>,
}

impl Summary {
    /// Percentage of answered questions that were right (0 when none was answered).
    pub(crate) fn percent(&self) -> f64 {
        if self.answered == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.answered as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{Body, Question};

    fn tf(answer: bool, tag: &str) -> Question {
        Question {
            deck_id: "d".into(),
            card_id: format!("c-{tag}"),
            kind: Kind::Tf,
            prompt: "?".into(),
            body: Body::TrueFalse { answer },
            explain: None,
            tags: vec![tag.into()],
        }
    }

    #[test]
    fn practice_scores_each_question_once() {
        let mut s = Session::new(vec![tf(true, "a"), tf(false, "b")], Mode::Practice);
        assert_eq!(s.progress().number, 1);
        s.answer(&Response::Bool(true), Duration::from_secs(1));
        assert_eq!(
            s.progress(),
            Progress {
                number: 2,
                total: 2,
                answered: 1,
                correct: 1,
                retry: false,
                remaining: 1,
                show_score: true,
            }
        );
        s.answer(&Response::Bool(true), Duration::from_secs(1));
        assert!(s.current().is_none());
        let sum = s.summary();
        assert_eq!(
            (sum.total, sum.answered, sum.correct, sum.complete),
            (2, 2, 1, true)
        );
        assert_eq!(
            sum.by_tag["b"],
            Tally {
                answered: 1,
                correct: 0
            }
        );
        assert_eq!(sum.percent(), 50.0);
    }

    #[test]
    fn learn_mode_repeats_misses_until_right_and_scores_first_attempts() {
        let mut s = Session::new(vec![tf(true, "a"), tf(false, "b")], Mode::Learn);
        s.answer(&Response::Bool(false), Duration::ZERO); // miss q1
        s.answer(&Response::Bool(false), Duration::ZERO); // q2 right
        assert!(s.progress().retry);
        assert_eq!(s.current().unwrap().card_id, "c-a");
        s.answer(&Response::Bool(false), Duration::ZERO); // miss again
        s.answer(&Response::Bool(true), Duration::ZERO); // finally right
        assert!(s.current().is_none());
        let sum = s.summary();
        assert_eq!((sum.answered, sum.correct, sum.retries), (2, 1, 2));
        assert_eq!(sum.results[0].attempts, 3);
        let firsts: Vec<bool> = s.attempts.iter().map(|a| a.first).collect();
        assert_eq!(firsts, [true, true, false, false]);
    }

    #[test]
    fn a_session_cut_short_summarizes_what_was_answered() {
        let mut s = Session::new(
            vec![tf(true, "a"), tf(true, "b"), tf(true, "c")],
            Mode::Exam,
        );
        s.answer(&Response::Bool(true), Duration::ZERO);
        let sum = s.summary();
        assert_eq!(
            (sum.total, sum.answered, sum.correct, sum.complete),
            (3, 1, 1, false)
        );
    }
}
