//! `pmquiz draft`: a first deck from a comparison article. Pure code: the article's bytes go
//! in, the text of a TOML deck comes out (already checked by the deck loader), or an error that
//! says why there is nothing to draft.
//!
//! The article is first read into blocks (`article`, with `markdown` and `html` for those
//! formats); the parts are then found in article order: the comparison chart (`chart`),
//! definitions (`definitions`), questions and answers (`faq`) and contrasting sentences
//! (`differences`); `write` lays out the deck with a `# line N` comment on every card and the
//! parts that became no card listed at the end.

mod article;
mod chart;
mod definitions;
mod differences;
mod faq;
mod html;
mod input;
mod markdown;
mod meta;
mod plain;
mod text;
mod write;

pub use article::Format;

use article::{Article, Block, Mark};
use std::collections::{HashMap, HashSet};
use std::fmt;
use text::{heading_tag, sentences, squash};

/// What the command line passes in.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The deck's name; the article's title when not given.
    pub name: Option<String>,
    /// The reader to use; chosen from the file name and content when not given.
    pub format: Option<Format>,
    /// The article's file name, for the choice of reader and the deck's header comment.
    pub file_name: String,
}

/// A drafted deck: its TOML text and what it holds.
#[derive(Debug, Clone)]
pub struct Draft {
    pub text: String,
    pub counts: Counts,
    pub format: Format,
}

/// How many cards of each kind a draft holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub tables: usize,
    pub rows: usize,
    pub unlabelled_rows: usize,
    pub definitions: usize,
    pub terms: usize,
    pub questions: usize,
    pub true_statements: usize,
    pub false_statements: usize,
    /// Pieces of the article listed at the end as not drafted.
    pub left_over: usize,
}

impl Counts {
    /// "1 comparison table (5 rows), 10 definitions of 2 terms, 20 questions, 6 statements".
    pub fn describe(&self) -> String {
        use crate::deck::plural;
        let mut parts = Vec::new();
        if self.tables > 0 {
            parts.push(format!(
                "{} ({})",
                plural(self.tables, "comparison table"),
                plural(self.rows, "row")
            ));
        }
        if self.definitions > 0 {
            parts.push(format!(
                "{} of {}",
                plural(self.definitions, "definition"),
                plural(self.terms, "term")
            ));
        }
        if self.questions > 0 {
            parts.push(plural(self.questions, "question"));
        }
        let statements = self.true_statements + self.false_statements;
        if statements > 0 {
            parts.push(format!(
                "{} ({} true, {} false)",
                plural(statements, "statement"),
                self.true_statements,
                self.false_statements
            ));
        }
        parts.join(", ")
    }
}

/// Why an article gives no draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftError {
    Empty,
    Binary {
        offset: usize,
    },
    NotUtf8 {
        detail: String,
    },
    NothingFound {
        format: &'static str,
    },
    /// The drafted deck did not pass the deck loader: a fault of pmquiz, not of the article.
    Invalid(String),
}

impl fmt::Display for DraftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DraftError::Empty => f.write_str("the article is empty"),
            DraftError::Binary { offset } => write!(
                f,
                "this is not a text article (binary data at byte {offset}); draft reads plain text, Markdown or HTML"
            ),
            DraftError::NotUtf8 { detail } => write!(
                f,
                "the article is not UTF-8 text ({detail}); convert it first, e.g. `iconv -f latin1 -t utf-8`"
            ),
            DraftError::NothingFound { format } => write!(
                f,
                "found nothing to draft in this article (read as {format}): no comparison chart, \
                 definitions, questions with answers, or sentences contrasting its subjects; \
                 see docs/drafting.md for the layouts pmquiz recognises"
            ),
            DraftError::Invalid(details) => write!(
                f,
                "the drafted deck does not pass `pmquiz check`; this is a bug in pmquiz, please report it with the article:\n{details}"
            ),
        }
    }
}

impl std::error::Error for DraftError {}

/// A comparison chart: subjects as columns, one row per aspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableDraft {
    pub no: usize,
    pub subjects: Vec<String>,
    pub rows: Vec<RowDraft>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowDraft {
    pub no: usize,
    /// `None` when the article gives the row no label.
    pub aspect: Option<String>,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermDraft {
    pub no: usize,
    pub term: String,
    pub definition: String,
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardDraft {
    pub no: usize,
    pub question: String,
    pub answer: String,
    pub accept: Vec<String>,
    pub explain: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatementDraft {
    pub no: usize,
    pub text: String,
    pub answer: bool,
    pub explain: Option<String>,
}

/// One drafted card (or table) in the deck, with the tags of its section.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    Table(TableDraft),
    Term(TermDraft),
    Card(CardDraft),
    Statement(StatementDraft),
}

#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub part: Part,
    pub tags: Vec<String>,
}

/// The kinds of section a heading can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    Chart,
    Definitions,
    Faq,
    Differences,
    Other,
}

