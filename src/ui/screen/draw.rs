//! The study screen as a pure function of its state: [`draw`] paints a [`View`] into a ratatui
//! frame of any size, so every screen can be rendered into a test backend and compared.

use super::keys::{self, BINDINGS};
use super::view::{Counts, Feedback, Overlay, Stage, View};
use crate::quiz::{Body, Grade, Kind, Note, Verdict};
use crate::session::Mode;
use crate::ui::text::{self, Piece, truncate, wrap};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The smallest screen the study view draws on; smaller ones get a note instead.
pub(crate) const MIN_WIDTH: u16 = 30;
pub(crate) const MIN_HEIGHT: u16 = 8;

/// The most lines a notice takes.
const NOTICE_LINES: usize = 3;

/// Rows taken by the header (two lines and a rule) and the footer.
const CHROME: u16 = 4;

/// Styles, with colours only when the terminal takes them (`NO_COLOR` keeps bold and the
/// marks, drops the colours).
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }
    fn bold(self, color: Color) -> Style {
        self.fg(color).add_modifier(Modifier::BOLD)
    }
    fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }
    fn right(self) -> Style {
        self.bold(Color::Green)
    }
    fn wrong(self) -> Style {
        self.bold(Color::Red)
    }
}

/// What the middle of the screen holds: the question area, which scrolls, and the part pinned
/// under it (the answer line, the grades, the verdict), which stays in view.
pub(crate) struct Layout {
    pub(crate) doc: Vec<Line<'static>>,
    /// Lines of `doc` that must be in view (the highlighted option).
    pub(crate) focus: Option<(usize, usize)>,
    pub(crate) pinned: Vec<Line<'static>>,
    /// Rows for the question area.
    pub(crate) rows: usize,
}

impl Layout {
    /// The first line shown for a wanted scroll offset: within the text, and with the focus in
    /// view.
    pub(crate) fn scroll(&self, wanted: usize) -> usize {
        let max = self.doc.len().saturating_sub(self.rows);
        let mut scroll = wanted.min(max);
        if let Some((start, end)) = self.focus {
            if end > scroll + self.rows {
                scroll = end.saturating_sub(self.rows);
            }
            if start < scroll {
                scroll = start;
            }
        }
        scroll
    }
}

