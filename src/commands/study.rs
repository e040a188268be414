//! Driving a study session (`run` and `review`): the front end that asks, the session that
//! judges, and the recorder that keeps each answer.

use super::{INTERRUPTED, OK};
use crate::cli::{Format, SessionArgs};
use crate::deck::DeckSource;
use crate::library::OpenDeck;
use crate::quiz::{Filter, Kind, Question};
use crate::schedule::Phase;
use crate::session::{Attempt, Mode, Progress, Session, Undone};
use crate::ui::{self, AfterFeedback, Ask, Asked, Counts, Frontend, Fullscreen, Script, render};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Keeps every answer as it is given (the review history).
pub(super) trait Recorder {
    /// Records the answer and schedules its card; returns how long until the card is due.
    fn record(&mut self, question: &Question, attempt: &Attempt) -> anyhow::Result<Duration>;
    /// How long until the card of `question` would be due after each grade (Again, Hard, Good,
    /// Easy), without recording anything.
    fn preview(&mut self, question: &Question) -> anyhow::Result<[Duration; 4]>;
    /// Where the card of `question` stands in its schedule.
    fn phase(&mut self, question: &Question) -> anyhow::Result<Phase>;
    /// Takes back the last recorded answer: its history row goes and the card's schedule is
    /// what it was before.
    fn undo(&mut self) -> anyhow::Result<()>;
    /// Records the last answer as right after all, marked as overridden; returns how long until
    /// the card is due now.
    fn override_last(&mut self, attempt: &Attempt) -> anyhow::Result<Duration>;
}

/// The question filter of a session: the kinds asked and the tags allowed. An exam asks only
/// the kinds that are scored objectively: flashcards, which learners grade themselves, are left
/// out.
pub(super) fn filter(session: &SessionArgs, tags: &[String]) -> anyhow::Result<Filter> {
    let mut kinds = if session.kinds.is_empty() {
        Kind::ALL.to_vec()
    } else {
        session.kinds.clone()
    };
    if session.mode == Mode::Exam {
        kinds.retain(|k| *k != Kind::Flash);
        if kinds.is_empty() {
            anyhow::bail!(
                "exam mode asks only questions that pmquiz scores itself (mcq, tf, blank, typed); flashcards are graded by the learner: leave out `--kinds flash` or choose another mode"
            );
        }
    }
    Ok(Filter {
        kinds,
        tags: tags.to_vec(),
    })
}

/// What a session is about besides its questions.
pub(super) struct Study<'a> {
    pub(super) opts: &'a SessionArgs,
    pub(super) seed: u64,
    /// The command that asks the same questions again (`run`).
    pub(super) replay: Option<&'a str>,
    /// The decks the questions come from: named in the header, edited with `e`.
    pub(super) decks: &'a [OpenDeck],
    /// Show Anki's new / learning / review counts (`review`).
    pub(super) counts: bool,
}

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// Every question asked, or input ended.
    Done,
    /// The learner chose to end it (q, then y).
    Quit,
    Interrupted,
}

