//! The simulated learner of docs/scheduling.md: each learner profile studies for a simulated
//! year with pmquiz under three ways of scheduling, over several seeds, and the table of what it
//! reached is printed as Markdown.
//!
//! cargo run --release --example simulate -- [--days N] [--seeds N] [--cards N] [--profile NAME]
//!
//! Each run keeps its history database in a temporary directory (under /dev/shm when it exists,
//! so that syncing every answer to disk costs nothing).

use pmquiz::schedule::{RatingMap, Retention};
use pmquiz::simulate::{PROFILES, SimConfig, SimReport, run};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut days = 365;
    let mut seeds = 3;
    let mut cards = 600;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--days" => days = value()?.parse()?,
            "--seeds" => seeds = value()?.parse()?,
            "--cards" => cards = value()?.parse()?,
            "--profile" => only = Some(value()?),
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    // (name, optimize every, rating map, desired retention)
    let strategies: [(&str, Option<u32>, RatingMap, f32); 4] = [
        ("default parameters", None, RatingMap::Standard, 0.9),
        ("optimize every 30 days", Some(30), RatingMap::Standard, 0.9),
        (
            "recognition rated Hard",
            None,
            RatingMap::RecognitionHard,
            0.9,
        ),
        // As much work as recognition rated Hard asks, spent by aiming higher instead.
        (
            "default parameters, retention 0.94",
            None,
            RatingMap::Standard,
            0.94,
        ),
    ];
    let tmp = if std::path::Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")?
    } else {
        tempfile::tempdir()?
    };
    println!(
        "{days} days, {cards} cards, {seeds} seeds per row; mean (and lowest to highest) over the seeds.\n"
    );
    println!(
        "| learner | scheduling | retention reached | answers per card | cards known at the end | log loss | recall error | fits adopted |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for profile in PROFILES {
        if only.as_deref().is_some_and(|p| p != profile.name) {
            continue;
        }
        for (name, every, map, retention) in strategies {
            let started = Instant::now();
            let mut reports: Vec<SimReport> = Vec::new();
            for seed in 0..seeds {
                let config = SimConfig {
                    days,
                    cards,
                    rating_map: map,
                    optimize_every: every,
                    retention: Retention::new(retention)?,
                    ..SimConfig::year(profile, seed)
                };
                let dir = tmp.path().join(format!("{}-{name}-{seed}", profile.name));
                reports.push(run(&config, &dir)?);
                std::fs::remove_dir_all(&dir)?;
            }
            let stat = |f: &dyn Fn(&SimReport) -> f64, digits: usize| {
                let values: Vec<f64> = reports.iter().map(f).collect();
                let mean = values.iter().sum::<f64>() / values.len() as f64;
                let low = values.iter().copied().fold(f64::INFINITY, f64::min);
                let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                format!("{mean:.digits$} ({low:.digits$}–{high:.digits$})")
            };
            println!(
                "| {} | {name} | {} | {} | {} | {} | {} | {} |",
                profile.name,
                stat(&|r| r.retention_reached * 100.0, 1),
                stat(&|r| r.answers_per_card, 1),
                stat(&|r| r.known_at_end, 0),
                stat(&|r| r.log_loss, 4),
                stat(&|r| r.recall_rmse, 4),
                stat(&|r| r.adopted as f64, 1),
            );
            eprintln!("  {} / {name}: {:.0?}", profile.name, started.elapsed());
        }
    }
    Ok(())
}