/// Lays the view out for a screen of `area`'s size.
pub(crate) fn layout(view: &View, area: Rect) -> Layout {
    let paint = Paint { color: view.color };
    let width = usize::from(area.width);
    let notice = notice_lines(view, width).len() as u16;
    let middle = usize::from(area.height.saturating_sub(CHROME + notice));
    let mut doc = Vec::new();
    let q = &view.question;
    for line in wrap(&q.prompt, width) {
        doc.push(Line::styled(
            line,
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    let mut focus = None;
    let mut pinned = Vec::new();
    let feedback = match &view.stage {
        Stage::Feedback(f) => Some(f),
        _ => None,
    };
    match (&q.body, &view.stage) {
        (Body::Choice { .. } | Body::TrueFalse { .. }, _) => {
            doc.push(Line::default());
            let selected = match view.stage {
                Stage::Choice { selected } => Some(selected),
                _ => None,
            };
            let (labels, right): (Vec<(String, String)>, usize) = match &q.body {
                Body::Choice { options, correct } => (
                    options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (option_key(i), o.clone()))
                        .collect(),
                    *correct,
                ),
                Body::TrueFalse { answer } => (
                    vec![
                        ("t".to_string(), "True".to_string()),
                        ("f".to_string(), "False".to_string()),
                    ],
                    usize::from(!*answer),
                ),
                _ => unreachable!("matched above"),
            };
            for (i, (key, label)) in labels.iter().enumerate() {
                let start = doc.len();
                let (mark, mark_style, text_style) = match (feedback, selected) {
                    (Some(_), _) if i == right => ("✓ ", paint.right(), paint.fg(Color::Green)),
                    (Some(f), _) if f.chosen == Some(i) => {
                        ("✗ ", paint.wrong(), paint.fg(Color::Red))
                    }
                    (None, Some(s)) if s == i => {
                        ("❯ ", paint.bold(Color::Cyan), paint.bold(Color::Cyan))
                    }
                    _ => ("  ", Style::new(), Style::new()),
                };
                let prefix = format!("{key}  ");
                let indent = 2 + text::width(&prefix);
                for (n, part) in wrap(label, width.saturating_sub(indent))
                    .into_iter()
                    .enumerate()
                {
                    let mut spans = if n == 0 {
                        vec![
                            Span::styled(mark, mark_style),
                            Span::styled(prefix.clone(), paint.bold(Color::Yellow)),
                        ]
                    } else {
                        vec![Span::raw(" ".repeat(indent))]
                    };
                    spans.push(Span::styled(part, text_style));
                    doc.push(Line::from(spans));
                }
                if selected == Some(i) {
                    focus = Some((start, doc.len()));
                }
            }
        }
        (Body::Typed { .. } | Body::Blank { .. }, Stage::Typing(line)) => {
            if let Body::Blank { blanks, .. } = &q.body
                && blanks.len() > 1
            {
                doc.push(Line::default());
                doc.push(Line::styled(
                    format!("{} blanks: separate the words with ;", blanks.len()),
                    paint.dim(),
                ));
            }
            let (shown, _) = line.window(width.saturating_sub(2));
            pinned.push(Line::from(vec![
                Span::styled("› ", paint.bold(Color::Cyan)),
                Span::raw(shown.to_string()),
            ]));
        }
        (Body::Flash { back }, Stage::Back | Stage::Feedback(_)) => {
            doc.push(Line::default());
            doc.push(Line::styled("─".repeat(width.min(12)), paint.dim()));
            for line in wrap(back, width) {
                doc.push(Line::styled(line, paint.fg(Color::Cyan)));
            }
            if view.stage == Stage::Back {
                pinned.extend(grade_lines(view, width, paint));
            }
        }
        _ => {}
    }
    if let Some(f) = feedback {
        if let Some(explain) = &q.explain {
            doc.push(Line::default());
            for line in wrap(explain, width) {
                doc.push(Line::styled(line, paint.dim()));
            }
        }
        pinned.extend(verdict_lines(view, f, width, paint));
    }
    // The pinned part leaves at least two rows for the question.
    let room = middle.saturating_sub(2).max(1);
    pinned.truncate(room);
    // The answer area follows the question, and sits at the bottom when the question is taller
    // than the screen.
    let rows = middle
        .saturating_sub(pinned.len() + usize::from(!pinned.is_empty()))
        .min(doc.len());
    Layout {
        doc,
        focus,
        pinned,
        rows,
    }
}

fn option_key(i: usize) -> String {
    if i < 9 {
        (i + 1).to_string()
    } else {
        " ".to_string()
    }
}

/// `1 Again <1m   2 Hard 10m   3 Good 2d   4 Easy 5d`, wrapped by whole grades.
fn grade_lines(view: &View, width: usize, paint: Paint) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for (i, grade) in Grade::ALL.iter().enumerate() {
        let color = match grade {
            Grade::Again => Color::Red,
            Grade::Hard => Color::Yellow,
            Grade::Good => Color::Green,
            Grade::Easy => Color::Blue,
        };
        let next = view
            .intervals
            .as_ref()
            .map(|iv| format!(" {}", iv[i]))
            .unwrap_or_default();
        let item = format!("{} {}{next}", i + 1, grade.label());
        let w = text::width(&item);
        if used > 0 && used + 3 + w > width {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        if used > 0 {
            spans.push(Span::raw("   "));
            used += 3;
        }
        spans.push(Span::styled(
            format!("{} ", i + 1),
            paint.bold(Color::Yellow),
        ));
        spans.push(Span::styled(grade.label().to_string(), paint.bold(color)));
        spans.push(Span::styled(next, paint.dim()));
        used += w;
    }
    lines.push(Line::from(spans));
    lines
}

/// The verdict, what was typed against the right answer, and when the card comes back.
fn verdict_lines(view: &View, f: &Feedback, width: usize, paint: Paint) -> Vec<Line<'static>> {
    let q = &view.question;
    let expected = q.expected();
    let mut lines = Vec::new();
    let typed = matches!(q.kind, Kind::Typed | Kind::Blank);
    let head = match (f.verdict, q.kind) {
        _ if f.overridden => vec![
            Span::styled("✓ Right", paint.right()),
            Span::raw(" (you overrode the check)"),
        ],
        (Verdict::Right, Kind::Flash) => vec![
            Span::styled("✓ Recalled", paint.right()),
            Span::raw(format!(" ({})", f.grade.map_or("Good", Grade::label))),
        ],
        (Verdict::Wrong, Kind::Flash) => vec![
            Span::styled("✗ Not yet", paint.wrong()),
            Span::raw(" (Again)"),
        ],
        (Verdict::Right, _) => match &f.note {
            Some(Note::Spelled(spelled)) => vec![
                Span::styled("✓ Right;", paint.right()),
                Span::raw(" spelled: "),
                Span::styled(spelled.clone(), Style::new().add_modifier(Modifier::BOLD)),
            ],
            _ => vec![Span::styled("✓ Right", paint.right())],
        },
        (Verdict::RightWithTypo, _) => vec![
            Span::styled("✓ Right,", paint.right()),
            Span::raw(" with a typo"),
        ],
        (Verdict::Wrong, _) if typed => vec![Span::styled("✗ Wrong", paint.wrong())],
        // The options above are marked; name the right one briefly.
        (Verdict::Wrong, _) => {
            let answer = match &q.body {
                Body::Choice { correct, .. } => option_key(*correct),
                Body::TrueFalse { answer: true } => "True".to_string(),
                Body::TrueFalse { answer: false } => "False".to_string(),
                _ => expected.clone(),
            };
            vec![
                Span::styled("✗ Wrong.", paint.wrong()),
                Span::raw(" The answer is "),
                Span::styled(answer, Style::new().add_modifier(Modifier::BOLD)),
            ]
        }
    };
    lines.extend(wrap_spans(head, width));
    if let (Some(Note::Missed(items)), false) = (&f.note, f.overridden) {
        lines.extend(wrap_spans(
            vec![
                Span::styled("  missed  ", paint.dim()),
                Span::styled(items.join(", "), paint.fg(Color::Red)),
            ],
            width,
        ));
    }
    if typed && f.verdict != Verdict::Right && !f.overridden {
        let diff = text::diff(&f.given, &expected);
        let (given, right) = match diff {
            Some((given, right)) => (given, right),
            None => (
                vec![Piece {
                    text: f.given.clone(),
                    same: false,
                }],
                vec![Piece {
                    text: expected.clone(),
                    same: false,
                }],
            ),
        };
        let pieces = |label: &str, pieces: Vec<Piece>, off: Style| {
            let mut spans = vec![Span::styled(label.to_string(), paint.dim())];
            if pieces.is_empty() {
                spans.push(Span::styled("(nothing)", paint.dim()));
            }
            for p in pieces {
                let style = if p.same { Style::new() } else { off };
                spans.push(Span::styled(p.text, style));
            }
            spans
        };
        let underline = Modifier::UNDERLINED | Modifier::BOLD;
        lines.extend(wrap_spans(
            pieces(
                "  typed   ",
                given,
                paint.fg(Color::Red).add_modifier(underline),
            ),
            width,
        ));
        lines.extend(wrap_spans(
            pieces(
                "  answer  ",
                right,
                paint.fg(Color::Green).add_modifier(underline),
            ),
            width,
        ));
    }
    if let Some(next) = &f.next {
        lines.push(Line::styled(format!("Next review in {next}"), paint.dim()));
    }
    lines
}

/// Wraps styled spans at spaces by display width.
fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let total: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    if total <= width {
        return vec![Line::from(spans)];
    }
    // Word by word, keeping each word's style.
    let mut lines = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut used = 0;
    for span in spans {
        let style = span.style;
        for (n, piece) in span.content.split(' ').enumerate() {
            let piece_w = text::width(piece);
            let sep = usize::from(n > 0);
            if used + sep + piece_w > width && used > 0 {
                lines.push(Line::from(std::mem::take(&mut line)));
                used = 0;
            } else if sep == 1 {
                line.push(Span::styled(" ", style));
                used += 1;
            }
            for chunk in wrap(piece, width) {
                if used > 0 && used + text::width(&chunk) > width {
                    lines.push(Line::from(std::mem::take(&mut line)));
                    used = 0;
                }
                used += text::width(&chunk);
                line.push(Span::styled(chunk, style));
            }
        }
    }
    lines.push(Line::from(line));
    lines
}