/// Asks every question of `session`, records each answer, and prints the summary. Returns the
/// exit code: 0, or 130 after Ctrl-C.
pub(super) fn drive(
    mut session: Session,
    study: &Study<'_>,
    recorder: Option<&mut (dyn Recorder + 'static)>,
) -> anyhow::Result<u8> {
    let opts = study.opts;
    ui::configure_colors();
    ui::catch_interrupts();
    let on_stderr = opts.format == Format::Json;
    let interactive = std::io::stdin().is_terminal()
        && if on_stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
    let fullscreen = interactive && ui::screen::usable();
    let mut frontend: Box<dyn Frontend> = if fullscreen {
        Box::new(Fullscreen::start(
            on_stderr,
            deck_names(study.decks),
            session.mode(),
            ui::colors_enabled(),
        )?)
    } else {
        let out: Box<dyn std::io::Write> = if on_stderr {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        };
        Box::new(Script::new(std::io::BufReader::new(std::io::stdin()), out))
    };

    let started = Instant::now();
    let mut phases = Phases::default();
    let ended = ask_all(
        &mut session,
        study,
        frontend.as_mut(),
        recorder,
        &mut phases,
        fullscreen,
    )?;
    // Leave the full screen before printing, so the summary stays in the scrollback.
    drop(frontend);

    let summary = session.summary();
    match opts.format {
        Format::Text if fullscreen && !opts.verbose => print!(
            "{}",
            render::brief(
                &summary,
                study.seed,
                started.elapsed(),
                study.replay,
                ui::screen_width()
            )
        ),
        Format::Text => print!(
            "{}",
            render::summary(&summary, study.seed, started.elapsed(), study.replay)
        ),
        Format::Json => {
            let mut value = serde_json::to_value(&summary)?;
            value["seed"] = study.seed.into();
            value["percent"] = summary.percent().into();
            value["seconds"] = started.elapsed().as_secs_f64().into();
            value["interrupted"] = (ended == Ended::Interrupted).into();
            println!("{}", serde_json::to_string(&value)?);
        }
    }
    Ok(if ended == Ended::Interrupted {
        INTERRUPTED
    } else {
        OK
    })
}

/// The session's questions, one after the other, until the last or until the learner stops.
fn ask_all(
    session: &mut Session,
    study: &Study<'_>,
    frontend: &mut dyn Frontend,
    mut recorder: Option<&mut (dyn Recorder + 'static)>,
    phases: &mut Phases,
    fullscreen: bool,
) -> anyhow::Result<Ended> {
    'questions: while let Some(question) = session.current().cloned() {
        let counts = match (recorder.as_deref_mut(), study.counts && fullscreen) {
            (Some(recorder), true) => Some(phases.counts(session, recorder)?),
            _ => None,
        };
        let intervals = match (recorder.as_deref_mut(), question.kind, fullscreen) {
            (Some(recorder), Kind::Flash, true) => Some(recorder.preview(&question)?),
            _ => None,
        };
        let asked = session.progress();
        let ask = Ask {
            question: &question,
            progress: asked,
            counts,
            intervals,
            can_undo: session.can_undo(),
        };
        let asked_at = Instant::now();
        let response = match frontend.ask(&ask)? {
            Asked::Answer(response) => response,
            Asked::Skip => {
                session.skip();
                continue;
            }
            Asked::Undo => {
                undo(session, recorder.as_deref_mut(), phases, frontend)?;
                continue;
            }
            Asked::Edit => {
                super::edit::edit(session, study.decks, study.seed, frontend, &question)?;
                continue;
            }
            Asked::Quit => return Ok(Ended::Quit),
            Asked::End => return Ok(Ended::Done),
            Asked::Interrupted => return Ok(Ended::Interrupted),
        };
        let mut attempt = session.answer(&response, asked_at.elapsed()).clone();
        let mut next = match recorder.as_deref_mut() {
            Some(recorder) => {
                let next = recorder.record(&question, &attempt)?;
                phases.forget(&question);
                Some(next)
            }
            None => None,
        };
        if session.mode() == Mode::Exam {
            continue;
        }
        loop {
            // The score counts the answer; the place is still the question answered.
            let progress = Progress {
                number: asked.number,
                retry: asked.retry,
                remaining: asked.remaining,
                ..session.progress()
            };
            match frontend.feedback(&question, &attempt, progress, next)? {
                AfterFeedback::Continue => continue 'questions,
                AfterFeedback::Undo => {
                    undo(session, recorder.as_deref_mut(), phases, frontend)?;
                    continue 'questions;
                }
                AfterFeedback::Override => {
                    let Some(changed) = session.override_last() else {
                        continue;
                    };
                    attempt = changed.clone();
                    if let Some(recorder) = recorder.as_deref_mut() {
                        next = Some(recorder.override_last(&attempt)?);
                        phases.forget(&question);
                    }
                }
                AfterFeedback::Edit => {
                    super::edit::edit(session, study.decks, study.seed, frontend, &question)?;
                    continue 'questions;
                }
                AfterFeedback::Quit => return Ok(Ended::Quit),
                AfterFeedback::Interrupted => return Ok(Ended::Interrupted),
            }
        }
    }
    Ok(Ended::Done)
}

/// Takes back the last answer or skip, in the session and in the history.
fn undo(
    session: &mut Session,
    recorder: Option<&mut (dyn Recorder + 'static)>,
    phases: &mut Phases,
    frontend: &mut dyn Frontend,
) -> anyhow::Result<()> {
    match session.undo() {
        Some(Undone::Answer) => {
            if let Some(recorder) = recorder {
                recorder.undo()?;
            }
            if let Some(q) = session.current() {
                phases.forget(q);
            }
            frontend.notice("Answer undone: the question is asked again.".to_string());
        }
        Some(Undone::Skip) => frontend.notice("Skip undone.".to_string()),
        None => frontend.notice("Nothing to undo yet.".to_string()),
    }
    Ok(())
}

/// The decks of a session, as the header names them: one by its name, several by their ids.
fn deck_names(decks: &[OpenDeck]) -> String {
    match decks {
        [one] => one.name().to_string(),
        several => several
            .iter()
            .map(|d| d.id())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The schedule phase of each card asked in a review, looked up once and again after each of
/// its answers.
#[derive(Default)]
struct Phases {
    known: std::collections::HashMap<(String, String), Phase>,
}

impl Phases {
    fn forget(&mut self, question: &Question) {
        self.known
            .remove(&(question.deck_id.clone(), question.card_id.clone()));
    }

    /// New / learning / review counts of the questions still to ask.
    fn counts(&mut self, session: &Session, recorder: &mut dyn Recorder) -> anyhow::Result<Counts> {
        let mut counts = Counts::default();
        for q in session.queued() {
            let key = (q.deck_id.clone(), q.card_id.clone());
            let phase = match self.known.get(&key) {
                Some(phase) => *phase,
                None => *self.known.entry(key).or_insert(recorder.phase(q)?),
            };
            match phase {
                Phase::New => counts.new += 1,
                Phase::Learning | Phase::Relearning => counts.learning += 1,
                Phase::Review => counts.review += 1,
            }
        }
        Ok(counts)
    }
}
