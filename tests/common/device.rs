//! A device for sync tests: a data directory of its own in which the real `pmquiz` runs with a
//! fixed clock (`PMQUIZ_NOW`), `TZ=UTC`, no user decks and no colours.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_pmquiz");

/// A deck of true statements only: asked with `--kinds tf`, `t` is right and `f` wrong.
pub(crate) const FACTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/history/facts.toml"
);

const PATIENCE: Duration = Duration::from_secs(60);

pub(crate) struct Device {
    data: TempDir,
}

/// What a finished pmquiz printed.
#[derive(Debug)]
pub(crate) struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    #[track_caller]
    pub(crate) fn ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "pmquiz failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e})\nstdout:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Device {
    pub(crate) fn new() -> Device {
        Device {
            data: TempDir::new().unwrap(),
        }
    }

    pub(crate) fn dir(&self) -> &Path {
        self.data.path()
    }

    pub(crate) fn db(&self) -> PathBuf {
        self.dir().join("pmquiz.db")
    }

    /// A copy of this device's data directory: the same device, for trying several orders of
    /// syncs from one starting point.
    pub(crate) fn copy(&self) -> Device {
        let copy = Device::new();
        for entry in std::fs::read_dir(self.dir()).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), copy.dir().join(entry.file_name())).unwrap();
            }
        }
        copy
    }

    pub(crate) fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PMQUIZ_DATA_DIR", self.dir())
            .env("PMQUIZ_DECKS", "")
            .env("HOME", self.dir())
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .env("PMQUIZ_NOW", now)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs pmquiz to the end with `input` on stdin.
    pub(crate) fn run(&self, now: &str, args: &[&str], input: &str) -> Out {
        finish(self.command(now, args).spawn().unwrap(), input)
    }

    /// A scripted `run` of the facts deck: `plan` answers each question right (`true`) or
    /// wrong.
    pub(crate) fn session(&self, now: &str, seed: u64, plan: &[bool]) -> Out {
        let input: String = plan
            .iter()
            .map(|&right| if right { "t\n" } else { "f\n" })
            .collect();
        let count = plan.len().to_string();
        let seed = seed.to_string();
        let out = self.run(
            now,
            &[
                "run", "--deck", FACTS, "--kinds", "tf", "--count", &count, "--seed", &seed,
                "--format", "json",
            ],
            &input,
        );
        out.ok();
        out
    }

    /// `pmquiz sync DIR --format json`.
    pub(crate) fn sync(&self, now: &str, dir: &Path) -> Out {
        self.run(
            now,
            &["sync", dir.to_str().unwrap(), "--format", "json"],
            "",
        )
    }

    fn read(&self) -> Connection {
        Connection::open_with_flags(self.db(), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }

    /// Every schedule row, in a fixed order, exactly as stored.
    pub(crate) fn cards(&self) -> Vec<Vec<rusqlite::types::Value>> {
        let conn = self.read();
        let mut stmt = conn
            .prepare(
                "SELECT deck_id, card_id, phase, stability, difficulty, due, last_review, reps, \
                 lapses FROM cards ORDER BY deck_id, card_id",
            )
            .unwrap();
        stmt.query_map([], |r| {
            (0..9)
                .map(|i| r.get::<_, rusqlite::types::Value>(i))
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    /// The ids of every answer (scheduled or practice), sorted.
    pub(crate) fn answer_ids(&self) -> Vec<Vec<u8>> {
        let conn = self.read();
        let mut stmt = conn
            .prepare(
                "SELECT event_id FROM answers UNION ALL SELECT event_id FROM practice ORDER BY 1",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The ids of every event of every kind, sorted.
    pub(crate) fn event_ids(&self) -> Vec<Vec<u8>> {
        let conn = self.read();
        let mut stmt = conn
            .prepare(
                "SELECT event_id FROM answers UNION ALL SELECT event_id FROM practice \
                 UNION ALL SELECT event_id FROM forgets UNION ALL SELECT event_id FROM undos \
                 UNION ALL SELECT event_id FROM overrides \
                 UNION ALL SELECT event_id FROM schedule_sets ORDER BY 1",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// This device's id, as its log is named (made by the first command that opens the
    /// history).
    pub(crate) fn id(&self) -> String {
        if !self.db().exists() {
            self.run(
                at(0).as_str(),
                &["stats", "--deck", FACTS, "--format", "json"],
                "",
            )
            .ok();
        }
        let conn = self.read();
        let bytes: Vec<u8> = conn
            .query_row(
                "SELECT id FROM devices JOIN this_device USING (num)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        uuid_text(&bytes)
    }

    /// This device's log in the sync folder `dir`.
    pub(crate) fn log(&self, dir: &Path) -> PathBuf {
        dir.join("pmquiz").join(format!("{}.log", self.id()))
    }
}

pub(crate) fn uuid_text(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Feeds `input`, closes stdin and waits for the exit, failing after a minute.
pub(crate) fn finish(mut child: Child, input: &str) -> Out {
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pmquiz did not finish within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    writer.join().unwrap();
    Out {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// `2026-02-01T09:00:00Z` plus `minutes`.
pub(crate) fn at(minutes: i64) -> String {
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-02-01T09:00:00Z").unwrap();
    (t0 + chrono::TimeDelta::minutes(minutes))
        .to_utc()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
