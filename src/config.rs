//! The user's settings: `config.toml` in the data directory. Parsing is pure; a problem in the
//! file is a [`Diagnostic`] that points at its line and column.

use crate::day::DayStart;
use crate::diagnostic::Diagnostic;
use crate::schedule::Retention;
use serde::Deserialize;
use std::path::Path;

/// The name of the settings file inside the data directory.
pub(crate) const CONFIG_FILE_NAME: &str = "config.toml";

/// Settings read from `DATA_DIR/config.toml`; every one is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// Desired retention for scheduling.
    pub(crate) retention: Option<Retention>,
    /// The hour the learner's day starts at (4 am when not set).
    pub(crate) day_starts_at: Option<DayStart>,
    /// The folder `pmquiz sync` uses when none is given (`~/` is the home directory; a
    /// relative path is relative to the data directory).
    pub(crate) sync_dir: Option<String>,
    /// When to sync: `manual` (only `pmquiz sync`, the default) or `auto` (also at the start
    /// and end of every `run` and `review`).
    pub(crate) sync: Option<SyncMode>,
}

/// The `sync` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SyncMode {
    Manual,
    Auto,
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
    #[error("error: cannot read {path}: {message}")]
    Unreadable { path: String, message: String },
}

impl Config {
    /// Parses the text of a config file; `path` names it in the diagnostic.
    pub(crate) fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            let diagnostic = Diagnostic::at(
                path,
                text,
                e.span().unwrap_or(0..0),
                format!("invalid config: {message}"),
            )
            .with_help(
                "config.toml may set `retention = 0.9` (the desired retention, 0.7 to 0.99), \
                 `day_starts_at = 4` (the hour the day starts at, 0 to 23), \
                 `sync_dir = \"~/Sync\"` (the folder of `pmquiz sync`) and `sync = \"auto\"` \
                 or `\"manual\"`; fix or remove the line",
            );
            ConfigError::Invalid(Box::new(diagnostic))
        })
    }

    /// Reads the config file; a missing file means the defaults.
    pub(crate) fn read(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Config::parse(&text, &shown),
                Err(_) => Err(ConfigError::Unreadable {
                    path: shown,
                    message: "it is not UTF-8 text; save it as UTF-8".to_string(),
                }),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Unreadable {
                path: shown,
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert!(
            Config::parse("", "config.toml")
                .unwrap()
                .retention
                .is_none()
        );
        assert_eq!(
            Config::parse("retention = 0.85\n", "config.toml")
                .unwrap()
                .retention,
            Some(Retention::new(0.85).unwrap())
        );
    }

    #[test]
    fn sync_settings() {
        let c = Config::parse("sync_dir = \"~/Sync\"\nsync = \"auto\"\n", "config.toml").unwrap();
        assert_eq!(c.sync_dir.as_deref(), Some("~/Sync"));
        assert_eq!(c.sync, Some(SyncMode::Auto));
        let err = Config::parse("sync = \"sometimes\"\n", "config.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("config.toml:1:8: error: invalid config: unknown variant `sometimes`, expected `manual` or `auto`"), "{text}");
        let err = Config::parse("sync_dir = 3\n", "config.toml").unwrap_err();
        assert!(
            err.to_string().starts_with("config.toml:1:12: error"),
            "{err}"
        );
    }

    #[test]
    fn problems_point_at_their_line_and_column() {
        let err = Config::parse("# settings\nretention = 1.5\n", "cfg/config.toml").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("cfg/config.toml:2:13: error: invalid config: desired retention must be from 0.7 to 0.99"),
            "{text}"
        );
        let err = Config::parse("retention = 0.9\ncolour = \"blue\"\n", "config.toml").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("config.toml:2:1: error: invalid config: unknown field `colour`"),
            "{err}"
        );
        let err = Config::parse("retention = \n", "config.toml").unwrap_err();
        assert!(err.to_string().starts_with("config.toml:1:"), "{err}");
    }

    #[test]
    fn the_day_starts_at_an_hour_from_0_to_23() {
        let config = Config::parse("day_starts_at = 0\n", "config.toml").unwrap();
        assert_eq!(config.day_starts_at.map(DayStart::hour), Some(0));
        assert_eq!(
            Config::parse("", "config.toml").unwrap().day_starts_at,
            None
        );
        for text in ["day_starts_at = 24\n", "day_starts_at = -1\n"] {
            let err = Config::parse(&format!("retention = 0.9\n{text}"), "c/config.toml")
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with(
                    "c/config.toml:2:17: error: invalid config: day_starts_at must be an hour from 0 to 23"
                ),
                "{err}"
            );
            assert!(err.contains("`day_starts_at = 4`"), "{err}");
        }
        let err = Config::parse("day_starts_at = \"4am\"\n", "config.toml").unwrap_err();
        assert!(err.to_string().starts_with("config.toml:1:17:"), "{err}");
    }
}
