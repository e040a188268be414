//! `pmquiz run`: generate questions from decks and drive a scored session in the terminal or
//! from a script. `review` reuses the driver.

use super::{Context, INTERRUPTED, OK};
use crate::cli::{Format, RunArgs, SessionArgs};
use crate::quiz::{Filter, Kind, Question, generate};
use crate::session::{Attempt, Mode, Session};
use crate::ui::{self, Asked, Frontend, Script, Terminal, render};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::io::IsTerminal;
use std::time::Instant;

/// Keeps every answer as it is given (the review history).
pub trait Recorder {
    fn record(&mut self, question: &Question, attempt: &Attempt) -> anyhow::Result<()>;
}

pub fn run(cx: &Context, args: &RunArgs) -> anyhow::Result<u8> {
    let decks = cx.decks(&args.deck)?;
    let filter = filter(&args.session, &args.tag);
    let seed = args.session.seed.unwrap_or_else(rand::random);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let questions = generate(decks, &filter, args.count, &mut rng);
    if questions.is_empty() {
        anyhow::bail!(
            "no questions match: the chosen decks have no cards{}{}",
            if args.tag.is_empty() {
                ""
            } else {
                " with the given tags"
            },
            if args.session.kinds.is_empty() {
                ""
            } else {
                " that can be asked as the given kinds"
            },
        );
    }
    let replay = replay_command(args, seed);
    let mut history = super::history::open(cx, &args.session)?;
    drive(
        Session::new(questions, args.session.mode),
        &args.session,
        seed,
        Some(&replay),
        history.as_mut().map(|h| h as &mut dyn Recorder),
    )
}

pub fn filter(session: &SessionArgs, tags: &[String]) -> Filter {
    Filter {
        kinds: if session.kinds.is_empty() {
            Kind::ALL.to_vec()
        } else {
            session.kinds.clone()
        },
        tags: tags.to_vec(),
    }
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn replay_command(args: &RunArgs, seed: u64) -> String {
    let mut cmd = format!("pmquiz run --seed {seed} --count {}", args.count);
    for d in &args.deck {
        cmd.push_str(&format!(" --deck {}", shell_quote(d)));
    }
    for t in &args.tag {
        cmd.push_str(&format!(" --tag {}", shell_quote(t)));
    }
    if !args.session.kinds.is_empty() {
        let kinds: Vec<&str> = args.session.kinds.iter().map(|k| k.as_str()).collect();
        cmd.push_str(&format!(" --kinds {}", kinds.join(",")));
    }
    if args.session.mode != Mode::Practice {
        let mode = match args.session.mode {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
            Mode::Learn => "learn",
        };
        cmd.push_str(&format!(" --mode {mode}"));
    }
    cmd
}

/// Asks every question of `session`, records each answer, and prints the summary. Returns the
/// exit code: 0, or 130 after Ctrl-C.
pub fn drive(
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

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn replay_words_are_quoted_when_needed() {
        assert_eq!(shell_quote("faq"), "faq");
        assert_eq!(shell_quote("./my decks/a.toml"), "'./my decks/a.toml'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
