//! A quiz session as a state machine: which question is next, taking an answer, the running
//! score and the summary. It never prints or reads; front ends drive it.

use crate::quiz::{Body, Kind, Outcome, Question, Response, Verdict, check};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
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
    /// The learner overrode a wrong verdict: the answer counts as right.
    pub overridden: bool,
}

/// One change to the session, kept so that it can be undone.
#[derive(Debug, Clone)]
enum Step {
    Answered {
        question: usize,
        /// The answer was the question's first (it set `first`).
        first: bool,
        /// A miss put the question back in the queue (learn mode).
        requeued: Option<Requeued>,
    },
    Skipped {
        question: usize,
    },
}

/// Where a missed question was put back, and how it was asked before its options were
/// reshuffled.
#[derive(Debug, Clone)]
struct Requeued {
    at: usize,
    body: Body,
}

/// In learn mode, a missed question comes back after this many others (or after all that are
/// left, when fewer are).
const RETRY_AFTER: usize = 2;

/// What [`Session::undo`] took back.
#[derive(Debug, Clone)]
pub(crate) enum Undone {
    Answer,
    Skip,
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
    /// Everything that happened, latest last, for undo.
    steps: Vec<Step>,
    /// Questions skipped (nothing recorded, not asked again).
    skipped: usize,
    /// Fixes how the options of a question asked again are reshuffled.
    seed: u64,
    /// Reshuffles so far, so that each one draws a new order.
    reshuffles: u64,
}

impl Session {
    /// A session asking `questions` in order; `seed` fixes how the options of a question asked
    /// again in learn mode are reshuffled.
    pub(crate) fn new(questions: Vec<Question>, mode: Mode, seed: u64) -> Self {
        let n = questions.len();
        Session {
            questions,
            mode,
            queue: (0..n).collect(),
            attempts: Vec::new(),
            first: vec![None; n],
            steps: Vec::new(),
            skipped: 0,
            seed,
            reshuffles: 0,
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
    /// question back after two others (or at the end), with its options in a new order.
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
        let requeued = (self.mode == Mode::Learn && outcome.verdict == Verdict::Wrong).then(|| {
            let body = self.reshuffle(index);
            let at = RETRY_AFTER.min(self.queue.len());
            self.queue.insert(at, index);
            Requeued { at, body }
        });
        self.steps.push(Step::Answered {
            question: index,
            first,
            requeued,
        });
        self.attempts.push(Attempt {
            question: index,
            outcome,
            elapsed,
            first,
            overridden: false,
        });
        self.attempts.last().expect("just pushed")
    }

    /// Moves past the current question without answering it; it is not asked again.
    ///
    /// # Panics
    /// When the session is over.
    pub(crate) fn skip(&mut self) {
        let question = self
            .queue
            .pop_front()
            .expect("skip() called on a finished session");
        self.skipped += 1;
        self.steps.push(Step::Skipped { question });
    }

    /// Whether there is an answer or a skip to undo.
    pub(crate) fn can_undo(&self) -> bool {
        !self.steps.is_empty()
    }

    /// Takes back the last answer or skip: its question is the current one again, and the score
    /// is as it was before.
    pub(crate) fn undo(&mut self) -> Option<Undone> {
        match self.steps.pop()? {
            Step::Answered {
                question,
                first,
                requeued,
            } => {
                if let Some(requeued) = requeued {
                    self.unqueue(question, requeued);
                }
                if first {
                    self.first[question] = None;
                }
                self.queue.push_front(question);
                self.attempts.pop();
                Some(Undone::Answer)
            }
            Step::Skipped { question } => {
                self.skipped -= 1;
                self.queue.push_front(question);
                Some(Undone::Skip)
            }
        }
    }

    /// Counts the last answer as right although it was judged wrong (the learner knows better
    /// than the checker). Returns the changed attempt, or `None` when the last step was not a
    /// wrong answer.
    pub(crate) fn override_last(&mut self) -> Option<&Attempt> {
        let Some(Step::Answered {
            question, requeued, ..
        }) = self.steps.last_mut()
        else {
            return None;
        };
        let attempt = self.attempts.last_mut()?;
        if attempt.outcome.verdict != Verdict::Wrong {
            return None;
        }
        attempt.outcome.verdict = Verdict::Right;
        attempt.overridden = true;
        let question = *question;
        if let Some(requeued) = requeued.take() {
            self.unqueue(question, requeued);
        }
        self.attempts.last()
    }

    /// Puts `question` in place of the questions of card `deck_id`/`card_id` still to be asked
    /// (the card was edited). Returns how many were replaced.
    pub(crate) fn replace(&mut self, deck_id: &str, card_id: &str, question: &Question) -> usize {
        let mut replaced = 0;
        let mut seen = std::collections::HashSet::new();
        for &i in &self.queue {
            let q = &mut self.questions[i];
            if q.deck_id == deck_id && q.card_id == card_id && seen.insert(i) {
                *q = question.clone();
                replaced += 1;
            }
        }
        replaced
    }

    /// The questions still to ask, the current one first.
    pub(crate) fn queued(&self) -> impl Iterator<Item = &Question> {
        self.queue.iter().map(|&i| &self.questions[i])
    }

    /// Puts the options of a multiple-choice question in another order, so that a question
    /// asked again is not answered by position. Returns how it was asked before.
    fn reshuffle(&mut self, index: usize) -> Body {
        let before = self.questions[index].body.clone();
        let Body::Choice { options, correct } = &mut self.questions[index].body else {
            return before;
        };
        if options.len() < 2 {
            return before;
        }
        let right = options[*correct].clone();
        self.reshuffles += 1;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed.wrapping_add(self.reshuffles));
        let previous = options.clone();
        options.shuffle(&mut rng);
        if *options == previous {
            options.rotate_left(1);
        }
        *correct = options
            .iter()
            .position(|o| *o == right)
            .expect("the right option is still there");
        before
    }

