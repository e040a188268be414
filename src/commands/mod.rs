//! One module per subcommand, each a short function wiring the domain to the edges.

mod check;
mod decks;
mod forget;
mod history;
mod new;
mod review;
mod run;
mod show;
pub mod stats;
mod study;

use crate::cli::{Cli, Command};
use crate::deck::Deck;
use crate::library::{self, DeckCache, LoadError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::path::PathBuf;

/// Exit code for success.
pub(crate) const OK: u8 = 0;
/// Exit code for a failed check or any error.
pub(crate) const FAILURE: u8 = 1;
/// Exit code after Ctrl-C.
pub(crate) const INTERRUPTED: u8 = 130;

/// Where pmquiz finds its data and decks, resolved once from flags and environment.
pub(crate) struct Context {
    pub data_dir: PathBuf,
    pub deck_dirs: Vec<PathBuf>,
    /// Validated large decks, so that they are not parsed on every start.
    pub cache: Option<DeckCache>,
    /// The clock set by `PMQUIZ_NOW`, a testing aid.
    pub fixed_now: Option<DateTime<Utc>>,
    config: Config,
}

/// Settings read from `DATA_DIR/config.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// Desired retention for scheduling.
    retention: Option<f32>,
}

impl Config {
    /// Reads the config file; a missing file means the defaults.
    fn read(path: &std::path::Path) -> anyhow::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
        };
        let config: Config = toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: invalid config (the only setting is `retention = 0.9`):\n{e}",
                path.display()
            )
        })?;
        if let Some(r) = config.retention {
            use crate::schedule::{MAX_RETENTION, MIN_RETENTION};
            if !(MIN_RETENTION..=MAX_RETENTION).contains(&r) {
                anyhow::bail!(
                    "{}: `retention` must be from {MIN_RETENTION} to {MAX_RETENTION}, found {r}",
                    path.display()
                );
            }
        }
        Ok(config)
    }
}

impl Context {
    fn new(data_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        // With a data directory of their own choosing, users (and tests) keep everything of
        // pmquiz's in it; otherwise the cache goes where the platform keeps caches.
        let (data_dir, cache_dir) = match data_dir {
            Some(dir) => {
                let cache = dir.join("cache");
                (dir, cache)
            }
            None => {
                let dirs = directories::ProjectDirs::from("", "", "pmquiz").ok_or_else(|| {
                    anyhow::anyhow!(
                        "cannot find a home directory for pmquiz's data; set PMQUIZ_DATA_DIR or pass --data-dir"
                    )
                })?;
                (
                    dirs.data_dir().to_path_buf(),
                    dirs.cache_dir().to_path_buf(),
                )
            }
        };
        let cache = DeckCache::new(cache_dir);
        let deck_dirs = library::deck_dirs(&data_dir, std::env::var_os("PMQUIZ_DECKS").as_deref());
        let fixed_now = match std::env::var("PMQUIZ_NOW") {
            Ok(text) if !text.is_empty() => Some(
                DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "PMQUIZ_NOW={text:?} is not an RFC 3339 time such as 2026-01-31T09:00:00Z ({e})"
                        )
                    })?
                    .with_timezone(&Utc),
            ),
            _ => None,
        };
        let config = Config::read(&data_dir.join("config.toml"))?;
        Ok(Context {
            data_dir,
            deck_dirs,
            cache,
            fixed_now,
            config,
        })
    }

    /// The current time: `PMQUIZ_NOW` when set, otherwise the system clock.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.fixed_now.unwrap_or_else(Utc::now)
    }

    /// Desired retention: the flag, else `retention` in config.toml, else 0.9.
    pub(crate) fn retention(&self, flag: Option<f32>) -> f32 {
        flag.or(self.config.retention)
            .unwrap_or(crate::schedule::DEFAULT_RETENTION)
    }

    /// Resolves deck arguments; none means every available deck (built-in and user decks that
    /// load). The decks are kept until the process ends (see [`keep`]).
    pub(crate) fn decks_or_all(&self, args: &[String]) -> Result<&'static [Deck], LoadError> {
        if !args.is_empty() {
            return self.decks(args);
        }
        Ok(keep(
            library::list_decks(&self.deck_dirs, self.cache.as_ref())
                .into_iter()
                .filter_map(|e| e.deck.ok())
                .collect(),
        ))
    }

    /// Resolves deck arguments; none means every built-in deck. The decks are kept until the
    /// process ends (see [`keep`]).
    pub(crate) fn decks(&self, args: &[String]) -> Result<&'static [Deck], LoadError> {
        if args.is_empty() {
            return Ok(keep(crate::deck::builtin_decks()));
        }
        let mut decks: Vec<Deck> = Vec::new();
        for arg in args {
            let d = library::resolve(arg, &self.deck_dirs, self.cache.as_ref())?;
            if !decks.iter().any(|x| x.id == d.id) {
                decks.push(d);
            }
        }
        Ok(keep(decks))
    }
}

/// Keeps the decks of a command for the rest of the process instead of freeing them when the
/// command returns: each command runs once and the process then exits, and freeing a
/// 100 000-card deck string by string takes 15 ms or more that the operating system does for
/// free.
fn keep(decks: Vec<Deck>) -> &'static [Deck] {
    Vec::leak(decks)
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
        Command::Review(args) => review::run(&cx, &args),
        Command::Stats(args) => stats::run(&cx, &args),
        Command::Forget(args) => forget::run(&cx, &args),
    }
}

/// The message printed for an error that ends pmquiz.
pub fn describe(error: &anyhow::Error) -> String {
    if let Some(load) = error.downcast_ref::<LoadError>() {
        return load.to_string();
    }
    format!("error: {error:#}")
}
