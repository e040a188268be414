//! Driving a study session (`run` and `review`): the front end that asks, the session that
//! judges, and the recorder that keeps each answer.

use super::{INTERRUPTED, OK};
use crate::cli::{Format, SessionArgs};
use crate::quiz::{Filter, Kind, Question};
use crate::session::{Attempt, Mode, Session};
use crate::ui::{self, Asked, Frontend, Script, Terminal, render};
use std::io::IsTerminal;
use std::time::Instant;

/// Keeps every answer as it is given (the review history).
pub(super) trait Recorder {
    fn record(&mut self, question: &Question, attempt: &Attempt) -> anyhow::Result<()>;
}

/// The question filter of a session: the kinds asked and the tags allowed.
pub(super) fn filter(session: &SessionArgs, tags: &[String]) -> Filter {
    Filter {
        kinds: if session.kinds.is_empty() {
            Kind::ALL.to_vec()
        } else {
            session.kinds.clone()
        },
        tags: tags.to_vec(),
    }
}

/// Asks every question of `session`, records each answer, and prints the summary. Returns the
/// exit code: 0, or 130 after Ctrl-C.
pub(super) fn drive(
    mut session: Session,
    opts: &SessionArgs,
    seed: u64,
    replay: Option<&str>,
    mut recorder: Option<&mut dyn Recorder>,
) -> anyhow::Result<u8> {
    ui::configure_colors();
    ui::catch_interrupts();
    let interactive = std::io::stdin().is_terminal()
        && match opts.format {
            Format::Text => std::io::stdout().is_terminal(),
            Format::Json => std::io::stderr().is_terminal(),
        };
    let mut frontend: Box<dyn Frontend> = if interactive {
        let term = match opts.format {
            Format::Text => console::Term::stdout(),
            Format::Json => console::Term::stderr(),
        };
        Box::new(Terminal::new(term))
    } else {
        let out: Box<dyn std::io::Write> = match opts.format {
            Format::Text => Box::new(std::io::stdout()),
            Format::Json => Box::new(std::io::stderr()),
        };
        Box::new(Script::new(std::io::BufReader::new(std::io::stdin()), out))
    };

    let started = Instant::now();
    let mut ended_by = Asked::End;
    while let Some(question) = session.current().cloned() {
        let progress = session.progress();
        let asked_at = Instant::now();
        let response = match frontend.ask(&question, &progress)? {
            Asked::Answer(response) => response,
            other => {
                ended_by = other;
                break;
            }
        };
        let attempt = session.answer(&response, asked_at.elapsed()).clone();
        if let Some(recorder) = recorder.as_deref_mut() {
            recorder.record(&question, &attempt)?;
        }
        if session.mode() != Mode::Exam {
            frontend.feedback(&question, &attempt)?;
        }
    }
    drop(frontend);

    let summary = session.summary();
    match opts.format {
        Format::Text => print!(
            "{}",
            render::summary(&summary, seed, started.elapsed(), replay)
        ),
        Format::Json => {
            let mut value = serde_json::to_value(&summary)?;
            value["seed"] = seed.into();
            value["percent"] = summary.percent().into();
            value["seconds"] = started.elapsed().as_secs_f64().into();
            value["interrupted"] = (ended_by == Asked::Interrupted).into();
            println!("{}", serde_json::to_string(&value)?);
        }
    }
    Ok(if ended_by == Asked::Interrupted {
        INTERRUPTED
    } else {
        OK
    })
}
