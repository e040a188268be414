//! One module per subcommand, each a short function wiring the domain to the edges.

mod check;
mod completions;
mod decks;
mod draft;
mod edit;
mod export;
mod forget;
mod history;
mod import;
mod man;
mod new;
mod optimize;
mod review;
mod run;
mod show;
pub mod stats;
mod study;
mod sync;
mod transfer;

use crate::cli::{Cli, Command};
use crate::config::{CONFIG_FILE_NAME, Config, ConfigError};
use crate::day::Days;
use crate::deck::DeckSource;
use crate::library::{self, DeckCache, LoadError, OpenDeck};
use crate::schedule::{Parameters, Retention, Scheduler};
use chrono::{DateTime, Local, Utc};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// Exit code for success.
pub(crate) const OK: u8 = 0;
/// Exit code for a failed check or any error.
pub(crate) const FAILURE: u8 = 1;
/// Exit code after Ctrl-C.
pub(crate) const INTERRUPTED: u8 = 130;

/// Where pmquiz finds its data and decks, and the settings and clock of this run. Each part is
/// resolved when a command first asks for it, so a command that does not need the data directory,
/// the config or the clock (`check`, `new`, `show PATH`) works whatever they say.
pub(crate) struct Context {
    /// The data directory and the deck cache's directory, or why they cannot be found.
    dirs: Result<(PathBuf, PathBuf), String>,
    cache: OnceCell<Option<DeckCache>>,
    config: OnceCell<Config>,
    fixed_now: OnceCell<Option<DateTime<Utc>>>,
}

impl Context {
    fn new(data_dir: Option<PathBuf>) -> Self {
        // With a data directory of their own choosing, users (and tests) keep everything of
        // pmquiz's in it; otherwise the cache goes where the platform keeps caches.
        let dirs = match data_dir {
            Some(dir) => {
                let cache = dir.join("cache");
                Ok((dir, cache))
            }
            None => directories::ProjectDirs::from("", "", "pmquiz")
                .map(|dirs| (dirs.data_dir().to_path_buf(), dirs.cache_dir().to_path_buf()))
                .ok_or_else(|| {
                    "cannot find a home directory for pmquiz's data; set PMQUIZ_DATA_DIR or pass --data-dir"
                        .to_string()
                }),
        };
        Context {
            dirs,
            cache: OnceCell::new(),
            config: OnceCell::new(),
            fixed_now: OnceCell::new(),
        }
    }

    /// The data directory: history, config and user decks.
    pub(crate) fn data_dir(&self) -> anyhow::Result<&Path> {
        match &self.dirs {
            Ok((data, _)) => Ok(data),
            Err(why) => Err(anyhow::anyhow!("{why}")),
        }
    }

    /// The folders searched for user decks.
    pub(crate) fn deck_dirs(&self) -> anyhow::Result<Vec<PathBuf>> {
        Ok(library::deck_dirs(
            self.data_dir()?,
            std::env::var_os("PMQUIZ_DECKS").as_deref(),
        ))
    }

    /// The cache of validated large decks, when there is somewhere to keep it.
    pub(crate) fn cache(&self) -> Option<&DeckCache> {
        self.cache
            .get_or_init(|| {
                let (_, dir) = self.dirs.as_ref().ok()?;
                DeckCache::new(dir.clone())
            })
            .as_ref()
    }