/// Draws the whole screen.
pub(crate) fn draw(frame: &mut Frame, view: &View) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let paint = Paint { color: view.color };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let note = wrap(
            &format!(
                "Make the window at least {MIN_WIDTH}x{MIN_HEIGHT} to study ({}x{} now).",
                area.width, area.height
            ),
            usize::from(area.width),
        );
        let lines: Vec<Line> = note.into_iter().map(Line::from).collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let width = usize::from(area.width);
    let layout = layout(view, area);
    let scroll = layout.scroll(view.scroll);

    let row = |y: u16| Rect::new(area.x, area.y + y, area.width, 1);
    let (top, second) = header(view, width, paint);
    frame.render_widget(Paragraph::new(top), row(0));
    frame.render_widget(Paragraph::new(second), row(1));
    let more_above = scroll > 0;
    let more_below = scroll + layout.rows < layout.doc.len();
    frame.render_widget(
        Paragraph::new(rule(view, width, more_above, more_below, paint)),
        row(2),
    );

    let shown: Vec<Line> = layout
        .doc
        .iter()
        .skip(scroll)
        .take(layout.rows)
        .cloned()
        .collect();
    let body = Rect::new(area.x, area.y + 3, area.width, layout.rows as u16);
    frame.render_widget(Paragraph::new(shown), body);

    let footer_y = area.height - 1;
    let mut y = 3 + layout.rows as u16;
    if !layout.pinned.is_empty() {
        y += 1;
        let pinned = Rect::new(area.x, area.y + y, area.width, layout.pinned.len() as u16);
        frame.render_widget(Paragraph::new(layout.pinned.clone()), pinned);
        if let (Stage::Typing(line), None) = (&view.stage, view.overlay) {
            let (_, cursor) = line.window(width.saturating_sub(2));
            frame.set_cursor_position(Position::new(area.x + 2 + cursor as u16, area.y + y));
        }
    }
    let notice = notice_lines(view, width);
    if !notice.is_empty() {
        let rows = notice.len() as u16;
        let lines: Vec<Line> = notice
            .into_iter()
            .map(|l| Line::styled(l, paint.bold(Color::Yellow)))
            .collect();
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(area.x, area.y + footer_y - rows, area.width, rows),
        );
    }

    frame.render_widget(Paragraph::new(footer(view, width, paint)), row(footer_y));

    match view.overlay {
        Some(Overlay::Help) => help(frame, view, paint),
        Some(Overlay::ConfirmQuit) => confirm_quit(frame, paint),
        None => {}
    }
}

