//! `pmquiz sync` between data directories (devices) through a shared folder, driving real
//! sessions with `PMQUIZ_NOW`: whatever order the devices sync in, they end with the same
//! answers and byte-identical schedules; a forget reaches the others; a second sync adds
//! nothing; `history export`/`import` carry a whole history.

mod common;

use common::device::{Device, FACTS, at};
use common::{assert_contains, assert_not_contains};
use std::path::Path;
use tempfile::TempDir;

/// Answers each device gives: (device, minutes after the start, seed, plan).
const SESSIONS: &[(usize, i64, u64, &[bool])] = &[
    (0, 0, 1, &[true, false, true, true, false, true, true, true]),
    (
        1,
        30,
        2,
        &[false, true, true, false, true, true, true, true],
    ),
    (
        2,
        90,
        3,
        &[true, true, false, true, true, false, true, true],
    ),
    (
        0,
        24 * 60,
        4,
        &[true, true, true, false, true, true, false, true],
    ),
    (
        1,
        24 * 60 + 10,
        1,
        &[true, true, true, true, true, true, true, true],
    ),
];

fn devices_with_sessions() -> Vec<Device> {
    let devices = vec![Device::new(), Device::new(), Device::new()];
    for &(d, minutes, seed, plan) in SESSIONS {
        devices[d].session(&at(minutes), seed, plan);
    }
    devices
}

fn permutations() -> Vec<[usize; 3]> {
    vec![
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ]
}

#[test]
fn syncs_in_every_order_give_every_device_the_same_answers_and_schedules() {
    let start = devices_with_sessions();
    let answers: usize = SESSIONS.iter().map(|s| s.3.len()).sum();
    let mut first: Option<Vec<Vec<rusqlite::types::Value>>> = None;
    for order in permutations() {
        let devices: Vec<Device> = start.iter().map(Device::copy).collect();
        let folder = TempDir::new().unwrap();
        // The first device to sync has seen nobody's answers; after two rounds everyone has.
        for round in 0..2 {
            for &d in &order {
                let out = devices[d].sync(&at(2 * 24 * 60 + round), folder.path());
                out.ok();
            }
        }
        let cards = devices[0].cards();
        assert!(!cards.is_empty());
        for d in &devices {
            assert_eq!(d.answer_ids().len(), answers, "order {order:?}");
            assert_eq!(d.answer_ids(), devices[0].answer_ids(), "order {order:?}");
            assert_eq!(d.cards(), cards, "order {order:?}");
        }
        match &first {
            None => first = Some(cards.clone()),
            Some(first) => assert_eq!(&cards, first, "order {order:?}"),
        }
        if order == [0, 1, 2] {
            // A further sync adds nothing, and changes no schedule.
            for d in &devices {
                let out = d.sync(&at(3 * 24 * 60), folder.path());
                let json = out.ok().json();
                assert_eq!(json["sent"], 0, "{json}");
                assert_eq!(json["received"], 0, "{json}");
                assert!(json["warnings"].as_array().unwrap().is_empty(), "{json}");
                assert_eq!(d.cards(), cards);
            }
        }
    }
}

#[test]
fn the_schedules_after_a_sync_are_those_of_one_device_that_gave_every_answer() {
    let devices = devices_with_sessions();
    let folder = TempDir::new().unwrap();
    for _ in 0..2 {
        for d in &devices {
            d.sync(&at(3000), folder.path()).ok();
        }
    }
    // The same answers at the same times on a single device.
    let single = Device::new();
    for &(_, minutes, seed, plan) in SESSIONS {
        single.session(&at(minutes), seed, plan);
    }
    assert_eq!(devices[2].cards(), single.cards());
}