    /// Takes a question put back after a miss out of the queue again, asked as it was before.
    fn unqueue(&mut self, question: usize, requeued: Requeued) {
        let removed = self.queue.remove(requeued.at);
        debug_assert_eq!(removed, Some(question));
        self.questions[question].body = requeued.body;
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
                overridden: attempt.overridden,
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
            skipped: self.skipped,
            by_kind: by_kind
                .into_iter()
                .map(|(k, t)| (k.as_str().to_string(), t))
                .collect(),
            by_tag: by_tag.into_iter().collect(),
            results,
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// Judged wrong, counted as right by the learner (the full-screen view's `o` key).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
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
    /// Every question was answered or skipped (the session was not cut short).
    pub complete: bool,
    /// Questions skipped in the full-screen view (never in scripted sessions).
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
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
        let mut s = Session::new(vec![tf(true, "a"), tf(false, "b")], Mode::Practice, 1);
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
        let mut s = Session::new(vec![tf(true, "a"), tf(false, "b")], Mode::Learn, 1);
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
            1,
        );
        s.answer(&Response::Bool(true), Duration::ZERO);
        let sum = s.summary();
        assert_eq!(
            (sum.total, sum.answered, sum.correct, sum.complete),
            (3, 1, 1, false)
        );
    }

    #[test]
    fn undo_takes_back_answers_and_skips_in_order() {
        let mut s = Session::new(vec![tf(true, "a"), tf(false, "b")], Mode::Learn, 1);
        assert!(!s.can_undo());
        s.answer(&Response::Bool(false), Duration::ZERO); // miss a: back in the queue
        s.skip(); // skip b
        assert!(s.current().is_some_and(|q| q.card_id == "c-a"));
        assert!(matches!(s.undo(), Some(Undone::Skip)));
        assert_eq!(s.current().unwrap().card_id, "c-b");
        assert!(matches!(s.undo(), Some(Undone::Answer)));
        assert_eq!(s.current().unwrap().card_id, "c-a");
        assert_eq!(s.progress().answered, 0);
        assert_eq!(s.queued().count(), 2, "the retry left the queue");
        assert!(s.undo().is_none());
    }

    #[test]
    fn an_overridden_miss_counts_as_right_and_is_not_asked_again() {
        let mut s = Session::new(vec![tf(true, "a"), tf(false, "b")], Mode::Learn, 1);
        s.answer(&Response::Bool(false), Duration::ZERO);
        assert_eq!(s.queued().count(), 2);
        assert!(s.override_last().is_some_and(|a| a.overridden));
        assert_eq!(s.queued().count(), 1);
        assert!(s.override_last().is_none(), "already right");
        s.skip();
        let sum = s.summary();
        assert_eq!((sum.answered, sum.correct, sum.skipped), (1, 1, 1));
        assert!(sum.complete);
        assert!(sum.results[0].overridden);
    }

    fn mcq(id: &str) -> Question {
        Question {
            card_id: id.into(),
            kind: Kind::Mcq,
            body: Body::Choice {
                options: vec!["a".into(), "b".into(), "c".into(), "d".into()],
                correct: 2,
            },
            ..tf(true, id)
        }
    }

    fn right_option(s: &Session) -> usize {
        match &s.current().unwrap().body {
            Body::Choice { correct, .. } => *correct,
            _ => unreachable!(),
        }
    }

    #[test]
    fn learn_mode_brings_a_miss_back_after_two_others_with_new_option_order() {
        let questions: Vec<Question> = ["1", "2", "3", "4", "5"].iter().map(|i| mcq(i)).collect();
        let mut s = Session::new(questions, Mode::Learn, 7);
        let before = s.current().unwrap().body.clone();
        s.answer(&Response::Choice(0), Duration::ZERO); // miss 1
        let order: Vec<&str> = s.queued().map(|q| q.card_id.as_str()).collect();
        assert_eq!(order, ["2", "3", "1", "4", "5"]);
        let Body::Choice { options, correct } = &s.questions[0].body else {
            panic!()
        };
        assert_ne!(s.questions[0].body, before);
        assert_eq!(options[*correct], "c");
        // Undo puts the question back as it was asked.
        s.undo();
        assert_eq!(s.current().unwrap().body, before);
        assert_eq!(s.queued().count(), 5);
        // Near the end, a miss comes back after whatever is left.
        for _ in 0..4 {
            s.answer(&Response::Choice(right_option(&s)), Duration::ZERO);
        }
        let last = s.current().unwrap().card_id.clone();
        s.answer(&Response::Choice(0), Duration::ZERO);
        assert_eq!(s.current().unwrap().card_id, last);
        // Overriding the miss takes the retry out again.
        assert!(s.override_last().is_some());
        assert!(s.current().is_none());
    }
}