/// The notice above the footer: wrapped, at most three lines.
fn notice_lines(view: &View, width: usize) -> Vec<String> {
    let Some(notice) = &view.notice else {
        return Vec::new();
    };
    let mut lines = wrap(notice, width);
    if lines.len() > NOTICE_LINES {
        lines.truncate(NOTICE_LINES);
        let last = lines.pop().unwrap_or_default();
        lines.push(truncate(&format!("{last} …"), width));
    }
    lines
}

/// `faq, kpi · practice        new 3 · learning 1 · review 8   1:05`, then
/// `question 3/10 ███████░░░░░░░ score 2/2`.
fn header(view: &View, width: usize, paint: Paint) -> (Line<'static>, Line<'static>) {
    let mode = match view.mode {
        Mode::Practice => "practice",
        Mode::Exam => "exam",
        Mode::Learn => "learn",
    };
    let secs = view.elapsed.as_secs();
    let clock = if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    };
    let mut right: Vec<Span> = Vec::new();
    if let Some(counts) = view.counts {
        right.extend(counts_spans(counts, width, paint));
        right.push(Span::raw("   "));
    }
    right.push(Span::styled(clock, paint.dim()));
    let right_w: usize = right.iter().map(|s| text::width(&s.content)).sum();
    let left = truncate(
        &format!("{} · {mode}", view.decks),
        width.saturating_sub(right_w + 1),
    );
    let gap = width.saturating_sub(text::width(&left) + right_w);
    let mut top = vec![
        Span::styled(left, paint.bold(Color::Cyan)),
        Span::raw(" ".repeat(gap)),
    ];
    top.extend(right);

    let p = view.progress;
    let place = if p.retry {
        format!("again, {} left ", p.remaining)
    } else {
        format!("question {}/{} ", p.number, p.total)
    };
    let score = if p.show_score {
        format!(" score {}/{}", p.correct, p.answered)
    } else {
        String::new()
    };
    let bar_w = width.saturating_sub(text::width(&place) + text::width(&score));
    let mut second = vec![Span::styled(
        place,
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if bar_w >= 4 {
        let done = (bar_w * p.answered.min(p.total) + p.total / 2)
            .checked_div(p.total)
            .unwrap_or(0);
        second.push(Span::styled("█".repeat(done), paint.fg(Color::Cyan)));
        second.push(Span::styled("░".repeat(bar_w - done), paint.dim()));
    }
    second.push(Span::raw(score));
    (Line::from(top), Line::from(second))
}

/// Anki's three counts: new (blue), learning (red), review (green); shorter on narrow screens.
fn counts_spans(c: Counts, width: usize, paint: Paint) -> Vec<Span<'static>> {
    let long = width >= 70;
    let item = |n: usize, label: &str, color: Color| {
        Span::styled(
            if long {
                format!("{label} {n}")
            } else {
                n.to_string()
            },
            paint.bold(color),
        )
    };
    let sep = || Span::styled(if long { " · " } else { " " }, paint.dim());
    vec![
        item(c.new, "new", Color::Blue),
        sep(),
        item(c.learning, "learning", Color::Red),
        sep(),
        item(c.review, "review", Color::Green),
    ]
}

