//! Runs the real `pmquiz` binary in a sealed environment: a fresh data directory, no user deck
//! folders, no colours, and a home directory that is not the user's.

#![allow(dead_code)]

pub(crate) mod device;
#[cfg(unix)]
pub(crate) mod pty;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long any single run may take before the test fails instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The directory holding the committed fixture decks.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One invocation of `pmquiz`, built up and then run.
pub(crate) struct Pmquiz {
    args: Vec<OsString>,
    stdin: Vec<u8>,
    cwd: Option<PathBuf>,
    env: Vec<(String, OsString)>,
    data: TempDir,
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub(crate) struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Starts building a run of `pmquiz` with these arguments.
pub(crate) fn pmquiz<I, S>(args: I) -> Pmquiz
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    Pmquiz {
        args: args.into_iter().map(Into::into).collect(),
        stdin: Vec::new(),
        cwd: None,
        env: Vec::new(),
        data: TempDir::new().expect("temporary data directory"),
    }
}

/// The environment every spawned `pmquiz` gets, on top of an empty one.
pub(crate) fn sealed_env(cmd: &mut Command, data_dir: &Path) {
    cmd.env_clear();
    for keep in ["PATH", "SYSTEMROOT", "LLVM_PROFILE_FILE"] {
        if let Some(value) = std::env::var_os(keep) {
            cmd.env(keep, value);
        }
    }
    cmd.env("PMQUIZ_DATA_DIR", data_dir)
        .env("PMQUIZ_DECKS", "")
        .env("HOME", data_dir)
        .env("XDG_DATA_HOME", data_dir.join("xdg"))
        .env("XDG_CACHE_HOME", data_dir.join("xdg-cache"))
        .env("NO_COLOR", "1");
}

impl Pmquiz {
    pub(crate) fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub(crate) fn stdin(mut self, text: impl AsRef<[u8]>) -> Self {
        self.stdin = text.as_ref().to_vec();
        self
    }

    /// Answers, one per line.
    pub(crate) fn lines<S: AsRef<str>>(self, lines: &[S]) -> Self {
        let mut text = String::new();
        for line in lines {
            text.push_str(line.as_ref());
            text.push('\n');
        }
        self.stdin(text)
    }

    pub(crate) fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    pub(crate) fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.env.push((key.to_string(), value.into()));
        self
    }

    /// The data directory this run will use (`PMQUIZ_DATA_DIR`).
    pub(crate) fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Writes a user deck into `DATA_DIR/decks/NAME`.
    pub(crate) fn user_deck(self, name: &str, text: &str) -> Self {
        let dir = self.data.path().join("decks");
        std::fs::create_dir_all(&dir).expect("create user deck folder");
        std::fs::write(dir.join(name), text).expect("write user deck");
        self
    }

    pub(crate) fn run(&self) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pmquiz"));
        sealed_env(&mut cmd, self.data.path());
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd.args(&self.args)
            .current_dir(self.cwd.clone().unwrap_or_else(fixtures))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn pmquiz");

        let mut stdin = child.stdin.take().expect("stdin");
        let input = self.stdin.clone();
        let writer = std::thread::spawn(move || {
            // pmquiz may exit before reading everything: a broken pipe is fine.
            let _ = stdin.write_all(&input);
        });
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            out.read_to_end(&mut buf).expect("read stdout");
            buf
        });
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            err.read_to_end(&mut buf).expect("read stderr");
            buf
        });

        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for pmquiz") {
                break status;
            }
            if started.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("pmquiz {:?} did not finish within {TIMEOUT:?}", self.args);
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        writer.join().expect("stdin writer");
        let stdout =
            String::from_utf8(out_reader.join().expect("stdout reader")).expect("stdout is UTF-8");
        let stderr =
            String::from_utf8(err_reader.join().expect("stderr reader")).expect("stderr is UTF-8");
        Output {
            stdout,
            stderr,
            code: status
                .code()
                .expect("pmquiz exited normally, not by a signal"),
        }
    }
}

impl Output {
    /// Fails the test, showing both streams, unless the exit code is `code`.
    #[track_caller]
    pub(crate) fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn success(&self) -> &Self {
        self.code(0)
    }

    /// Parses stdout as one JSON value.
    #[track_caller]
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON: {e}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Asserts that `haystack` contains `needle`, showing the haystack otherwise.
#[track_caller]
pub(crate) fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected to find {needle:?} in:\n{haystack}"
    );
}

#[track_caller]
pub(crate) fn assert_not_contains(haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "expected not to find {needle:?} in:\n{haystack}"
    );
}

