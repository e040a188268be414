//! The user's settings: `config.toml` in the data directory. Parsing is pure; a problem in the
//! file is a [`Diagnostic`] that points at its line and column.

use crate::day::DayStart;
use crate::diagnostic::Diagnostic;
use crate::schedule::{Parameters, RatingMap, Retention};
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
    /// FSRS parameters fitted by `pmquiz optimize` (FSRS's defaults when absent).
    pub(crate) parameters: Option<Parameters>,
    /// How judged answers become ratings: `standard` or `recognition-hard`.
    pub(crate) rating_map: Option<RatingMap>,
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
    #[error("error: cannot write {path}: {message}")]
    Unwritable { path: String, message: String },
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
                 `parameters = [...]` (21 FSRS parameters, as `pmquiz optimize` writes them), \
                 `rating_map = \"standard\"` or `\"recognition-hard\"`, `sync_dir = \"~/Sync\"` \
                 (the folder of `pmquiz sync`) and `sync = \"auto\"` or `\"manual\"`; fix or \
                 remove the line",
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

/// Sets `parameters` in the config file at `path` (creating it if needed) and keeps everything
/// else in it as it was, comments included. Written to a temporary file and renamed, so an
/// interrupted write leaves the old file.
pub(crate) fn write_parameters(path: &Path, parameters: &Parameters) -> Result<(), ConfigError> {
    let shown = path.display().to_string();
    let unwritable = |e: std::io::Error| ConfigError::Unwritable {
        path: shown.clone(),
        message: e.to_string(),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(ConfigError::Unreadable {
                path: shown,
                message: e.to_string(),
            });
        }
    };
    // The file must be valid before it is changed: a broken one is reported, not rewritten.
    Config::parse(&text, &shown)?;
    let mut doc: toml_edit::DocumentMut = text.parse().expect("valid TOML was just parsed");
    let mut values = toml_edit::Array::new();
    for &w in parameters.values() {
        // The shortest decimal that reads back as this f32, so the file shows `0.212`.
        let decimal: f64 = w.to_string().parse().expect("a float's own text");
        values.push(decimal);
    }
    doc["parameters"] = toml_edit::value(values);
    let new_text = doc.to_string();
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let temp = dir.join(format!(".{CONFIG_FILE_NAME}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temp, &new_text)
        .and_then(|()| std::fs::File::open(&temp)?.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(unwritable(e));
    }
    Ok(())
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

    #[test]
    fn parameters_are_read_checked_and_written_back_keeping_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let original = "# my settings\nretention = 0.85 # a bit lower\n";
        std::fs::write(&path, original).unwrap();
        let mut values = *Parameters::fsrs_default().values();
        values[2] = 5.5;
        let fitted = Parameters::new(&values).unwrap();
        write_parameters(&path, &fitted).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(original), "{text}");
        assert!(
            text.contains("parameters = [0.212, 1.2931, 5.5, 8.2956,"),
            "{text}"
        );
        let config = Config::read(&path).unwrap();
        assert_eq!(config.parameters, Some(fitted.clone()));
        assert_eq!(config.retention, Some(Retention::new(0.85).unwrap()));

        let err = Config::parse("parameters = [1.0, 2.0]\n", "c/config.toml").unwrap_err();
        assert!(
            err.to_string().starts_with(
                "c/config.toml:1:14: error: invalid config: invalid FSRS parameters: expected 21 numbers (FSRS-6), found 2"
            ),
            "{err}"
        );
        // A broken file is not rewritten.
        std::fs::write(&path, "retention = [\n").unwrap();
        assert!(write_parameters(&path, &fitted).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "retention = [\n");
    }
}