/// The line under the header: the kind of question, and whether more text is above or below.
fn rule(view: &View, width: usize, above: bool, below: bool, paint: Paint) -> Line<'static> {
    let label = format!("── {} ", view.question.kind.label());
    let more = match (above, below) {
        (true, true) => " ↑↓ PgUp/PgDn ─",
        (true, false) => " ↑ PgUp ─",
        (false, true) => " ↓ more: PgDn ─",
        (false, false) => "",
    };
    let fill = width.saturating_sub(text::width(&label) + text::width(more));
    Line::from(vec![
        Span::styled(label, paint.dim()),
        Span::styled("─".repeat(fill), paint.dim()),
        Span::styled(more.to_string(), paint.bold(Color::Yellow)),
    ])
}

/// The keys that work now, from the key table; what does not fit is left out, the help key
/// never.
fn footer(view: &View, width: usize, paint: Paint) -> Line<'static> {
    if view.overlay == Some(Overlay::ConfirmQuit) {
        return Line::from(vec![
            Span::styled("y", paint.bold(Color::Yellow)),
            Span::raw(" end the session  "),
            Span::styled("any other key", paint.bold(Color::Yellow)),
            Span::raw(" go on"),
        ]);
    }
    if view.overlay == Some(Overlay::Help) {
        return Line::styled("any key closes the help", paint.dim());
    }
    let hints: Vec<_> = keys::footer(view.place(), view.context()).collect();
    let cx = view.context();
    let place = view.place();
    let cost =
        |b: &keys::Binding| text::width(&b.keys_for(place, cx)) + 1 + text::width(b.name) + 2;
    let help_cost = hints.iter().find(|b| b.keys == "?").map_or(0, |b| cost(b));
    let mut used = help_cost;
    let mut spans = Vec::new();
    for b in &hints {
        if b.keys == "?" {
            continue;
        }
        if used + cost(b) > width + 2 {
            continue;
        }
        used += cost(b);
        spans.extend(hint(b, place, cx, paint));
    }
    if let Some(b) = hints.iter().find(|b| b.keys == "?") {
        spans.extend(hint(b, place, cx, paint));
    }
    if let Some(last) = spans.last_mut() {
        *last = Span::styled(last.content.trim_end().to_string(), last.style);
    }
    Line::from(spans)
}