/// What a heading's words say its section holds.
pub(crate) fn classify(heading: &str) -> SectionKind {
    let h = heading.to_lowercase();
    let word = |w: &str| text::contains_phrase(&h, w);
    if word("faq") || word("faqs") || h.contains("frequently asked") || word("questions") {
        SectionKind::Faq
    } else if word("chart")
        || word("comparison table")
        || h.contains("at a glance")
        || h.contains("side by side")
        || h.contains("side-by-side")
    {
        SectionKind::Chart
    } else if h.contains("definition")
        || word("glossary")
        || word("terminology")
        || word("terms")
        || word("meaning")
        || word("meanings")
    {
        SectionKind::Definitions
    } else if h.contains("difference") || h.contains("contrast") || h.contains("compar") {
        SectionKind::Differences
    } else {
        SectionKind::Other
    }
}

/// Which lines (and sentences of lines) of the article went into a card: the rest is listed
/// at the end of the draft. Keys are (block index, line index within the block).
#[derive(Debug, Default)]
pub(crate) struct Usage {
    blocks: HashSet<usize>,
    lines: HashSet<(usize, usize)>,
    sentences: HashMap<(usize, usize), HashSet<usize>>,
}

impl Usage {
    pub(crate) fn block(&mut self, block: usize) {
        self.blocks.insert(block);
    }
    pub(crate) fn line(&mut self, block: usize, line: usize) {
        self.lines.insert((block, line));
    }
    pub(crate) fn sentence(&mut self, block: usize, line: usize, sentence: usize) {
        self.sentences
            .entry((block, line))
            .or_default()
            .insert(sentence);
    }
}

/// Drafts a deck from an article's bytes.
pub fn draft(bytes: &[u8], options: &Options) -> Result<Draft, DraftError> {
    let article = input::read(bytes, &options.file_name, options.format)?;
    let meta = meta::read(&article);
    let subjects = guess_subjects(&article, &meta);
    let mut walk = Walk {
        article: &article,
        subjects: &subjects,
        usage: Usage::default(),
        placed: Vec::new(),
        left: Vec::new(),
    };
    walk.run(&meta);
    let Walk {
        usage,
        placed,
        mut left,
        ..
    } = walk;
    if placed.is_empty() {
        return Err(DraftError::NothingFound {
            format: article.format.name(),
        });
    }
    let placed = group_terms(placed);
    left.extend(leftovers(&article, &usage));
    left.sort_by_key(|(no, _)| *no);
    let name = options
        .name
        .clone()
        .map(|n| squash(&n))
        .filter(|n| !n.is_empty())
        .or_else(|| meta.title.clone())
        .unwrap_or_else(|| fallback_name(&options.file_name));
    let deck = write::DeckDraft {
        name,
        source: meta.source(),
        file_name: options.file_name.clone(),
        format: article.format,
        parts: placed,
        left_over: left,
    };
    let (text, counts) = write::write(&deck);
    if let Err(diagnostics) =
        crate::deck::parse_deck(&text, "draft.toml", "draft", crate::deck::Origin::BuiltIn)
    {
        let details: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        return Err(DraftError::Invalid(details.join("\n")));
    }
    Ok(Draft {
        text,
        counts,
        format: article.format,
    })
}

fn fallback_name(file_name: &str) -> String {
    let stem = std::path::Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = squash(&stem.replace(['-', '_'], " "));
    if name.is_empty() {
        "Drafted deck".to_string()
    } else {
        text::capitalize(&name)
    }
}

/// The subjects compared: from the title, else from a heading of the form "X vs. Y", else the
/// terms defined under a definitions heading when there are two to four.
fn guess_subjects(article: &Article, meta: &meta::Meta) -> Vec<String> {
    if let Some(title) = &meta.title {
        let s = meta::subjects_from_title(title);
        if !s.is_empty() {
            return s;
        }
    }
    for block in &article.blocks {
        if let Block::Heading(h) = block {
            let s = meta::subjects_from_title(&h.text);
            if !s.is_empty() {
                return s;
            }
        }
    }
    let mut terms: Vec<String> = Vec::new();
    let mut inside = false;
    for (i, block) in article.blocks.iter().enumerate() {
        if let Block::Heading(h) = block {
            if classify(&h.text) == SectionKind::Definitions {
                inside = true;
            } else if inside
                && h.text.split_whitespace().count() <= 6
                && matches!(article.blocks.get(i + 1), Some(Block::Para(_)))
            {
                let t = squash(&h.text);
                if !terms
                    .iter()
                    .any(|x| crate::quiz::normalize(x) == crate::quiz::normalize(&t))
                {
                    terms.push(t);
                }
            } else if inside {
                break;
            }
        }
    }
    if (2..=4).contains(&terms.len()) {
        terms
    } else {
        Vec::new()
    }
}

