//! Settings and the environment: `config.toml` problems point at their line and column, and
//! commands that need neither the config nor the clock (`check`, `new`, `show PATH`, `--help`,
//! `--version`) work whatever those say.

mod common;

use common::{assert_contains, pmquiz};

/// A config file with a retention out of range, on its second line.
const BROKEN_CONFIG: &str = "# my settings\nretention = 3.5\n";

#[test]
fn commands_that_need_no_config_ignore_a_broken_one_and_a_bad_clock() {
    let out_dir = tempfile::tempdir().unwrap();
    let new_deck = out_dir.path().join("new.toml");
    let cases: [Vec<&str>; 6] = [
        vec!["check", "valid/card.toml"],
        vec!["new", new_deck.to_str().unwrap()],
        vec!["show", "valid/card.toml"],
        vec!["show", "valid/table.toml", "--format", "json"],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in cases {
        let run = pmquiz(&args).env("PMQUIZ_NOW", "yesterday-ish");
        std::fs::write(run.data_dir().join("config.toml"), BROKEN_CONFIG).unwrap();
        let out = run.run();
        assert_eq!(out.code, 0, "{args:?}\n{}{}", out.stdout, out.stderr);
        assert!(out.stderr.is_empty(), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn a_broken_config_is_reported_at_its_line_and_column() {
    for args in [vec!["run", "--count", "1"], vec!["review"]] {
        let run = pmquiz(&args).stdin("t\n");
        let config = run.data_dir().join("config.toml");
        std::fs::write(&config, BROKEN_CONFIG).unwrap();
        let out = run.run();
        out.code(1);
        let expected = format!(
            "{}:2:13: error: invalid config: desired retention must be from 0.7 to 0.99",
            config.display()
        );
        assert!(
            out.stderr.starts_with(&expected),
            "{args:?}: {}",
            out.stderr
        );
        assert_contains(&out.stderr, "2 | retention = 3.5");
        assert_contains(&out.stderr, "= help:");
    }
}

#[test]
fn an_hour_of_day_out_of_range_is_reported_at_its_line_and_column() {
    for args in [vec!["review"], vec!["stats"]] {
        let run = pmquiz(&args);
        let config = run.data_dir().join("config.toml");
        std::fs::write(&config, "retention = 0.9\nday_starts_at = 25\n").unwrap();
        let out = run.run();
        out.code(1);
        let expected = format!(
            "{}:2:17: error: invalid config: day_starts_at must be an hour from 0 to 23 (4 is 4 am), not 25",
            config.display()
        );
        assert!(
            out.stderr.starts_with(&expected),
            "{args:?}: {}",
            out.stderr
        );
        assert_contains(&out.stderr, "`day_starts_at = 4`");
    }
}

#[test]
fn a_broken_config_is_reported_even_when_a_flag_overrides_its_setting() {
    // The user should hear about a mistake in the file even when the flag makes the setting
    // unneeded for this run.
    for args in [
        vec!["run", "--count", "1", "--retention", "0.8"],
        vec!["run", "--count", "1", "--no-save"],
    ] {
        let run = pmquiz(&args).stdin("\n");
        std::fs::write(
            run.data_dir().join("config.toml"),
            "retention = 0.9\ncolour = \"blue\"\n",
        )
        .unwrap();
        let out = run.run();
        out.code(1);
        assert_contains(
            &out.stderr,
            "config.toml:2:1: error: invalid config: unknown field `colour`",
        );
    }
}

#[test]
fn a_bad_clock_is_an_error_for_commands_that_read_it() {
    let out = pmquiz(["review"]).env("PMQUIZ_NOW", "yesterday-ish").run();
    out.code(1);
    assert_contains(
        &out.stderr,
        "PMQUIZ_NOW=\"yesterday-ish\" is not an RFC 3339 time",
    );
}