#[test]
fn a_forget_on_one_device_reaches_the_others_and_stats_count_every_device() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    a.session(&at(0), 1, &[true; 6]);
    b.session(&at(10), 2, &[false; 4]);
    a.sync(&at(20), folder.path()).ok();
    b.sync(&at(21), folder.path()).ok();
    a.sync(&at(22), folder.path()).ok();
    assert_eq!(a.cards(), b.cards());
    // `stats` counts the answers of both devices.
    for d in [&a, &b] {
        let out = d.run(&at(30), &["stats", "--deck", FACTS, "--format", "json"], "");
        let stats = out.ok().json();
        assert_eq!(stats[0]["last_7_days"]["answers"], 10, "{stats}");
        assert_eq!(stats[0]["last_7_days"]["correct"], 6, "{stats}");
    }

    let forgot = b.run(&at(40), &["forget", FACTS, "--yes"], "");
    assert_contains(&forgot.ok().stdout, "Cleared the schedule");
    assert!(b.cards().is_empty());
    b.sync(&at(41), folder.path()).ok();
    let out = a.sync(&at(42), folder.path());
    assert_eq!(out.ok().json()["received"], 1);
    assert!(a.cards().is_empty(), "{:?}", a.cards());
    // Answers after the forget schedule the card from scratch, on both devices.
    a.session(&at(50), 3, &[true, false]);
    a.sync(&at(51), folder.path()).ok();
    b.sync(&at(52), folder.path()).ok();
    assert_eq!(a.cards(), b.cards());
    assert_eq!(a.cards().len(), 2);
    // The history is kept: 12 answers on each device.
    assert_eq!(b.answer_ids().len(), 12);
}

/// Writes `text` to the device's config.toml.
fn config(d: &Device, text: &str) {
    std::fs::write(d.dir().join("config.toml"), text).unwrap();
}

