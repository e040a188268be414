//! Times recording answers into a review history, one transaction each, as `pmquiz run` and
//! `pmquiz review` do after every answer: read the card's schedule, compute the next one with
//! FSRS, and write the answer and the schedule (`Store::record`).
//!
//! ```text
//! cargo run --release --example record_latency -- DATA_DIR [N]
//! ```
//!
//! DATA_DIR holds `pmquiz.db` and `decks/*.toml` (the answers go to cards of the first deck);
//! N answers are recorded (default 2000). The history is changed: use a copy.
//!
//! Since every answer is synced to disk, the disk's own latency is measured first, in the same
//! directory: 500 appends of 36 KiB (about the WAL frames of one answer), each followed by
//! `fsync`. Then prints the mean, median, 99th and 99.9th percentiles, maximum and the number
//! of answers that took 5 ms or more, per answer and for `Store::record` alone, and two
//! machine-readable lines, `disk_fsync_us p50=… p99=…` and
//! `record_latency_us mean=… p50=… p99=… p999=… max=… over_5ms=…`.

#[path = "../benches/support/mod.rs"]
mod support;

use pmquiz::library::load_file;
use pmquiz::schedule::Scheduler;
use pmquiz::store::Store;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: record_latency DATA_DIR [N]");
        std::process::exit(2);
    };
    let n: usize = args
        .next()
        .map_or(2000, |s| s.parse().expect("N is a number"));

    let mut decks: Vec<PathBuf> = std::fs::read_dir(dir.join("decks"))
        .expect("DATA_DIR/decks exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    decks.sort();
    let deck = load_file(decks.first().expect("a deck in DATA_DIR/decks")).expect("deck loads");
    let cards = deck.review_ids();
    let mut probe = fsync_probe(&dir, 500);
    let disk = Summary::of(&mut probe);
    let store = Store::open(&dir).expect("open the history");
    let scheduler = Scheduler::default();

    let mut whole = Vec::with_capacity(n);
    let mut write = Vec::with_capacity(n);
    for i in 0..n {
        let card = &cards[(i * 7919) % cards.len()];
        let answer = support::answer(&deck.id, card, i);
        let started = Instant::now();
        let previous = store.card_state(&deck.id, card).expect("card state");
        let next = scheduler.review(previous.as_ref(), answer.rating, answer.answered_at);
        let writing = Instant::now();
        store.record(&answer, Some(&next)).expect("record");
        write.push(writing.elapsed());
        whole.push(started.elapsed());
    }

    println!("{n} answers recorded into {}", store.path().display());
    println!("                      mean        p50        p99      p99.9        max  over 5 ms");
    let per_answer = Summary::of(&mut whole);
    println!("disk fsync        {disk}");
    println!("per answer        {per_answer}");
    println!("Store::record     {}", Summary::of(&mut write));
    println!(
        "disk_fsync_us p50={} p99={}",
        disk.p50.as_micros(),
        disk.p99.as_micros()
    );
    println!(
        "record_latency_us mean={} p50={} p99={} p999={} max={} over_5ms={}",
        per_answer.mean.as_micros(),
        per_answer.p50.as_micros(),
        per_answer.p99.as_micros(),
        per_answer.p999.as_micros(),
        per_answer.max.as_micros(),
        per_answer.over_5ms,
    );
}

/// Times `n` appends of 36 KiB to a scratch file in `dir`, each followed by `fsync`.
fn fsync_probe(dir: &std::path::Path, n: usize) -> Vec<Duration> {
    use std::io::Write as _;
    let path = dir.join("fsync-probe.tmp");
    let mut file = std::fs::File::create(&path).expect("create the probe file");
    let block = vec![0x5a_u8; 36 * 1024];
    let times = (0..n)
        .map(|_| {
            file.write_all(&block).expect("write the probe file");
            let started = Instant::now();
            file.sync_all().expect("sync the probe file");
            started.elapsed()
        })
        .collect();
    drop(file);
    let _ = std::fs::remove_file(&path);
    times
}

struct Summary {
    mean: Duration,
    p50: Duration,
    p99: Duration,
    p999: Duration,
    max: Duration,
    over_5ms: usize,
}

impl Summary {
    fn of(times: &mut [Duration]) -> Summary {
        times.sort();
        let at =
            |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        Summary {
            mean: times.iter().sum::<Duration>() / times.len() as u32,
            p50: at(0.50),
            p99: at(0.99),
            p999: at(0.999),
            max: times[times.len() - 1],
            over_5ms: times.iter().filter(|t| t.as_millis() >= 5).count(),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1e3);
        write!(
            f,
            "{:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            ms(self.mean),
            ms(self.p50),
            ms(self.p99),
            ms(self.p999),
            ms(self.max),
            self.over_5ms
        )
    }
}