/// One question of a scripted session, as learned from a practice run: what was asked, the
/// options shown (multiple choice), and the answer pmquiz expects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Asked {
    pub card_id: String,
    /// `flash`, `mcq`, `tf`, `blank` or `typed`.
    pub kind: String,
    pub prompt: String,
    pub options: Vec<String>,
    pub expected: String,
}

/// A question block of a scripted transcript: its header's kind label and its options.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub header: String,
    pub label: String,
    pub options: Vec<String>,
}

/// Splits the prompts a scripted session printed into question blocks.
pub(crate) fn transcript(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut in_options = false;
    for line in text.lines() {
        if line.starts_with('[') && line.contains("]  score ") {
            let label = line
                .split("  · ")
                .nth(1)
                .expect("a kind label in the header")
                .to_string();
            blocks.push(Block {
                header: line.to_string(),
                label,
                options: Vec::new(),
            });
            in_options = true;
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            continue;
        };
        if line.starts_with("Answer (") {
            in_options = false;
        }
        if in_options {
            let number = format!("  {}) ", block.options.len() + 1);
            if let Some(option) = line.strip_prefix(&number) {
                block.options.push(option.to_string());
            }
        }
    }
    blocks
}

/// `multiple choice` → `mcq`, and so on.
pub(crate) fn kind_of_label(label: &str) -> &'static str {
    match label {
        "flashcard" => "flash",
        "multiple choice" => "mcq",
        "true/false" => "tf",
        "fill in the blank" => "blank",
        "typed answer" => "typed",
        other => panic!("unknown kind label {other:?}"),
    }
}

/// Some acceptable input for a question of this kind, right or wrong.
fn any_answer(kind: &str) -> Vec<String> {
    match kind {
        "mcq" => vec!["1".into()],
        "tf" => vec!["t".into()],
        "flash" => vec![String::new(), "3".into()],
        _ => vec!["x".into()],
    }
}

/// Learns the questions `pmquiz ARGS` asks (ARGS must fix the seed), by running the session in
/// practice mode with JSON output and answering one more question on each run.
pub(crate) fn learn_session(args: &[&str]) -> Vec<Asked> {
    let mut kinds: Vec<&'static str> = Vec::new();
    loop {
        let input: Vec<String> = kinds.iter().flat_map(|k| any_answer(k)).collect();
        let out = pmquiz(args.iter().copied().chain(["--format", "json"]))
            .lines(&input)
            .run();
        out.success();
        let summary = out.json();
        let total = summary["total"].as_u64().expect("total") as usize;
        let results = summary["results"].as_array().expect("results");
        assert_eq!(results.len(), kinds.len(), "every known question answered");
        let blocks = transcript(&out.stderr);
        if results.len() == total {
            assert_eq!(blocks.len(), total);
            return results
                .iter()
                .zip(blocks)
                .map(|(r, b)| Asked {
                    card_id: r["card_id"].as_str().unwrap().to_string(),
                    kind: r["kind"].as_str().unwrap().to_string(),
                    prompt: r["prompt"].as_str().unwrap().to_string(),
                    options: b.options,
                    expected: r["expected"].as_str().unwrap().to_string(),
                })
                .collect();
        }
        let next = blocks.last().expect("the question waiting for an answer");
        kinds.push(kind_of_label(&next.label));
    }
}

impl Asked {
    /// 1-based number of the right option of a multiple-choice question.
    pub(crate) fn right_option(&self) -> usize {
        self.options
            .iter()
            .position(|o| *o == self.expected)
            .unwrap_or_else(|| panic!("the expected answer is among the options: {self:?}"))
            + 1
    }

    /// The input lines that answer this question right.
    pub(crate) fn right(&self) -> Vec<String> {
        match self.kind.as_str() {
            "mcq" => vec![self.right_option().to_string()],
            "flash" => vec![String::new(), "3".into()],
            _ => vec![self.expected.clone()],
        }
    }

    /// The input lines that answer this question wrong.
    pub(crate) fn wrong(&self) -> Vec<String> {
        match self.kind.as_str() {
            "mcq" => {
                let right = self.right_option();
                vec![if right == 1 { "2" } else { "1" }.into()]
            }
            "tf" => vec![if self.expected == "true" { "f" } else { "t" }.into()],
            "flash" => vec![String::new(), "1".into()],
            _ => vec!["qqqq qqqq".into()],
        }
    }
}

/// Input lines answering each question right (`true`) or wrong (`false`).
pub(crate) fn answers(questions: &[Asked], plan: &[bool]) -> Vec<String> {
    assert_eq!(questions.len(), plan.len());
    questions
        .iter()
        .zip(plan)
        .flat_map(|(q, &right)| if right { q.right() } else { q.wrong() })
        .collect()
}
