//! Where a long command's time goes: with `PMQUIZ_TIMINGS` set in the environment, each step
//! marked with [`step`] prints to stderr the wall time since the step before, the process's CPU
//! time (user and system, all threads) since then, and the CPU time of the thread that marks
//! the steps (the main thread: on an idle machine with a core to spare for the other threads,
//! the wall time is about this). For measuring (docs/performance.md);
//! nothing is printed, and next to nothing is done, without the variable.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The end of the last step: when, and the process's CPU time then.
static LAST: Mutex<Option<(Instant, Duration, Duration)>> = Mutex::new(None);

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PMQUIZ_TIMINGS").is_some_and(|v| !v.is_empty()))
}

/// Ends the step named `what`: prints its wall and CPU time when timings are on. The first step
/// counts from the start of the process.
pub(crate) fn step(what: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    let (cpu, mine) = (cpu_time(Who::Process), cpu_time(Who::Thread));
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    let (wall, cpu_spent, mine_spent) = match *last {
        Some((at, cpu_then, mine_then)) => (
            now - at,
            cpu.saturating_sub(cpu_then),
            mine.saturating_sub(mine_then),
        ),
        None => (Duration::ZERO, cpu, mine),
    };
    *last = Some((now, cpu, mine));
    eprintln!(
        "timing: {what:<48} {:>7.3} s wall {:>7.3} s cpu {:>7.3} s this thread",
        wall.as_secs_f64(),
        cpu_spent.as_secs_f64(),
        mine_spent.as_secs_f64()
    );
}

enum Who {
    Process,
    Thread,
}

#[cfg(unix)]
fn cpu_time(who: Who) -> Duration {
    #[cfg(target_os = "linux")]
    let thread = libc::RUSAGE_THREAD;
    #[cfg(not(target_os = "linux"))]
    let thread = libc::RUSAGE_SELF;
    let who = match who {
        Who::Process => libc::RUSAGE_SELF,
        Who::Thread => thread,
    };
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[cfg(not(unix))]
fn cpu_time(_: Who) -> Duration {
    Duration::ZERO
}