#[test]
fn with_sync_auto_sessions_sync_at_their_start_and_end() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    let settings = format!(
        "sync_dir = {:?}\nsync = \"auto\"\n",
        folder.path().to_str().unwrap()
    );
    config(&a, &settings);
    config(&b, &settings);
    // Missed on the laptop...
    let out = a.session(&at(0), 5, &[false, false, true]);
    assert_contains(&out.stderr, "sync: Synced with");
    let missed: Vec<String> = out.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["correct"] == false)
        .map(|r| r["card_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(missed.len(), 2);
    // ... due on the desktop a few minutes later.
    let review = b.run(
        &at(5),
        &[
            "review", "--deck", FACTS, "--kinds", "tf", "--format", "json",
        ],
        "t\nt\nt\n",
    );
    let summary = review.ok().json();
    let asked: Vec<String> = summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["card_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        asked.iter().collect::<std::collections::BTreeSet<_>>(),
        missed.iter().collect()
    );
    // The desktop's answers went out at the end of its session.
    a.sync(&at(6), folder.path()).ok();
    assert_eq!(a.cards(), b.cards());
    assert_eq!(a.answer_ids().len(), 5);

    // A missing folder is a warning, not the end of the session.
    config(
        &a,
        "sync_dir = \"/nonexistent/pmquiz-sync\"\nsync = \"auto\"\n",
    );
    let out = a.session(&at(60), 6, &[true]);
    assert_contains(&out.stderr, "warning: automatic sync failed");
    assert_contains(&out.stderr, "/nonexistent/pmquiz-sync does not exist");
    // `sync_dir` names the folder of a plain `pmquiz sync`.
    config(
        &a,
        &format!("sync_dir = {:?}\n", folder.path().to_str().unwrap()),
    );
    let out = a.run(&at(61), &["sync"], "");
    assert_contains(&out.ok().stdout, "sent 1 event");
}

#[test]
fn sync_without_a_folder_says_how_to_give_one() {
    let a = Device::new();
    let out = a.run(&at(0), &["sync"], "");
    assert_eq!(out.code, Some(1));
    assert_contains(&out.stderr, "no sync folder");
    assert_contains(&out.stderr, "sync_dir");
    config(&a, "sync = \"often\"\n");
    let out = a.run(&at(0), &["sync", "/tmp"], "");
    assert_eq!(out.code, Some(1));
    assert_contains(&out.stderr, "config.toml:1:8: error: invalid config");
}

#[test]
fn status_shows_the_devices_and_what_waits_in_each_direction() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    a.session(&at(0), 1, &[true, true, false]);
    let status = |d: &Device| {
        d.run(
            &at(5),
            &[
                "sync",
                folder.path().to_str().unwrap(),
                "--status",
                "--format",
                "json",
            ],
            "",
        )
        .ok()
        .json()
    };
    let s = status(&a);
    assert_eq!(s["to_send"], 3, "{s}");
    assert_eq!(s["devices"].as_array().unwrap().len(), 1);
    assert_eq!(s["devices"][0]["this"], true);
    assert_eq!(s["devices"][0]["answers"], 3);
    // --status changes nothing.
    assert!(!a.log(folder.path()).exists());
    a.sync(&at(6), folder.path()).ok();
    assert_eq!(status(&a)["to_send"], 0);

    let s = status(&b);
    let devices = s["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2, "{s}");
    assert_eq!(devices[1]["id"], a.id());
    assert_eq!(devices[1]["to_receive"], 3);
    assert_eq!(devices[1]["answers"], 0);
    assert!(!devices[1]["name"].as_str().unwrap().is_empty(), "{s}");
    // Both devices are this machine: this one is named as its log names it.
    assert_eq!(devices[0]["name"], devices[1]["name"], "{s}");
    b.sync(&at(7), folder.path()).ok();
    let s = status(&b);
    assert_eq!(s["devices"][1]["to_receive"], 0);
    assert_eq!(s["devices"][1]["answers"], 3);
    assert_eq!(
        s["devices"][1]["last_event_at"],
        "2026-02-01T09:00:00+00:00"
    );

    let text = b
        .run(
            &at(8),
            &["sync", folder.path().to_str().unwrap(), "--status"],
            "",
        )
        .ok()
        .stdout
        .clone();
    assert_contains(&text, "Sync folder  ");
    assert_contains(&text, "This device ");
    assert_contains(
        &text,
        "3 answers here, last event 2026-02-01 09:00 UTC; 0 events waiting in its log",
    );
}

#[test]
fn export_and_import_carry_a_whole_history() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    a.session(&at(0), 1, &[true, false, true]);
    b.session(&at(5), 2, &[true, true]);
    b.sync(&at(6), folder.path()).ok();
    a.sync(&at(7), folder.path()).ok();
    a.run(&at(8), &["forget", FACTS, "--yes"], "").ok();
    a.session(&at(9), 3, &[false]);

    let file = folder.path().join("backup.pmquiz");
    let out = a.run(&at(10), &["history", "export", file.to_str().unwrap()], "");
    assert_contains(&out.ok().stdout, "Exported 7 events (6 answers) to");

    let fresh = Device::new();
    let out = fresh.run(&at(11), &["history", "import", file.to_str().unwrap()], "");
    assert_contains(&out.ok().stdout, "7 new events (6 answers), 0 already here");
    assert_eq!(fresh.cards(), a.cards());
    assert_eq!(fresh.event_ids(), a.event_ids());
    let out = fresh.run(&at(12), &["history", "import", file.to_str().unwrap()], "");
    assert_contains(
        &out.ok().stdout,
        "0 new events (0 answers), 7 already here; 0 cards rescheduled",
    );

    // Exporting again replaces the file.
    let out = b.run(&at(13), &["history", "export", file.to_str().unwrap()], "");
    assert_contains(&out.ok().stdout, "Exported 2 events");

    // Something else is refused.
    let other = folder.path().join("notes.txt");
    std::fs::write(&other, "shopping list").unwrap();
    let out = fresh.run(&at(14), &["history", "import", other.to_str().unwrap()], "");
    assert_eq!(out.code, Some(1));
    assert_contains(&out.stderr, "is not a pmquiz history export");
    let out = fresh.run(&at(14), &["history", "import", "/nonexistent/backup"], "");
    assert_eq!(out.code, Some(1));
    assert_contains(&out.stderr, "cannot read /nonexistent/backup");
}

