//! Times `pmquiz run` in a real terminal from its start to the first drawn question of the
//! full-screen view: pmquiz runs on a pseudo-terminal of 80x24, and the time is taken when the
//! question's header (`question 1/`) has arrived on the terminal. Then Ctrl-C ends it.
//!
//! ```text
//! cargo run --release --example first_frame -- PMQUIZ DATA_DIR [RUNS] [-- PMQUIZ_ARGS...]
//! ```
//!
//! PMQUIZ is the binary to time, DATA_DIR an empty data directory; RUNS (default 50) runs after
//! 3 warm-up runs, with `run --count 10 --seed 1 --no-save` unless other arguments follow `--`.
//! Prints the median, 90th percentile and maximum, and the median peak memory (maximum resident
//! set size) of the runs, then one machine-readable line:
//! `first_frame_us p50=… p90=… max=… peak_kb=…`.

#[cfg(unix)]
fn main() {
    use std::io::Write;
    use std::time::Duration;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let (ours, theirs) = (&args[..split], args.get(split + 1..).unwrap_or(&[]));
    let [pmquiz, data, rest @ ..] = ours else {
        eprintln!("usage: first_frame PMQUIZ DATA_DIR [RUNS] [-- PMQUIZ_ARGS...]");
        std::process::exit(2);
    };
    let runs: usize = rest
        .first()
        .map_or(50, |s| s.parse().expect("RUNS is a number"));
    let default: Vec<String> = ["run", "--count", "10", "--seed", "1", "--no-save"]
        .map(String::from)
        .to_vec();
    let pmquiz_args = if theirs.is_empty() {
        &default[..]
    } else {
        theirs
    };

    for _ in 0..3 {
        pty::first_frame(pmquiz, data, pmquiz_args);
    }
    let mut times: Vec<Duration> = Vec::new();
    let mut peaks: Vec<u64> = Vec::new();
    for _ in 0..runs {
        let (time, peak_kb) = pty::first_frame(pmquiz, data, pmquiz_args);
        times.push(time);
        peaks.push(peak_kb);
    }
    times.sort();
    peaks.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let us = |d: Duration| d.as_micros();
    // A closed stdout (`| head -1`) ends the output quietly.
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "time to the first drawn question, {runs} runs: median {:.1} ms, p90 {:.1} ms, max {:.1} ms; peak memory {} KB",
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
        peaks[peaks.len() / 2]
    )
    .and_then(|()| {
        writeln!(
            out,
            "first_frame_us p50={} p90={} max={} peak_kb={}",
            us(at(0.5)),
            us(at(0.9)),
            us(at(1.0)),
            peaks[peaks.len() / 2]
        )
    });
}

#[cfg(not(unix))]
fn main() {
    eprintln!("first_frame needs a Unix pseudo-terminal");
    std::process::exit(2);
}

#[cfg(unix)]
mod pty {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// What the screen shows once the first question is drawn.
    const DRAWN: &[u8] = b"question 1/";

    /// Runs pmquiz once on a fresh pseudo-terminal; returns the time to the first drawn question
    /// and the process's peak memory in KB.
    #[expect(
        clippy::zombie_processes,
        reason = "waited for with wait4, which also reports its peak memory"
    )]
    pub(crate) fn first_frame(pmquiz: &str, data: &str, args: &[String]) -> (Duration, u64) {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors; the name and termios pointers may be null.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here alone.
        let (mut master, slave) =
            unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = Command::new(pmquiz);
        let stdio = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
        cmd.args(["--data-dir", data])
            .args(args)
            .env("TERM", "xterm-256color")
            .env("PMQUIZ_DECKS", "")
            .stdin(stdio(&slave))
            .stdout(stdio(&slave))
            .stderr(stdio(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let started = Instant::now();
        let child = cmd.spawn().expect("start pmquiz");
        // Only pmquiz may hold the terminal's other end, so that reading ends when it exits.
        drop(cmd);
        drop(slave);
        let mut seen = Vec::new();
        let mut buf = [0u8; 16384];
        let time = loop {
            let n = master.read(&mut buf).expect("read the terminal");
            assert!(n > 0, "pmquiz ended before drawing a question");
            seen.extend_from_slice(&buf[..n]);
            if seen.windows(DRAWN.len()).any(|w| w == DRAWN) {
                break started.elapsed();
            }
        };
        master.write_all(b"\x03").expect("send Ctrl-C");
        // Read the rest, so that pmquiz is never blocked writing its summary.
        while matches!(master.read(&mut buf), Ok(n) if n > 0) {}
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid, and wait4 fills it in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for the child started above, which nothing else waits for.
        let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
        assert_eq!(pid, child.id() as i32, "wait for pmquiz");
        (time, usage.ru_maxrss as u64)
    }
}