/// The section being read and the tags its cards get.
struct Section {
    kind: SectionKind,
    level: u8,
    tags: Vec<String>,
    /// The blocks of the headings the tags come from: used once a card has the tags.
    headings: Vec<usize>,
}

struct Walk<'a> {
    article: &'a Article,
    subjects: &'a [String],
    usage: Usage,
    placed: Vec<Placed>,
    /// Pieces left over that the usage marks cannot describe (table rows that did not fit).
    left: Vec<(usize, String)>,
}

impl Walk<'_> {
    fn run(&mut self, meta: &meta::Meta) {
        let blocks = &self.article.blocks;
        let mut section = Section {
            kind: SectionKind::Other,
            level: 1,
            tags: vec!["intro".to_string()],
            headings: Vec::new(),
        };
        let mut i = 0;
        if let Some(Block::Heading(h)) = blocks.first()
            && h.level == 1
        {
            self.usage.block(0);
            i = 1;
        }
        for (b, block) in blocks.iter().enumerate() {
            if let Block::Para(lines) = block {
                for (k, line) in lines.iter().enumerate() {
                    if meta.byline_lines.contains(&line.no) {
                        self.usage.line(b, k);
                    }
                }
            }
        }
        while i < blocks.len() {
            // A question and its answer, wherever they are.
            if let Some((card, taken)) = faq::item(&blocks[i..], i, &mut self.usage) {
                let tags = match section.kind {
                    SectionKind::Faq | SectionKind::Other | SectionKind::Differences => {
                        for &h in &section.headings {
                            self.usage.block(h);
                        }
                        section.tags.clone()
                    }
                    SectionKind::Chart | SectionKind::Definitions => vec!["faq".to_string()],
                };
                self.placed.push(Placed {
                    part: Part::Card(card),
                    tags,
                });
                i += taken;
                continue;
            }
            match &blocks[i] {
                Block::Heading(h) => {
                    let kind = classify(&h.text);
                    let level = if h.mark == Mark::Inferred { 2 } else { h.level };
                    let sub = kind == SectionKind::Other
                        && h.mark == Mark::Markup
                        && level > section.level
                        && matches!(section.kind, SectionKind::Other | SectionKind::Differences);
                    if sub {
                        let tag = self.tag(kind, &h.text);
                        section.tags.truncate(1);
                        section.tags.push(tag);
                        section.headings.truncate(1);
                        section.headings.push(i);
                    } else {
                        section = Section {
                            kind,
                            level,
                            tags: vec![self.tag(kind, &h.text)],
                            headings: vec![i],
                        };
                    }
                    i += 1;
                    match kind {
                        SectionKind::Chart => {
                            if let Some((mut table, taken)) =
                                chart::from_runs(&blocks[i..], self.subjects)
                            {
                                for b in i..i + taken {
                                    self.usage.block(b);
                                }
                                table.no = h.no;
                                self.place(Part::Table(table), &section);
                                i += taken;
                            }
                        }
                        SectionKind::Definitions => {
                            let (terms, taken) =
                                definitions::section(&blocks[i..], i, level, &mut self.usage);
                            for term in terms {
                                self.place(Part::Term(term), &section);
                            }
                            i += taken;
                        }
                        _ => {}
                    }
                }
                Block::Table(table) => {
                    if let Some((chart, left)) = chart::from_table(table, self.subjects) {
                        self.usage.block(i);
                        self.left.extend(left);
                        self.place(Part::Table(chart), &section);
                    }
                    i += 1;
                }
                Block::Para(lines) => {
                    self.prose(i, lines, &section);
                    i += 1;
                }
            }
        }
    }

    fn place(&mut self, part: Part, section: &Section) {
        for &h in &section.headings {
            self.usage.block(h);
        }
        self.placed.push(Placed {
            part,
            tags: section.tags.clone(),
        });
    }

    /// The tag of a section: its heading without the subjects' names, or the kind's name.
    fn tag(&self, kind: SectionKind, heading: &str) -> String {
        let fallback = match kind {
            SectionKind::Chart => "chart",
            SectionKind::Definitions => "definitions",
            SectionKind::Faq => return "faq".to_string(),
            SectionKind::Differences => "differences",
            SectionKind::Other => "",
        };
        heading_tag(heading, self.subjects).unwrap_or_else(|| {
            if fallback.is_empty() {
                let words: Vec<&str> = heading.split_whitespace().take(4).collect();
                crate::deck::slug(&words.join(" "))
            } else {
                fallback.to_string()
            }
        })
    }

    /// Prose: contrasting sentences become statements, sentences that define a subject terms.
    fn prose(&mut self, b: usize, lines: &[article::Line], section: &Section) {
        let mut spans = Vec::new();
        for (k, line) in lines.iter().enumerate() {
            for (s, range) in sentences(&line.text).into_iter().enumerate() {
                spans.push((k, s, line.no, &line.text[range]));
            }
        }
        let list: Vec<differences::Sentence> = spans
            .iter()
            .map(|&(_, _, no, text)| differences::Sentence { no, text })
            .collect();
        let contrasts = if !self.subjects.is_empty() || section.kind == SectionKind::Differences {
            differences::from_paragraph(&list, self.subjects)
        } else {
            Vec::new()
        };
        let mut taken: HashSet<usize> = HashSet::new();
        for found in contrasts {
            for &u in &found.used {
                let (k, s, _, _) = spans[u];
                self.usage.sentence(b, k, s);
            }
            taken.insert(found.used[0]);
            self.place(Part::Statement(found.statement), section);
        }
        for (u, &(k, s, no, text)) in spans.iter().enumerate() {
            if taken.contains(&u) {
                continue;
            }
            if let Some((term, definition)) = definitions::prose(text, self.subjects) {
                self.usage.sentence(b, k, s);
                self.place(
                    Part::Term(TermDraft {
                        no,
                        term,
                        definition,
                        examples: Vec::new(),
                    }),
                    section,
                );
            }
        }
    }
}