#[test]
fn copies_made_by_sync_tools_are_read_as_logs_of_their_device() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    a.session(&at(0), 1, &[true, false]);
    a.sync(&at(1), folder.path()).ok();
    let log = a.log(folder.path());
    let early = std::fs::read(&log).unwrap();
    a.session(&at(2), 2, &[true, true, true]);
    a.sync(&at(3), folder.path()).ok();
    let full = std::fs::read(&log).unwrap();
    // The sync tool kept the early version as the log and the full one as a conflict copy,
    // and git left a copy of the log beside it.
    let id = a.id();
    let pmquiz = folder.path().join("pmquiz");
    std::fs::write(&log, &early).unwrap();
    std::fs::write(
        pmquiz.join(format!("{id}.sync-conflict-20260201-090300-ABCDEFG.log")),
        &full,
    )
    .unwrap();
    std::fs::write(
        pmquiz.join(format!("{id} (conflicted copy 2026-02-01).log")),
        &full,
    )
    .unwrap();
    std::fs::write(pmquiz.join(format!("{id}.log.orig")), &early).unwrap();
    // Files that are not logs are left alone.
    std::fs::write(pmquiz.join("README.txt"), "notes").unwrap();
    std::fs::write(pmquiz.join(format!(".{id}.log.1234.tmp")), b"partial").unwrap();

    let out = b.sync(&at(4), folder.path());
    let json = out.ok().json();
    assert_eq!(json["logs_read"], 4, "{json}");
    assert_eq!(json["received"], 5, "{json}");
    assert_eq!(json["already_known"], 9, "{json}");
    assert!(json["warnings"].as_array().unwrap().is_empty(), "{json}");
    assert_eq!(b.answer_ids(), a.answer_ids());
    assert_eq!(b.cards(), a.cards());

    // The device whose log lost its end notices, and writes the missing events again.
    let out = a.sync(&at(5), folder.path());
    let json = out.ok().json();
    assert_eq!(json["sent"], 3, "{json}");
    let (events, _) = read_log(&log);
    assert_eq!(events, 5);
}

/// The events and damaged spans of a log file, read with pmquiz's own reader.
fn read_log(path: &Path) -> (usize, usize) {
    let bytes = std::fs::read(path).unwrap();
    let contents = pmquiz::sync::format::read_all(&bytes);
    (contents.records.len() - 1, contents.damaged.len())
}

#[test]
fn the_history_of_an_older_pmquiz_is_shared_after_its_upgrade() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/history");
    std::fs::copy(format!("{fixtures}/legacy.db"), a.db()).unwrap();
    let deck = format!("{fixtures}/legacy.toml");
    // Its deck is a user deck of the data directory, so sync finds it and moves the history
    // to the card ids this version derives before sharing it.
    std::fs::create_dir_all(a.dir().join("decks")).unwrap();
    std::fs::copy(&deck, a.dir().join("decks/legacy.toml")).unwrap();
    a.sync(&at(0), folder.path()).ok();
    let out = b.sync(&at(1), folder.path());
    assert_eq!(out.ok().json()["received_answers"], 7);
    assert_eq!(b.cards(), a.cards());
    assert_eq!(b.cards().len(), 7);
    let stats = b
        .run(&at(2), &["stats", "--deck", &deck, "--format", "json"], "")
        .ok()
        .json();
    assert_eq!(stats[0]["review"], 7, "{stats}");
    assert_not_contains(&out.stderr, "warning");
}

