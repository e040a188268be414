//! The edge of the study screen: the terminal guard (raw mode, the alternate screen, the mouse
//! wheel), the event loop that turns key presses and resizes into updates of the [`View`], and
//! the [`Frontend`] the session driver talks to.

use super::keys::Key;
use super::view::{Feedback, Intent, View, interval};
use super::{draw, fit};
use crate::quiz::{Body, Question};
use crate::session::{Attempt, Mode, Progress};
use crate::ui::{AfterFeedback, Ask, Asked, Frontend, interrupted};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use ratatui::crossterm::{cursor, execute, terminal};
use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The screen is drawn on stderr (`--format json`, stdout carries the summary) rather than
/// stdout.
static ON_STDERR: AtomicBool = AtomicBool::new(false);
/// The terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Mouse reporting of button presses (the wheel) in SGR encoding; not motion, so the terminal
/// is not flooded with events.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";

/// How often the loop wakes without input: the clock in the header, and Ctrl-C sent as a
/// signal.
const TICK: Duration = Duration::from_millis(200);

fn out() -> Box<dyn Write> {
    if ON_STDERR.load(Ordering::SeqCst) {
        Box::new(io::stderr())
    } else {
        Box::new(io::stdout())
    }
}

/// Puts the terminal back as it was: main screen, cooked mode, cursor shown. Safe to call more
/// than once and from the panic hook.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = out();
        let _ = write!(out, "{MOUSE_OFF}");
        let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
        let _ = terminal::disable_raw_mode();
    }
}

/// Raw mode and the alternate screen for as long as it lives; dropping it (a return, an error,
/// a panic unwinding) restores the terminal. A panic hook restores it too before the panic
/// message is printed, so the message lands on the normal screen.
struct Guard;

impl Guard {
    fn enter(on_stderr: bool) -> io::Result<Guard> {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        ON_STDERR.store(on_stderr, Ordering::SeqCst);
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = Guard;
        let mut out = out();
        execute!(out, terminal::EnterAlternateScreen, cursor::Hide)?;
        write!(out, "{MOUSE_ON}")?;
        out.flush()?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether the full-screen view can run on this terminal: not `TERM=dumb`, and at least
/// [`super::MIN_WIDTH`] columns wide. Otherwise sessions use the line mode.
pub(crate) fn usable() -> bool {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return false;
    }
    terminal::size().is_ok_and(|(w, _)| w >= super::MIN_WIDTH)
}

/// The full-screen study view as a front end.
pub(crate) struct Fullscreen {
    terminal: Terminal<CrosstermBackend<Box<dyn Write>>>,
    view: Option<View>,
    decks: String,
    mode: Mode,
    color: bool,
    started: Instant,
    notice: Option<String>,
    guard: Option<Guard>,
}

impl Fullscreen {
    /// Takes over the terminal. `decks` names what is studied, for the header.
    pub(crate) fn start(
        on_stderr: bool,
        decks: String,
        mode: Mode,
        color: bool,
    ) -> io::Result<Self> {
        let guard = Guard::enter(on_stderr)?;
        let terminal = Terminal::new(CrosstermBackend::new(out()))?;
        Ok(Fullscreen {
            terminal,
            view: None,
            decks,
            mode,
            color,
            started: Instant::now(),
            notice: None,
            guard: Some(guard),
        })
    }

    /// Draws and waits until a key asks something of the session.
    fn wait(&mut self) -> io::Result<Intent> {
        let view = self.view.as_mut().expect("a question is shown");
        loop {
            if interrupted() {
                return Ok(Intent::Interrupt);
            }
            view.elapsed = self.started.elapsed();
            let size = self.terminal.size()?;
            fit(view, size.width, size.height);
            self.terminal.draw(|frame| draw(frame, view))?;
            if !event::poll(TICK)? {
                continue;
            }
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    if let Some(intent) = convert(key).and_then(|k| view.press(k)) {
                        return Ok(intent);
                    }
                }
                Event::Mouse(mouse) => match mouse.kind {
                    MouseEventKind::ScrollUp => view.scroll_by(-3),
                    MouseEventKind::ScrollDown => view.scroll_by(3),
                    _ => {}
                },
                // The next draw sees the new size, clears the screen and draws it whole.
                _ => {}
            }
        }
    }
}

/// A crossterm key event as a [`Key`]; `None` for keys the screen has no use for.
fn convert(event: KeyEvent) -> Option<Key> {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Tab => Key::Tab,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}

/// The option a judged answer picked, for marking it: its index among the options, True = 0
/// and False = 1.
fn chosen(question: &Question, given: &str) -> Option<usize> {
    match &question.body {
        Body::Choice { options, .. } => options.iter().position(|o| o == given),
        Body::TrueFalse { .. } => match given {
            "true" => Some(0),
            "false" => Some(1),
            _ => None,
        },
        _ => None,
    }
}

impl Frontend for Fullscreen {
    fn ask(&mut self, ask: &Ask<'_>) -> io::Result<Asked> {
        let view = match &mut self.view {
            Some(view) => {
                view.ask(ask.question.clone(), ask.progress);
                view
            }
            None => self.view.insert(View::new(
                self.decks.clone(),
                self.mode,
                ask.question.clone(),
                ask.progress,
            )),
        };
        view.color = self.color;
        view.counts = ask.counts;
        view.intervals = ask.intervals.map(|iv| iv.map(interval));
        view.can_undo = ask.can_undo;
        view.notice = self.notice.take();
        loop {
            return Ok(match self.wait()? {
                Intent::Answer(response) => Asked::Answer(response),
                Intent::Skip => Asked::Skip,
                Intent::Undo => Asked::Undo,
                Intent::Edit => Asked::Edit,
                Intent::Quit => Asked::Quit,
                Intent::Interrupt => Asked::Interrupted,
                Intent::Continue | Intent::Override => continue,
            });
        }
    }

    fn feedback(
        &mut self,
        question: &Question,
        attempt: &Attempt,
        progress: Progress,
        next: Option<Duration>,
    ) -> io::Result<AfterFeedback> {
        let view = self.view.as_mut().expect("feedback follows a question");
        view.show_feedback(
            Feedback {
                verdict: attempt.outcome.verdict,
                given: attempt.outcome.given.clone(),
                grade: attempt.outcome.grade,
                chosen: chosen(question, &attempt.outcome.given),
                next: next.map(interval),
                overridden: attempt.overridden,
                note: attempt.outcome.note.clone(),
            },
            progress,
        );
        view.can_undo = true;
        view.notice = self.notice.take();
        loop {
            return Ok(match self.wait()? {
                Intent::Continue => AfterFeedback::Continue,
                Intent::Undo => AfterFeedback::Undo,
                Intent::Override => AfterFeedback::Override,
                Intent::Edit => AfterFeedback::Edit,
                Intent::Quit => AfterFeedback::Quit,
                Intent::Interrupt => AfterFeedback::Interrupted,
                Intent::Answer(_) | Intent::Skip => continue,
            });
        }
    }

    fn notice(&mut self, text: String) {
        self.notice = Some(text);
    }

    fn outside(&mut self, run: &mut dyn FnMut()) -> io::Result<()> {
        let on_stderr = ON_STDERR.load(Ordering::SeqCst);
        self.guard = None;
        run();
        self.guard = Some(Guard::enter(on_stderr)?);
        // Clears the screen and forgets the last frame, so the next one is drawn whole (without
        // `Terminal::clear`, which asks the terminal where its cursor is).
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }
}