/// Puts every definition of a term together, at the place of the first definition drafted;
/// terms keep the order in which the article first defines them.
fn group_terms(placed: Vec<Placed>) -> Vec<Placed> {
    let mut groups: Vec<(String, Vec<Placed>)> = Vec::new();
    for p in &placed {
        if let Part::Term(t) = &p.part {
            let key = crate::quiz::normalize(&t.term);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.push(p.clone()),
                None => groups.push((key, vec![p.clone()])),
            }
        }
    }
    let mut out = Vec::new();
    let mut groups = Some(groups);
    for p in placed {
        match p.part {
            Part::Term(_) => {
                if let Some(groups) = groups.take() {
                    out.extend(groups.into_iter().flat_map(|(_, g)| g));
                }
            }
            _ => out.push(p),
        }
    }
    out
}

/// The lines and sentences of the article that no card used, with their line numbers.
fn leftovers(article: &Article, usage: &Usage) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (b, block) in article.blocks.iter().enumerate() {
        if usage.blocks.contains(&b) {
            continue;
        }
        match block {
            Block::Heading(h) => out.push((h.no, format!("[heading] {}", squash(&h.text)))),
            Block::Table(t) => {
                let mut rows = Vec::new();
                if let Some(h) = &t.header {
                    rows.push((t.no, h.join(" | ")));
                }
                rows.extend(t.rows.iter().map(|(no, r)| (*no, r.join(" | "))));
                out.extend(rows);
            }
            Block::Para(lines) => {
                for (k, line) in lines.iter().enumerate() {
                    if usage.lines.contains(&(b, k)) {
                        continue;
                    }
                    let used = usage.sentences.get(&(b, k));
                    let rest: Vec<&str> = sentences(&line.text)
                        .into_iter()
                        .enumerate()
                        .filter(|(s, _)| used.is_none_or(|u| !u.contains(s)))
                        .map(|(_, r)| &line.text[r])
                        .collect();
                    if !rest.is_empty() {
                        out.push((line.no, squash(&rest.join(" "))));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_classified_by_their_words() {
        assert_eq!(classify("Comparison Chart"), SectionKind::Chart);
        assert_eq!(classify("Key Differences"), SectionKind::Differences);
        assert_eq!(
            classify("Production Management and Operation Management Definitions"),
            SectionKind::Definitions
        );
        assert_eq!(classify("Frequently Asked Questions"), SectionKind::Faq);
        assert_eq!(classify("Sector Relevance"), SectionKind::Other);
    }

    #[test]
    fn an_article_without_any_part_gives_an_error() {
        let options = Options {
            file_name: "story.txt".into(),
            ..Options::default()
        };
        let err = draft(
            b"A walk\n\nWe walked to the river and back. It rained.\n",
            &options,
        )
        .unwrap_err();
        assert_eq!(
            err,
            DraftError::NothingFound {
                format: "plain text"
            }
        );
    }
}
