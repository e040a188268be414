//! A pseudo-terminal for driving pmquiz's full-screen view as a person would: keys go in, and
//! what the terminal would show is read back through a terminal emulator (the `vt100` crate),
//! not as raw bytes. The window can be resized, which sends SIGWINCH.

use super::{fixtures, sealed_env};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for something to appear before failing the test.
const TIMEOUT: Duration = Duration::from_secs(20);

pub(crate) struct Pty {
    master: File,
    child: Child,
    parser: Arc<Mutex<vt100::Parser>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has rows and columns")
}

fn winsize(rows: u16, cols: u16) -> libc::winsize {
    libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

impl Pty {
    /// Starts `pmquiz ARGS` on a terminal of `cols` x `rows`, in the sealed test environment
    /// with data in `data`, plus `env`.
    pub(crate) fn spawn(
        args: &[&str],
        cols: u16,
        rows: u16,
        data: &Path,
        env: &[(&str, &str)],
    ) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = winsize(rows, cols);
        // SAFETY: openpty writes two descriptors into the given integers; the name and termios
        // pointers may be null.
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
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };

        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pmquiz"));
        sealed_env(&mut cmd, data);
        cmd.env("TERM", "xterm-256color")
            .args(args)
            .current_dir(fixtures());
        for (key, value) in env {
            cmd.env(key, value);
        }
        let stdio = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
        cmd.stdin(stdio(&slave))
            .stdout(stdio(&slave))
            .stderr(stdio(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
        // controlling terminal is the pseudo-terminal (so that it gets SIGWINCH).
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn pmquiz on a pseudo-terminal");
        drop(slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            nonzero(rows),
            nonzero(cols),
            0,
        )));
        let mut input = master.try_clone().expect("dup the master");
        let sink = Arc::clone(&parser);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Reading fails (EIO) once pmquiz has exited and the terminal is closed.
            while let Ok(n) = input.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            master,
            child,
            parser,
            reader: Some(reader),
        }
    }

    /// What the terminal shows now, row by row, without trailing spaces.
    pub(crate) fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Every row of the screen, blank ones included.
    pub(crate) fn rows(&self) -> Vec<String> {
        let parser = self.parser.lock().unwrap();
        let (_, cols) = parser.screen().size();
        parser.screen().rows(0, cols.get()).collect()
    }

    /// Whether the alternate screen (the full-screen view) is showing.
    pub(crate) fn alternate(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until the screen shows `text`, and returns the screen.
    #[track_caller]
    pub(crate) fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contains(text)
        })
    }

    /// Waits until `check` holds for the screen, and returns the screen.
    #[track_caller]
    pub(crate) fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if started.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `keys` (bytes as a terminal sends them: `\r` for Enter, `\x03` for Ctrl-C).
    pub(crate) fn send(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).expect("send keys");
        self.master.flush().expect("flush keys");
    }

    /// Resizes the window; the kernel sends pmquiz SIGWINCH.
    pub(crate) fn resize(&mut self, cols: u16, rows: u16) {
        let size = winsize(rows, cols);
        // The emulator takes the new size first, holding its lock while the kernel resizes the
        // terminal: pmquiz's redraw for the new size (after SIGWINCH) can then never be read
        // into an emulator of the old size, which would garble it for good.
        let mut parser = self.parser.lock().unwrap();
        parser.set_size(nonzero(rows), nonzero(cols));
        // SAFETY: TIOCSWINSZ reads one winsize from the pointer.
        let rc = unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &size) };
        assert_eq!(rc, 0, "resize: {}", std::io::Error::last_os_error());
    }

    /// Sends pmquiz the signal `signal` (SIGTERM, SIGHUP...).
    pub(crate) fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill only sends a signal to the child started here.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
    }

    /// Waits for pmquiz to exit; returns its exit code and the screen it left behind.
    #[track_caller]
    pub(crate) fn finish(mut self) -> (i32, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for pmquiz") {
                break status;
            }
            if started.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("pmquiz did not exit; the screen shows:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.reader.take() {
            reader.join().expect("terminal reader");
        }
        let code = status
            .code()
            .expect("pmquiz exited, not killed by a signal");
        (code, self.screen())
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
