//! Around the command line: shell completion scripts and manual pages, generated from the same
//! definition as `--help`.

mod common;

use common::{assert_contains, pmquiz};

#[test]
fn completion_scripts_for_every_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = pmquiz(["completions", shell]).run();
        out.success();
        for command in ["run", "review", "stats", "forget", "completions", "man"] {
            assert_contains(&out.stdout, command);
        }
        assert_contains(&out.stdout, "kinds");
    }
    let out = pmquiz(["completions", "tcsh"]).run();
    out.code(2);
    assert_contains(
        &out.stderr,
        "possible values: bash, elvish, fish, powershell, zsh",
    );
}

#[test]
fn the_manual_page_is_printed_or_written_one_page_per_command() {
    let out = pmquiz(["man"]).run();
    out.success();
    assert_contains(&out.stdout, ".TH pmquiz 1");
    assert_contains(&out.stdout, "review");

    let dir = tempfile::TempDir::new().unwrap();
    let out = pmquiz(["man", "--dir"]).arg(dir.path()).run();
    out.success();
    let run = std::fs::read_to_string(dir.path().join("pmquiz-run.1")).unwrap();
    assert_contains(&run, ".TH pmquiz-run 1");
    assert_contains(&run, "\\-\\-verbose");
    assert!(dir.path().join("pmquiz.1").exists());
}