    /// The settings in `DATA_DIR/config.toml` (the defaults when there is none).
    pub(crate) fn config(&self) -> anyhow::Result<&Config> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let config = Config::read(&self.data_dir()?.join(CONFIG_FILE_NAME))?;
        Ok(self.config.get_or_init(|| config))
    }

    /// The clock set by `PMQUIZ_NOW`, a testing aid.
    pub(crate) fn fixed_now(&self) -> anyhow::Result<Option<DateTime<Utc>>> {
        if let Some(now) = self.fixed_now.get() {
            return Ok(*now);
        }
        let now = match std::env::var("PMQUIZ_NOW") {
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
        Ok(*self.fixed_now.get_or_init(|| now))
    }

    /// The current time: `PMQUIZ_NOW` when set, otherwise the system clock.
    pub(crate) fn now(&self) -> anyhow::Result<DateTime<Utc>> {
        Ok(self.fixed_now()?.unwrap_or_else(Utc::now))
    }

    /// The learner's days: the system's time zone (`TZ`), days starting at `day_starts_at` in
    /// config.toml (4 am when not set).
    pub(crate) fn days(&self) -> anyhow::Result<Days<Local>> {
        let starts_at = self.config()?.day_starts_at.unwrap_or_default();
        Ok(Days::new(Local, starts_at.hour()))
    }

    /// Desired retention: the flag, else `retention` in config.toml, else 0.9. A broken config
    /// file is reported even when the flag is given.
    pub(crate) fn retention(&self, flag: Option<Retention>) -> anyhow::Result<Retention> {
        let config = self.config()?;
        Ok(flag.or(config.retention).unwrap_or_default())
    }

    /// This device's scheduler, as a replay of synced events uses it: the settings of
    /// config.toml, never a session's flags, so that the same events give the same schedules
    /// on every device with the same settings.
    pub(crate) fn scheduler(&self) -> anyhow::Result<Scheduler> {
        self.session_scheduler(None)
    }

    /// The sync folder: `dir` when given, else `sync_dir` in config.toml (`~/` for the home
    /// directory; a relative path is relative to the data directory), else `None`.
    pub(crate) fn sync_dir(&self, dir: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
        if let Some(dir) = dir {
            return Ok(Some(dir.to_path_buf()));
        }
        let Some(text) = self.config()?.sync_dir.as_deref() else {
            return Ok(None);
        };
        let home = || {
            directories::BaseDirs::new()
                .map(|b| b.home_dir().to_path_buf())
                .ok_or_else(|| {
                    anyhow::anyhow!("cannot find the home directory for `sync_dir = {text:?}`")
                })
        };
        let path = if text == "~" {
            home()?
        } else if let Some(rest) = text.strip_prefix("~/") {
            home()?.join(rest)
        } else {
            self.data_dir()?.join(text)
        };
        Ok(Some(path))
    }

    /// The FSRS parameters in use: `parameters` in config.toml (fitted by `pmquiz optimize`),
    /// else FSRS's defaults.
    pub(crate) fn parameters(&self) -> anyhow::Result<Parameters> {
        Ok(self.config()?.parameters.clone().unwrap_or_default())
    }

    /// The scheduler for a session: the parameters in use, the desired retention from the flag
    /// or the config, and the learner's days.
    pub(crate) fn session_scheduler(
        &self,
        retention: Option<Retention>,
    ) -> anyhow::Result<Scheduler> {
        Ok(
            Scheduler::with_parameters(&self.parameters()?, self.retention(retention)?)
                .counting_days(self.days()?),
        )
    }

    /// Resolves deck arguments; none means every available deck (built-in and user decks that
    /// load).
    pub(crate) fn decks_or_all(&self, args: &[String]) -> anyhow::Result<Vec<OpenDeck>> {
        if !args.is_empty() {
            return self.decks(args);
        }
        self.usable_decks()
    }

    /// Resolves deck arguments; none means every built-in deck, or the user deck that hides it
    /// (has its id).
    pub(crate) fn decks(&self, args: &[String]) -> anyhow::Result<Vec<OpenDeck>> {
        if args.is_empty() {
            let mut decks = self.usable_decks()?;
            decks.retain(|d| crate::deck::builtin_ids().any(|id| id == d.id()));
            return Ok(decks);
        }
        let mut decks: Vec<OpenDeck> = Vec::new();
        for arg in args {
            let d = self.deck(arg)?;
            if !decks.iter().any(|x| x.id() == d.id()) {
                decks.push(d);
            }
        }
        Ok(decks)
    }

    /// Every deck that loads, one per id, with a warning on stderr for each user deck left out
    /// (broken, or sharing its id with another).
    fn usable_decks(&self) -> anyhow::Result<Vec<OpenDeck>> {
        let (decks, warnings) =
            library::usable(library::list_decks(&self.deck_dirs()?, self.cache()));
        for warning in warnings {
            eprintln!("{warning}");
        }
        Ok(decks)
    }

    /// Resolves one deck argument: a path to a deck file (which needs no data directory), or
    /// the id of a known deck.
    pub(crate) fn deck(&self, arg: &str) -> anyhow::Result<OpenDeck> {
        let dirs = if library::is_path(arg) {
            Vec::new()
        } else {
            self.deck_dirs()?
        };
        Ok(library::resolve(arg, &dirs, self.cache())?)
    }
}

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let cx = Context::new(cli.data_dir());
    match cli.command {
        Command::Decks(args) => decks::run(&cx, args.format),
        Command::Show(args) => show::run(&cx, &args),
        Command::Check(args) => Ok(check::run(&cx, &args.files)),
        Command::New(args) => new::run(&args.path),
        Command::Draft(args) => draft::run(&args),
        Command::Run(args) => run::run(&cx, &args),
        Command::Review(args) => review::run(&cx, &args),
        Command::Stats(args) => stats::run(&cx, &args),
        Command::Forget(args) => forget::run(&cx, &args),
        Command::Completions(args) => completions::run(args.shell),
        Command::Man(args) => man::run(args.dir.as_deref()),
        Command::Import(args) => import::run(&cx, &args),
        Command::Sync(args) => sync::run(&cx, &args),
        Command::History(args) => transfer::run(&cx, &args),
        Command::Export(args) => export::run(&cx, &args),
        Command::Optimize(args) => optimize::run(&cx, &args),
    }
}

/// The message printed for an error that ends pmquiz.
pub fn describe(error: &anyhow::Error) -> String {
    if let Some(load) = error.downcast_ref::<LoadError>() {
        return load.to_string();
    }
    if let Some(config) = error.downcast_ref::<ConfigError>() {
        return config.to_string();
    }
    format!("error: {error:#}")
}