#[test]
fn answers_from_a_clock_behind_the_others_take_their_place_in_time_order() {
    let (a, b) = (Device::new(), Device::new());
    let folder = TempDir::new().unwrap();
    // As if one device had given b's answers first, then a's.
    let single = Device::new();
    single.session(&at(40), 1, &[false, true, true, false]);
    single.session(&at(100), 1, &[true, true, false, true]);

    a.session(&at(100), 1, &[true, true, false, true]);
    a.sync(&at(101), folder.path()).ok();
    b.sync(&at(102), folder.path()).ok();
    // b's clock is an hour behind: it answers the same cards "before" a's answers it knows.
    b.session(&at(40), 1, &[false, true, true, false]);
    assert_eq!(b.cards().len(), 4, "the same four cards");
    // The next command that opens the history puts b's answers in their place.
    b.run(&at(41), &["stats", "--deck", FACTS, "--format", "json"], "")
        .ok();
    assert_eq!(b.cards(), single.cards());
    b.sync(&at(45), folder.path()).ok();
    a.sync(&at(103), folder.path()).ok();
    assert_eq!(a.answer_ids().len(), 8);
    assert_eq!(a.answer_ids(), b.answer_ids());
    assert_eq!(a.cards(), b.cards());
    assert_eq!(a.cards(), single.cards());
}

/// The lines README gives to sync through a git repository (the `sh` block after "With a git
/// repository").
fn readme_git_recipe() -> String {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("**With a git repository**").unwrap()..];
    let start = section.find("```sh\n").unwrap() + "```sh\n".len();
    let block = &section[start..];
    block[..block.find("```").unwrap()]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `script` with `sh -e` as the user of device `d` whose home is `home`, with pmquiz
/// on the PATH and a fixed clock.
fn sh(d: &Device, home: &Path, now: &str, script: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_pmquiz")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("sh")
        .args(["-ec", script])
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("PMQUIZ_DATA_DIR", d.dir())
        .env("PMQUIZ_DECKS", "")
        .env("PMQUIZ_NOW", now)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .current_dir(home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Learner")
        .env("GIT_AUTHOR_EMAIL", "learner@example.org")
        .env("GIT_COMMITTER_NAME", "Learner")
        .env("GIT_COMMITTER_EMAIL", "learner@example.org")
        .output()
        .expect("sh runs")
}

#[test]
fn the_readme_s_git_recipe_syncs_two_devices() {
    let recipe = readme_git_recipe();
    assert!(recipe.contains("pmquiz sync"), "{recipe}");
    let (a, b) = (Device::new(), Device::new());
    let (home_a, home_b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let host = TempDir::new().unwrap();
    let remote = host.path().join("pmquiz-sync.git");
    let remote = remote.to_str().unwrap();
    // The repository on the host, with a first commit; a clone on each device.
    let setup = format!(
        "git -c init.defaultBranch=main init -q --bare {remote}\n\
         git clone -q {remote} first 2>/dev/null\n\
         cd first && echo 'pmquiz history' > README.md && git add README.md\n\
         git commit -qm 'First commit' && git push -q origin HEAD:main"
    );
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(sh(&a, host.path(), &at(0), &setup));
    for (d, home) in [(&a, &home_a), (&b, &home_b)] {
        let clone = format!("git clone -q {remote} ~/pmquiz-sync");
        ok(sh(d, home.path(), &at(0), &clone));
    }

    a.session(&at(10), 1, &[true, false, true]);
    b.session(&at(20), 2, &[false, false, true, true]);
    let out = ok(sh(&a, home_a.path(), &at(30), &recipe));
    assert_contains(&out, "sent 3 events");
    let out = ok(sh(&b, home_b.path(), &at(31), &recipe));
    assert_contains(&out, "sent 4 events, received 3 events");
    let out = ok(sh(&a, home_a.path(), &at(32), &recipe));
    assert_contains(&out, "sent 0 events, received 4 events");
    // Nothing new: the recipe still runs through.
    let out = ok(sh(&b, home_b.path(), &at(33), &recipe));
    assert_contains(&out, "nothing new");
    assert_eq!(a.answer_ids().len(), 7);
    assert_eq!(a.answer_ids(), b.answer_ids());
    assert_eq!(a.cards(), b.cards());
}
