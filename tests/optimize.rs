//! `pmquiz optimize` on a history whose answers come from a learner with known memory
//! parameters: the fitted parameters predict it better than FSRS's defaults and are adopted
//! (config.toml, then `run`, `review` and `stats` use them); too little history, `--dry-run`
//! and broken parameters change nothing.

mod common;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use common::{assert_contains, pmquiz};
use pmquiz::schedule::{Parameters, Rating, Retention, Scheduler};
use pmquiz::store::Store;
use rand::{RngExt, SeedableRng};
use std::path::Path;

/// FSRS-6's default parameters (the `fsrs` crate's `DEFAULT_PARAMETERS`).
const DEFAULTS: [f32; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

/// A year of flashcard reviews of `cards` cards by a learner whose memory fades faster than the
/// defaults assume (shorter first memories, slower growth), answered when pmquiz's default
/// scheduler says, Good when recalled and Again when not, written to the history in `dir`.
fn forgetful_history(dir: &Path, cards: usize) {
    let mut hidden = DEFAULTS;
    for w in &mut hidden[..4] {
        *w *= 0.4;
    }
    hidden[8] -= 0.6;
    let memory_model = fsrs::FSRS::new(&hidden).unwrap();
    let scheduler = Scheduler::default();
    // The schema from pmquiz, then every answer in one transaction (quicker than syncing each).
    drop(Store::open(dir).unwrap());
    let mut conn = rusqlite::Connection::open(dir.join("pmquiz.db")).unwrap();
    let tx = conn.transaction().unwrap();
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(5);
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
    for card in 0..cards {
        let mut now = start + TimeDelta::hours(card as i64 % 300);
        let mut state = None;
        let mut memory: Option<(fsrs::MemoryState, DateTime<Utc>)> = None;
        while now < start + TimeDelta::days(365) {
            let recall = memory.map_or(0.0, |(m, last)| {
                let days = (now - last).num_seconds() as f32 / 86_400.0;
                fsrs::current_retrievability(m, days, hidden[20])
            });
            let recalled = rng.random::<f32>() < recall;
            let rating = if recalled {
                Rating::Good
            } else {
                Rating::Again
            };
            let days = memory.map_or(0, |(_, last)| (now - last).num_days() as u32);
            let next = memory_model
                .next_states(memory.map(|m| m.0), 0.9, days)
                .unwrap();
            memory = Some((if recalled { next.good } else { next.again }.memory, now));
            let s = scheduler.review(state.as_ref(), rating, now);
            tx.execute(
                "INSERT INTO answers (event_id, device, deck_id, card_id, question_kind, correct, \
                 rating, given, expected, answered_at, duration_ms, session_id) \
                 VALUES (randomblob(16), 1, 'synthetic', ?1, 'flash', ?2, ?3, '', 'back', ?4, \
                 5000, 'synthetic')",
                rusqlite::params![
                    format!("card-{card}"),
                    recalled,
                    rating.as_u8(),
                    now.timestamp_millis()
                ],
            )
            .unwrap();
            now = s.due;
            state = Some(s);
        }
    }
    tx.commit().unwrap();
}

/// The two log losses `optimize` printed: (in use, fitted).
fn log_losses(stdout: &str) -> (f64, f64) {
    let losses: Vec<f64> = stdout
        .lines()
        .filter_map(|l| l.split("log loss ").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(losses.len(), 2, "{stdout}");
    (losses[0], losses[1])
}

const CONFIG: &str = "# my settings\nretention = 0.9 # the default\n";

#[test]
fn fitted_parameters_that_predict_better_are_adopted() {
    let optimize = pmquiz(["optimize"]);
    let data = optimize.data_dir().to_path_buf();
    forgetful_history(&data, 300);
    let config = data.join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();

    // --dry-run: the same comparison, nothing written.
    let dry = pmquiz(["optimize", "--dry-run"])
        .env("PMQUIZ_DATA_DIR", &data)
        .run();
    dry.success();
    let (default, fitted) = log_losses(&dry.stdout);
    assert!(fitted < default, "{}", dry.stdout);
    assert_contains(&dry.stdout, "--dry-run");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);

    let out = optimize.run();
    out.success();
    assert_contains(&out.stdout, "FSRS defaults");
    assert_contains(&out.stdout, "written to `parameters` in");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with(CONFIG), "other settings are kept:\n{text}");
    assert!(text.contains("\nparameters = ["), "{text}");

    // stats names the parameters in use.
    let stats = pmquiz(["stats"]).env("PMQUIZ_DATA_DIR", &data).run();
    stats.success();
    assert_contains(&stats.stdout, "parameters fitted by `pmquiz optimize`");
    let json = pmquiz(["stats", "--format", "json"])
        .env("PMQUIZ_DATA_DIR", &data)
        .run();
    json.success();
    assert_eq!(json.json()[0]["parameters"], "fitted");

    // run schedules with them: a new card answered Easy is due when the fitted parameters say,
    // not when FSRS's defaults say.
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("one.toml");
    std::fs::write(
        &deck,
        "[deck]\nid = \"one\"\nname = \"One\"\n\n[[card]]\nid = \"q\"\nquestion = \"Q?\"\nanswer = \"A\"\n",
    )
    .unwrap();
    let deck = deck.to_str().unwrap();
    let now = "2026-03-01T09:00:00Z";
    let run = pmquiz(["run", "--deck", deck, "--kinds", "flash", "--count", "1"])
        .env("PMQUIZ_DATA_DIR", &data)
        .env("PMQUIZ_NOW", now)
        .lines(&["", "4"])
        .run();
    run.success();
    let due: i64 = rusqlite::Connection::open(data.join("pmquiz.db"))
        .unwrap()
        .query_row(
            "SELECT due FROM cards WHERE deck_id = 'one' AND card_id = 'q'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let at = DateTime::parse_from_rfc3339(now)
        .unwrap()
        .with_timezone(&Utc);
    let values: Vec<f32> = text
        .split("parameters = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap()
        .split(',')
        .map(|v| v.trim().parse().unwrap())
        .collect();
    let fitted = Parameters::new(&values).unwrap();
    let with_fitted = Scheduler::with_parameters(&fitted, Retention::DEFAULT);
    let expected = with_fitted.review(None, Rating::Easy, at).due;
    let by_default = Scheduler::default().review(None, Rating::Easy, at).due;
    assert_ne!(expected, by_default, "{text}");
    assert_eq!(due, expected.timestamp_millis(), "{text}");
}

#[test]
fn too_little_history_changes_nothing() {
    let run = pmquiz(["optimize"]);
    forgetful_history(run.data_dir(), 3);
    let out = run.run();
    out.success();
    assert_contains(&out.stdout, "too little history to fit the scheduler");
    assert_contains(&out.stdout, "optimize needs at least 400");
    assert!(!run.data_dir().join("config.toml").exists());
}

#[test]
fn parameters_of_the_wrong_count_or_out_of_range_are_errors_naming_the_file() {
    let mut out_of_range: Vec<String> = DEFAULTS.iter().map(|w| w.to_string()).collect();
    out_of_range[20] = "3.0".into();
    for (parameters, says) in [
        (
            "[0.2, 1.3, 2.3]".to_string(),
            "invalid FSRS parameters: expected 21 numbers (FSRS-6), found 3",
        ),
        (
            format!("[{}]", out_of_range.join(", ")),
            "invalid FSRS parameters: parameter 21 is 3, outside its range 0.1 to 0.8",
        ),
    ] {
        for args in [vec!["optimize"], vec!["run", "--count", "1"], vec!["stats"]] {
            let run = pmquiz(&args).stdin("\n");
            let config = run.data_dir().join("config.toml");
            std::fs::write(
                &config,
                format!("retention = 0.9\nparameters = {parameters}\n"),
            )
            .unwrap();
            let out = run.run();
            out.code(1);
            let expected = format!("{}:2:14: error: invalid config: {says}", config.display());
            assert!(
                out.stderr.starts_with(&expected),
                "{args:?}\n{}",
                out.stderr
            );
        }
    }
}