fn hint(
    b: &keys::Binding,
    place: keys::Place,
    cx: keys::Context,
    paint: Paint,
) -> [Span<'static>; 2] {
    [
        Span::styled(b.keys_for(place, cx), paint.bold(Color::Yellow)),
        Span::styled(format!(" {}  ", b.name), paint.dim()),
    ]
}

/// A box in the middle of the screen, cleared, with a border.
fn boxed(frame: &mut Frame, width: u16, height: u16, title: &str) -> Rect {
    let area = frame.area();
    let w = width.min(area.width);
    let h = height.min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// Every key that works here, with what it does: one line each, cut to the screen's width.
fn help(frame: &mut Frame, view: &View, paint: Paint) {
    let area = frame.area();
    let place = view.place();
    let bindings: Vec<_> = BINDINGS.iter().filter(|b| b.applies(place)).collect();
    let keys_w = bindings
        .iter()
        .map(|b| text::width(&b.all_keys()))
        .max()
        .unwrap_or(0);
    let longest = bindings
        .iter()
        .map(|b| keys_w + 2 + text::width(b.help))
        .max()
        .unwrap_or(0);
    let width = area.width.min(longest as u16 + 2);
    let inner_w = usize::from(width.saturating_sub(2));
    let lines: Vec<Line> = bindings
        .iter()
        .map(|b| {
            let keys = b.all_keys();
            let room = inner_w.saturating_sub(keys_w + 2);
            Line::from(vec![
                Span::styled(format!("{keys:<keys_w$}  "), paint.bold(Color::Yellow)),
                Span::raw(truncate(b.help, room)),
            ])
        })
        .collect();
    let height = (lines.len() as u16 + 2).min(area.height);
    let inner = boxed(frame, width, height, "Keys");
    frame.render_widget(Paragraph::new(lines), inner);
}

fn confirm_quit(frame: &mut Frame, paint: Paint) {
    let inner = boxed(frame, 34, 4, "Quit");
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::raw("End the session? "),
                Span::styled("y/n", paint.bold(Color::Yellow)),
            ]),
            Line::styled("Your answers so far are kept.", paint.dim()),
        ]),
        inner,
    );
}

/// Settles the view for a screen of this size before drawing: the scroll offset within the
/// text and the highlighted option in view, and the page size for PageUp/PageDown.
pub(crate) fn fit(view: &mut View, width: u16, height: u16) {
    let layout = layout(view, Rect::new(0, 0, width, height));
    view.scroll = layout.scroll(view.scroll);
    view.page = layout.rows.max(1);
}
