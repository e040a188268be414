//! One module per subcommand, each a short function wiring the domain to the edges.

mod check;
mod decks;
mod history;
mod new;
mod run;
mod show;

use crate::cli::{Cli, Command};
use crate::deck::{self, Deck, LoadError};
use std::path::PathBuf;

/// Exit code for success.
pub const OK: u8 = 0;
/// Exit code for a failed check or any error.
pub const FAILURE: u8 = 1;
/// Exit code after Ctrl-C.
pub const INTERRUPTED: u8 = 130;

/// Where pmquiz finds its data and decks, resolved once from flags and environment.
pub struct Context {
    pub data_dir: PathBuf,
    pub deck_dirs: Vec<PathBuf>,
}

impl Context {
    fn new(data_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => directories::ProjectDirs::from("", "", "pmquiz")
                .map(|p| p.data_dir().to_path_buf())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "cannot find a home directory for pmquiz's data; set PMQUIZ_DATA_DIR or pass --data-dir"
                    )
                })?,
        };
        let deck_dirs = deck::deck_dirs(&data_dir, std::env::var_os("PMQUIZ_DECKS").as_deref());
        Ok(Context {
            data_dir,
            deck_dirs,
        })
    }

    /// Resolves deck arguments; none means every built-in deck.
    pub fn decks(&self, args: &[String]) -> Result<Vec<Deck>, LoadError> {
        if args.is_empty() {
            return Ok(deck::builtin_decks());
        }
        let mut decks: Vec<Deck> = Vec::new();
        for arg in args {
            let d = deck::resolve(arg, &self.deck_dirs)?;
            if !decks.iter().any(|x| x.id == d.id) {
                decks.push(d);
            }
        }
        Ok(decks)
    }
}

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let cx = Context::new(cli.data_dir)?;
    match cli.command {
        Command::Decks(args) => decks::run(&cx, args.format),
        Command::Show(args) => show::run(&cx, &args),
        Command::Check(args) => Ok(check::run(&args.files)),
        Command::New(args) => new::run(&args.path),
        Command::Run(args) => run::run(&cx, &args),
        Command::Review(_) | Command::Stats(_) | Command::Forget(_) => {
            anyhow::bail!("not available yet")
        }
    }
}

/// The message printed for an error that ends pmquiz.
pub fn describe(error: &anyhow::Error) -> String {
    if let Some(load) = error.downcast_ref::<LoadError>() {
        return load.to_string();
    }
    format!("error: {error:#}")
}
