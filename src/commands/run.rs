//! `pmquiz run`: generate questions from decks and drive a scored session in the terminal or
//! from a script.

use super::Context;
use super::history::History;
use super::study::{Recorder, Study, drive, filter};
use crate::cli::RunArgs;
use crate::quiz::generate;
use crate::session::{Mode, Session};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

pub(super) fn run(cx: &Context, args: &RunArgs) -> anyhow::Result<u8> {
    // Settings problems are reported before anything is asked.
    cx.config()?;
    let decks = cx.decks(&args.deck)?;
    let filter = filter(&args.session, &args.tag)?;
    let seed = args.session.seed.unwrap_or_else(rand::random);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let questions = generate(&decks, &filter, args.count, &mut rng);
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
    let mut history = if args.session.no_save {
        None
    } else {
        let store = super::sync::open_for_session(cx, &decks)?;
        Some(History::new(cx, store, &args.session)?)
    };
    let study = Study {
        opts: &args.session,
        seed,
        replay: Some(&replay),
        decks: &decks,
        counts: false,
    };
    let code = drive(
        Session::new(questions, args.session.mode, seed),
        &study,
        history.as_mut().map(|h| h as &mut dyn Recorder),
    )?;
    if let Some(history) = &history {
        super::sync::auto_after(cx, history.store());
    }
    Ok(code)
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
