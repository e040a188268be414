//! Loading a deck from TOML text: parse with positions kept, validate every field, and build the
//! model. All problems of a file are collected and returned together, each pointing at its spot.

use super::id::{derived_id, id_text};
use super::model::{Card, Cloze, Content, Deck, Origin, Row, Segment};
use super::source::row_id;
use super::strings::StringSource;
use super::syntax::{ROW_BEFORE_TABLE, control_name};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::quiz::Kind;
use crate::quiz::normalize_accented;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

type Value<'i> = Spanned<DeValue<'i>>;

const CARD_KINDS: [&str; 6] = ["card", "term", "statement", "cloze", "choice", "table"];
const TOP_LEVEL: [&str; 7] = [
    "deck",
    "card",
    "term",
    "statement",
    "cloze",
    "choice",
    "table",
];
const COMMON: [&str; 5] = ["id", "tags", "explain", "fact", "kinds"];

/// Parses and validates a deck. `path` names the file in diagnostics; `default_id` is the deck id
/// used when `[deck]` has none (the file stem).
pub fn parse_deck(
    source: &str,
    path: &str,
    default_id: &str,
    origin: Origin,
) -> Result<Deck, Vec<Diagnostic>> {
    if source.len() >= BLOCKS_FROM
        && let Some(deck) = parse_in_blocks(source, path, default_id, origin.clone())
    {
        return Ok(deck);
    }
    parse_whole(source, path, default_id, origin)
}

/// Parses the file in one piece, collecting every problem. For a caller that has already tried
/// [`parse_by_blocks`]; others call [`parse_deck`].
pub(crate) fn parse_whole(
    source: &str,
    path: &str,
    default_id: &str,
    origin: Origin,
) -> Result<Deck, Vec<Diagnostic>> {
    let root = match DeTable::parse(source) {
        Ok(root) => root,
        Err(e) => return Err(vec![super::syntax::syntax_error(path, source, &e)]),
    };
    let mut cx = Cx::new(source, path);
    let deck = cx.deck(root.get_ref(), default_id, origin);
    if cx.errors.is_empty() {
        Ok(deck.expect("a deck is built when there are no errors"))
    } else {
        cx.errors.sort_by_key(|d| (d.line, d.column));
        Err(cx.errors)
    }
}

/// Where a valid deck's id is written: its `id` in `[deck]`, or else its `[deck]` header (the id
/// then comes from the file name). For pointing at a deck id that clashes with another deck's.
pub fn deck_id_span(source: &str) -> Option<Range<usize>> {
    let root = DeTable::parse(source).ok()?;
    let deck = root.get_ref().get("deck")?;
    let id = deck.get_ref().as_table().and_then(|t| t.get("id"));
    Some(id.map_or_else(|| deck.span(), |id| id.span()))
}

/// Decks at least this large are first parsed block by block (see [`parse_in_blocks`]).
const BLOCKS_FROM: usize = 256 * 1024;

/// The fast path for large decks: the text is cut before each top-level header (`[deck]`,
/// `[[card]]`, …) and the blocks are parsed and checked on several threads. Parsing the whole
/// file at once holds the entire syntax tree (about ten times the text) in memory; block by
/// block, only the validated cards stay. Returns `None` at the first sign of trouble, and the
/// caller then parses the file in one piece, which reports every problem at its position.
fn parse_in_blocks(source: &str, path: &str, default_id: &str, origin: Origin) -> Option<Deck> {
    parse_by_blocks(source, path, default_id, origin).map(|parsed| parsed.deck)
}

/// What the text between two top-level headers is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// Text before the first header: comments and blank lines only.
    Preamble,
    /// The `[deck]` table.
    Deck,
    /// A card kind's header and its card.
    Cards,
}

/// A block of a deck file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) range: Range<usize>,
    pub(crate) kind: BlockKind,
    /// How many cards the block holds (each card block holds one, in a file written by hand).
    pub(crate) cards: usize,
}

/// A deck parsed block by block, with where each card came from: the cards of the blocks, in
/// order, are the deck's cards.
pub(crate) struct ParsedBlocks {
    pub(crate) deck: Deck,
    pub(crate) blocks: Vec<Block>,
}

#[cfg(test)]
thread_local! {
    /// How many times this thread parsed a deck block by block.
    pub(crate) static BLOCK_PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parses a deck block by block (see [`parse_in_blocks`]); `None` at the first problem.
pub(crate) fn parse_by_blocks(
    source: &str,
    path: &str,
    default_id: &str,
    origin: Origin,
) -> Option<ParsedBlocks> {
    #[cfg(test)]
    BLOCK_PARSES.with(|n| n.set(n.get() + 1));
    let split = split_blocks(source);
    let mut decks = split.iter().filter(|b| b.1 == Some("deck"));
    let (deck_range, _) = decks.next()?;
    if decks.next().is_some() {
        return None;
    }
    let mut cx = Cx::new(source, path);
    let header = header_of(&source[deck_range.clone()], default_id, &mut cx)?;
    let others: Vec<(Range<usize>, Option<&str>)> = split
        .iter()
        .filter(|b| b.1 != Some("deck"))
        .cloned()
        .collect();
    let (built, counts) = parse_blocks(source, path, &others, &header.tags)?;
    let mut blocks = Vec::with_capacity(split.len());
    let mut counts = counts.into_iter();
    for (range, name) in &split {
        let (kind, cards) = match *name {
            Some("deck") => (BlockKind::Deck, 0),
            _ => {
                let n = counts.next()?;
                let kind = if name.is_some() {
                    BlockKind::Cards
                } else {
                    BlockKind::Preamble
                };
                (kind, n)
            }
        };
        blocks.push(Block {
            range: range.clone(),
            kind,
            cards,
        });
    }
    let deck = cx.finish(header, built, deck_range.clone(), origin);
    let deck = cx.errors.is_empty().then_some(deck).flatten()?;
    Some(ParsedBlocks { deck, blocks })
}

fn header_of(text: &str, default_id: &str, cx: &mut Cx<'_>) -> Option<Header> {
    let root = DeTable::parse(text).ok()?;
    if root.get_ref().len() != 1 {
        return None;
    }
    let header = cx.header(root.get_ref(), default_id);
    cx.errors.is_empty().then_some(header)
}

/// Parses blocks of `source` other than the `[deck]` block, each alone and on several threads
/// when there are many, with `tags` the deck's tags: the cards of each block, or `None` at the
/// first problem. A block holds exactly what its header opens; text before the first header
/// (`None`) holds nothing but comments.
pub(crate) fn parse_card_blocks(
    source: &str,
    path: &str,
    blocks: &[(Range<usize>, Option<&str>)],
    tags: &[String],
) -> Option<Vec<Vec<Card>>> {
    let (built, counts) = parse_blocks(source, path, blocks, tags)?;
    let mut cards = built.into_iter().map(|b| b.card);
    Some(
        counts
            .into_iter()
            .map(|n| cards.by_ref().take(n).collect())
            .collect(),
    )
}

/// Blocks bigger than this in all are parsed on several threads.
const THREADS_FROM: usize = 64 * 1024;

fn parse_blocks(
    source: &str,
    path: &str,
    blocks: &[(Range<usize>, Option<&str>)],
    tags: &[String],
) -> Option<(Vec<Built>, Vec<usize>)> {
    // The cards of every block go into one vector, with how many each block holds: a vector
    // per block would keep room for several cards of each of 100 000 blocks until the end.
    let some = |group: &[(Range<usize>, Option<&str>)]| -> Option<(Vec<Built>, Vec<usize>)> {
        let mut built = Vec::with_capacity(group.len());
        let mut counts = Vec::with_capacity(group.len());
        for (range, name) in group {
            // Positions inside a block are relative to the block.
            let text = &source[range.clone()];
            let mut cx = Cx::new(text, path);
            let root = DeTable::parse(text).ok()?;
            let root = root.get_ref();
            let expected = usize::from(name.is_some());
            if root.len() != expected || name.is_some_and(|n| root.get(n).is_none()) {
                return None;
            }
            let cards = cx.cards(root, tags, range.start);
            if !cx.errors.is_empty() {
                return None;
            }
            counts.push(cards.len());
            built.extend(cards);
        }
        Some((built, counts))
    };
    let size: usize = blocks.iter().map(|b| b.0.len()).sum();
    let threads = if size < THREADS_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    if threads == 1 {
        return some(blocks);
    }
    let per_thread = blocks.len().div_ceil(threads).max(1);
    let groups: Vec<Option<(Vec<Built>, Vec<usize>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = blocks
            .chunks(per_thread)
            .map(|group| scope.spawn(move || some(group)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut built = Vec::new();
    let mut counts = Vec::with_capacity(blocks.len());
    for group in groups {
        let (cards, n) = group?;
        built.extend(cards);
        counts.extend(n);
    }
    Some((built, counts))
}

/// The 1-based line of each card's header (`[[card]]`, `[[term]]`, …) in `source`, in file
/// order: the line of `deck.cards[i]` is the `i`-th, for a deck that loaded from `source`.
pub(crate) fn card_lines(source: &str) -> Vec<usize> {
    split_blocks(source)
        .into_iter()
        .filter(|(_, name)| name.is_some_and(|n| n != "deck"))
        .map(|(range, _)| source[..range.start].matches('\n').count() + 1)
        .collect()
}

/// Blocks of a deck file: where each is, and the name its header opens (`None` for the text
/// before the first header).
pub(crate) type Split = Vec<(Range<usize>, Option<&'static str>)>;

/// Cuts `source` before each top-level header (`[deck]` or `[[KIND]]` for a card kind), outside
/// multi-line strings. Each block comes with the name its header opens (`None` for the text
/// before the first header).
pub(crate) fn split_blocks(source: &str) -> Split {
    split_region(source, 0).0
}

/// Cuts `text`, which starts at byte `offset` of a deck file and at a line of it that
/// [`split_blocks`] cuts before (or at the start of the file), as [`split_blocks`] cuts it, with
/// positions in the file; and whether the text ends outside a multi-line string, so that a
/// header line right after it would be cut before too.
pub(crate) fn split_region(text: &str, offset: usize) -> (Split, bool) {
    let mut blocks = Vec::new();
    let mut start = offset;
    let mut name = None;
    let mut open_string = None;
    let mut at = offset;
    for line in text.split_inclusive('\n') {
        if open_string.is_none()
            && let Some(header) = top_level_header(line)
        {
            if at > start || name.is_some() {
                blocks.push((start..at, name));
            }
            start = at;
            name = Some(header);
        }
        open_string = string_open_after(line, open_string);
        at += line.len();
    }
    blocks.push((start..offset + text.len(), name));
    (blocks, open_string.is_none())
}

/// `deck` for a `[deck]` line, `card` for `[[card]]`, and so on; `None` for anything else.
fn top_level_header(line: &str) -> Option<&'static str> {
    let line = line.trim_start_matches('\u{feff}').trim_start();
    let double = line.starts_with("[[");
    let (inner, rest) = if double {
        let rest = &line[2..];
        let end = rest.find("]]")?;
        (&rest[..end], &rest[end + 2..])
    } else {
        let rest = line.strip_prefix('[')?;
        let end = rest.find(']')?;
        (&rest[..end], &rest[end + 1..])
    };
    let rest = rest.trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let name = inner.trim();
    if !double {
        return (name == "deck").then_some("deck");
    }
    CARD_KINDS.iter().copied().find(|k| *k == name)
}

/// The multi-line string delimiter (`"""` or `'''`) still open after `line`, if any. Works on
/// bytes: every delimiter and quote is ASCII, so multi-byte characters are simply skipped.
fn string_open_after(line: &str, mut open: Option<&'static str>) -> Option<&'static str> {
    const BASIC: &str = "\"\"\"";
    const LITERAL: &str = "'''";
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if let Some(delim) = open {
            if delim == BASIC && bytes[i] == b'\\' {
                i += 2;
            } else if rest.starts_with(delim.as_bytes()) {
                open = None;
                i += 3;
            } else {
                i += 1;
            }
            continue;
        }
        match bytes[i] {
            b'#' => break,
            quote @ (b'"' | b'\'') => {
                let triple = if quote == b'"' { BASIC } else { LITERAL };
                if rest.starts_with(triple.as_bytes()) {
                    open = Some(triple);
                    i += 3;
                    continue;
                }
                // A one-line string: skip to its closing quote.
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if quote == b'"' && bytes[i] == b'\\' {
                        2
                    } else {
                        1
                    };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    open
}

struct Cx<'s> {
    src: &'s str,
    path: &'s str,
    errors: Vec<Diagnostic>,
    /// Where the lines of `src` start, found when the first problem is reported.
    lines: OnceCell<LineIndex>,
}

/// What the `[deck]` table says.
struct Header {
    id: String,
    name: Option<String>,
    description: String,
    source: String,
    tags: Vec<String>,
}

/// A card's main text, kept with its position for id derivation and duplicate reports.
struct Built {
    card: Card,
    explicit_id: Option<Range<usize>>,
    header: Range<usize>,
    /// A term card's `includes`, with their positions: checked against the deck's terms.
    includes: Vec<(String, Range<usize>)>,
}

impl<'s> Cx<'s> {
    fn new(src: &'s str, path: &'s str) -> Self {
        Cx {
            src,
            path,
            errors: Vec::new(),
            lines: OnceCell::new(),
        }
    }

    fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let lines = self.lines.get_or_init(|| LineIndex::new(self.src));
        Diagnostic::indexed(self.path, self.src, lines, span, message)
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        let d = self.diagnostic(span, message).with_help(help);
        self.errors.push(d);
    }

    fn deck(&mut self, root: &DeTable<'_>, default_id: &str, origin: Origin) -> Option<Deck> {
        let header = self.header(root, default_id);
        let built = self.cards(root, &header.tags, 0);
        let deck_span = root.get("deck").map_or(0..0, |d| d.span());
        self.finish(header, built, deck_span, origin)
    }

    /// The top-level keys and the `[deck]` table.
    fn header(&mut self, root: &DeTable<'_>, default_id: &str) -> Header {
        for (key, _) in root.iter() {
            if !TOP_LEVEL.contains(&key.get_ref().as_ref()) {
                self.unknown_field(key, "the top level of a deck", &TOP_LEVEL);
            }
        }

        let mut id = default_id.to_string();
        let mut name = None;
        let (mut description, mut source, mut tags) = (String::new(), String::new(), Vec::new());
        match root.get("deck") {
            None => self.error(
                0..0,
                "missing `[deck]` table",
                "start the file with `[deck]` and a `name = \"...\"` line",
            ),
            Some(value) => {
                if let Some(mut f) = self.fields(value, "[deck]") {
                    if let Some(explicit) = f.string(self, "id", false) {
                        if is_valid_id(&explicit.0) {
                            id = explicit.0;
                        } else {
                            self.error(
                                explicit.1,
                                format!("invalid deck id `{}`", explicit.0),
                                "use only letters, digits, `-`, `_` and `.`",
                            );
                        }
                    }
                    name = f.string(self, "name", true).map(|s| s.0);
                    description = f
                        .string(self, "description", false)
                        .map_or_else(String::new, |s| s.0);
                    source = f
                        .string(self, "source", false)
                        .map_or_else(String::new, |s| s.0);
                    tags = f.strings(self, "tags").into_iter().map(|s| s.0).collect();
                    f.finish(self, &["id", "name", "description", "source", "tags"]);
                }
            }
        }

        Header {
            id,
            name,
            description,
            source,
            tags,
        }
    }

    /// The cards under `root`, whose text starts at byte `offset` of the file.
    fn cards(&mut self, root: &DeTable<'_>, deck_tags: &[String], offset: usize) -> Vec<Built> {
        let mut built = Vec::new();
        for kind in CARD_KINDS {
            let Some(value) = root.get(kind) else {
                continue;
            };
            let Some(items) = value.get_ref().as_array() else {
                let table = value.get_ref().as_table();
                let (message, help) = match table {
                    // `[[table.row]]` with no `[[table]]` above it makes a `table` that holds
                    // nothing but rows.
                    Some(t) if kind == "table" && t.len() == 1 && t.get("row").is_some() => (
                        ROW_BEFORE_TABLE.0.to_string(),
                        ROW_BEFORE_TABLE.1.to_string(),
                    ),
                    Some(_) => (
                        format!("`[{kind}]` opens a single table; cards are written `[[{kind}]]`"),
                        format!(
                            "write each card under its own `[[{kind}]]` header, with double brackets"
                        ),
                    ),
                    None => (
                        format!("`{kind}` must be an array of tables"),
                        format!("write each card under its own `[[{kind}]]` header"),
                    ),
                };
                self.error(value.span(), message, help);
                continue;
            };
            for item in items.iter() {
                let context = format!("[[{kind}]]");
                let Some(mut f) = self.fields(item, &context) else {
                    continue;
                };
                if let Some(mut b) = self.card(kind, &mut f, deck_tags) {
                    b.header = b.header.start + offset..b.header.end + offset;
                    for (_, span) in &mut b.includes {
                        *span = span.start + offset..span.end + offset;
                    }
                    built.push(b);
                }
            }
        }
        built
    }

    /// Orders the cards as in the file, checks what spans them all, and builds the deck.
    fn finish(
        &mut self,
        header: Header,
        mut built: Vec<Built>,
        deck_span: Range<usize>,
        origin: Origin,
    ) -> Option<Deck> {
        built.sort_by_key(|b| b.header.start);

        if built.is_empty() && self.errors.is_empty() {
            self.error(
                deck_span,
                "the deck has no cards",
                "add at least one card, e.g. a `[[card]]` with `question` and `answer`",
            );
        }

        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        for b in &built {
            let mut ids = vec![b.card.id.clone()];
            if let Content::Table { rows, .. } = &b.card.content {
                ids.extend(rows.iter().map(|r| row_id(&b.card.id, &r.id)));
            }
            for id in ids {
                if let Some(first) = seen.insert(id.clone(), b.header.clone()) {
                    let first = self.diagnostic(first, "").line;
                    let span = b.explicit_id.clone().unwrap_or(b.header.clone());
                    self.error(
                        span,
                        format!("duplicate card id `{id}`"),
                        format!(
                            "card ids must be unique within a deck; the card at line {first} already uses it: give one of them another `id`"
                        ),
                    );
                }
            }
        }

        self.check_includes(&built);

        let name = header.name?;
        Some(Deck {
            id: header.id,
            name,
            description: header.description,
            source: header.source,
            tags: header.tags,
            cards: built.into_iter().map(|b| b.card).collect(),
            origin,
        })
    }

    /// Every term named in `includes` is the term of another card of the deck.
    fn check_includes(&mut self, built: &[Built]) {
        let terms: HashSet<String> = built
            .iter()
            .filter_map(|b| match &b.card.content {
                Content::Term { term, .. } => Some(crate::quiz::normalize(term)),
                _ => None,
            })
            .collect();
        for b in built {
            let Content::Term { term, .. } = &b.card.content else {
                continue;
            };
            let own = crate::quiz::normalize(term);
            for (included, span) in &b.includes {
                let norm = crate::quiz::normalize(included);
                if norm == own {
                    self.error(
                        span.clone(),
                        format!("the term `{term}` includes itself"),
                        "name other terms of this deck whose meaning this term takes in",
                    );
                } else if !terms.contains(&norm) {
                    self.error(
                        span.clone(),
                        format!("`includes` names `{included}`, which is not a term of this deck"),
                        "name the `term` of another [[term]] card of this deck, as written there",
                    );
                }
            }
        }
    }

    /// `fact`: one name, or a list of names.
    fn facts(&mut self, f: &mut Fields<'_, '_>) -> Vec<String> {
        let Some(value) = f.get("fact") else {
            return Vec::new();
        };
        let facts: Vec<String> = if value.get_ref().as_str().is_some() {
            f.string(self, "fact", false)
                .map(|s| s.0)
                .into_iter()
                .collect()
        } else if value.get_ref().as_array().is_some() {
            f.strings(self, "fact").into_iter().map(|s| s.0).collect()
        } else {
            f.type_error(
                self,
                "fact",
                value,
                "a string or an array of strings",
                "\"pm-focus\"",
            );
            Vec::new()
        };
        facts
    }

    /// `kinds`: question kinds this kind of card can be asked as, none repeated.
    fn kinds(&mut self, f: &mut Fields<'_, '_>, kind: &str) -> Vec<Kind> {
        let askable = askable(kind);
        let names: Vec<String> = askable
            .iter()
            .map(|k| format!("`{}`", k.as_str()))
            .collect();
        let written = f.strings(self, "kinds");
        let written_empty = f
            .get("kinds")
            .and_then(|v| v.get_ref().as_array())
            .is_some_and(|a| a.is_empty());
        if written_empty {
            let span = f.span_of("kinds").unwrap_or(f.header.clone());
            self.error(
                span,
                "`kinds` is empty",
                format!(
                    "list the kinds to ask this card as ({}), or remove the line",
                    names.join(", ")
                ),
            );
        }
        let mut kinds = Vec::new();
        for (name, span) in written {
            match name.parse::<Kind>() {
                Err(_) => self.error(
                    span,
                    format!("unknown question kind `{name}`"),
                    format!("a [[{kind}]] can be asked as {}", names.join(", ")),
                ),
                Ok(k) if !askable.contains(&k) => self.error(
                    span,
                    format!("a [[{kind}]] cannot be asked as `{}`", k.as_str()),
                    format!("a [[{kind}]] can be asked as {}", names.join(", ")),
                ),
                Ok(k) if kinds.contains(&k) => self.error(
                    span,
                    format!("`{}` is listed twice in `kinds`", k.as_str()),
                    "remove one of them",
                ),
                Ok(k) => kinds.push(k),
            }
        }
        kinds
    }

    fn card(&mut self, kind: &str, f: &mut Fields<'_, '_>, deck_tags: &[String]) -> Option<Built> {
        let errors_before = self.errors.len();
        let explicit = f.string(self, "id", false);
        if let Some((id, span)) = &explicit
            && !is_valid_id(id)
        {
            self.error(
                span.clone(),
                format!("invalid card id `{id}`"),
                "use only letters, digits, `-`, `_` and `.`",
            );
        }
        let mut tags: Vec<String> = f.strings(self, "tags").into_iter().map(|s| s.0).collect();
        for t in deck_tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        let explain = f.string(self, "explain", false).map(|s| s.0);
        let facts = self.facts(f);
        let kinds = self.kinds(f, kind);
        let mut includes = Vec::new();

        let (content, extra): (Option<Content>, &[&str]) = match kind {
            "card" => {
                let question = f.string(self, "question", true);
                let answer = f.string(self, "answer", true);
                let accept = f.strings(self, "accept");
                let wrong = f.strings(self, "wrong");
                let typed = f.boolean(self, "typed").unwrap_or(false);
                if typed && !wrong.is_empty() {
                    let span = f.span_of("wrong").unwrap_or(f.header.clone());
                    self.error(
                        span,
                        "a card asked only as typed answer has no use for `wrong` options",
                        "remove `wrong`, or remove `typed = true` to ask the card as multiple choice too",
                    );
                }
                if let Some((answer, _)) = &answer
                    && !wrong.is_empty()
                {
                    // Accents count here: `ano` is a fair wrong option for `año`.
                    let accepted: Vec<String> = std::iter::once(answer.clone())
                        .chain(accept.iter().map(|a| a.0.clone()))
                        .map(|a| normalize_accented(&a))
                        .collect();
                    for (w, span) in &wrong {
                        if accepted.contains(&normalize_accented(w)) {
                            self.error(
                                span.clone(),
                                format!("wrong answer `{w}` is also an accepted answer"),
                                "remove it from `wrong`, or from `answer`/`accept`",
                            );
                        }
                    }
                }
                let keywords = self.keywords(f, answer.as_ref().map(|a| a.0.as_str()));
                let list = f.boolean(self, "list");
                if list == Some(true)
                    && let Some((answer, _)) = &answer
                    && crate::quiz::list_items(answer).len() < 2
                {
                    let span = f.span_of("list").unwrap_or(f.header.clone());
                    self.error(
                        span,
                        format!("`list = true`, but the answer `{answer}` is one item"),
                        "separate the answer's items with commas, `;`, `and` or `or`, or remove `list`",
                    );
                }
                let content = match (question, answer) {
                    (Some(q), Some(a)) => Some(Content::Card {
                        question: q.0,
                        answer: a.0,
                        accept: accept.into_iter().map(|s| s.0).collect(),
                        wrong: wrong.into_iter().map(|s| s.0).collect(),
                        keywords,
                        list,
                        typed,
                    }),
                    _ => None,
                };
                (
                    content,
                    &[
                        "question", "answer", "accept", "wrong", "keywords", "list", "typed",
                    ],
                )
            }
            "term" => {
                let term = f.string(self, "term", true);
                let definition = f.string(self, "definition", true);
                let accept = f.strings(self, "accept");
                let reverse = f.boolean(self, "reverse").unwrap_or(true);
                let mut examples = Vec::new();
                for (text, span) in f.strings(self, "examples") {
                    let cloze = if text.contains("{{") || text.contains("}}") {
                        self.cloze(&text, span)
                    } else if let Some((term, _)) = &term {
                        let found = term_blank(&text, term);
                        if found.is_none() {
                            self.error(
                                span,
                                format!("example does not contain the term `{term}`"),
                                "use the term in the sentence, or mark the words to hide with `{{...}}`",
                            );
                        }
                        found
                    } else {
                        None
                    };
                    examples.extend(cloze);
                }
                includes = f.strings(self, "includes");
                let exclusive = f.boolean(self, "exclusive").unwrap_or(false);
                let content = match (term, definition) {
                    (Some(t), Some(d)) => Some(Content::Term {
                        term: t.0,
                        definition: d.0,
                        examples,
                        accept: accept.into_iter().map(|s| s.0).collect(),
                        reverse,
                        includes: includes.iter().map(|s| s.0.clone()).collect(),
                        exclusive,
                    }),
                    _ => None,
                };
                (
                    content,
                    &[
                        "term",
                        "definition",
                        "examples",
                        "accept",
                        "reverse",
                        "includes",
                        "exclusive",
                    ],
                )
            }
            "statement" => {
                let text = f.string(self, "text", true);
                let answer = f.boolean(self, "answer");
                if answer.is_none() && f.absent("answer") {
                    self.error(
                        f.header.clone(),
                        "missing field `answer` in [[statement]]",
                        "add `answer = true` or `answer = false`",
                    );
                }
                let content = match (text, answer) {
                    (Some(t), Some(a)) => Some(Content::Statement {
                        text: t.0,
                        answer: a,
                    }),
                    _ => None,
                };
                (content, &["text", "answer"])
            }
            "cloze" => {
                let text = f.string(self, "text", true);
                let any_order = f.boolean(self, "any_order");
                let content = text.and_then(|(text, span)| {
                    let cloze = self.cloze(&text, span)?;
                    if any_order == Some(true) && cloze.blanks().len() < 2 {
                        let span = f.span_of("any_order").unwrap_or(f.header.clone());
                        self.error(
                            span,
                            "`any_order = true` on a text with one blank",
                            "`any_order` lets several blanks be filled in any order; remove it here",
                        );
                    }
                    Some(Content::Cloze {
                        text,
                        cloze,
                        any_order,
                    })
                });
                (content, &["text", "any_order"])
            }
            "choice" => {
                let question = f.string(self, "question", true);
                let options = f.strings(self, "options");
                let answer = f.string(self, "answer", true);
                if f.absent("options") {
                    self.error(
                        f.header.clone(),
                        "missing field `options` in [[choice]]",
                        "add `options = [\"...\", \"...\"]` with the right answer among them",
                    );
                } else if f.is_array("options") && (options.len() < 2 || options.len() > 8) {
                    let span = f.span_of("options").unwrap_or(f.header.clone());
                    self.error(
                        span,
                        format!(
                            "a choice needs 2 to 8 options, this one has {}",
                            options.len()
                        ),
                        "list between 2 and 8 options",
                    );
                }
                let keys: Vec<String> =
                    options.iter().map(|(o, _)| normalize_accented(o)).collect();
                for (i, (option, span)) in options.iter().enumerate() {
                    if let Some(first) = keys[..i].iter().position(|k| *k == keys[i]) {
                        self.error(
                            span.clone(),
                            format!("duplicate option `{option}`"),
                            format!(
                                "it reads the same as option {}, `{}` (case, spaces and punctuation aside); remove or reword one of them",
                                first + 1,
                                options[first].0
                            ),
                        );
                    }
                }
                let mut index = None;
                if let Some((answer, span)) = &answer {
                    index = options.iter().position(|(o, _)| o == answer);
                    if index.is_none() && !options.is_empty() {
                        let listed: Vec<String> =
                            options.iter().map(|(o, _)| format!("`{o}`")).collect();
                        self.error(
                            span.clone(),
                            format!("answer `{answer}` is not one of the options"),
                            format!("set `answer` to one of {}", listed.join(", ")),
                        );
                    }
                }
                let content = match (question, index) {
                    (Some(q), Some(i)) => Some(Content::Choice {
                        question: q.0,
                        options: options.into_iter().map(|s| s.0).collect(),
                        answer: i,
                    }),
                    _ => None,
                };
                (content, &["question", "options", "answer"])
            }
            "table" => {
                let title = f.string(self, "title", false).map(|s| s.0);
                let subjects = f.strings(self, "subjects");
                if f.absent("subjects") {
                    self.error(
                        f.header.clone(),
                        "missing field `subjects` in [[table]]",
                        "add `subjects = [\"...\", \"...\"]`: the columns being compared",
                    );
                } else if f.is_array("subjects") && subjects.len() < 2 {
                    let span = f.span_of("subjects").unwrap_or(f.header.clone());
                    self.error(
                        span,
                        "a table needs at least two subjects",
                        "list the columns being compared in `subjects`",
                    );
                }
                let keys: Vec<String> = subjects
                    .iter()
                    .map(|(s, _)| normalize_accented(s))
                    .collect();
                for (i, (s, span)) in subjects.iter().enumerate() {
                    if let Some(first) = keys[..i].iter().position(|k| *k == keys[i]) {
                        self.error(
                            span.clone(),
                            format!("duplicate subject `{s}`"),
                            format!(
                                "it reads the same as subject {}, `{}` (case, spaces and punctuation aside); every subject must be different",
                                first + 1,
                                subjects[first].0
                            ),
                        );
                    }
                }
                let rows = self.rows(f, subjects.len());
                let content = Some(Content::Table {
                    title,
                    subjects: subjects.into_iter().map(|s| s.0).collect(),
                    rows,
                });
                (content, &["title", "subjects", "row"])
            }
            _ => unreachable!("unknown card kind {kind}"),
        };
        let known: Vec<&str> = COMMON.iter().chain(extra).copied().collect();
        f.finish(self, &known);
        if self.errors.len() > errors_before {
            return None;
        }
        let content = content?;
        let id = explicit.as_ref().map_or_else(
            || derived_id(kind, &id_text(&content)),
            |(id, _)| id.clone(),
        );
        Some(Built {
            card: Card {
                id,
                tags,
                explain,
                facts,
                kinds,
                content,
            },
            explicit_id: explicit.map(|e| e.1),
            header: f.header.clone(),
            includes,
        })
    }

    /// A card's `keywords`: each one present in the card's own answer, none repeated.
    fn keywords(&mut self, f: &mut Fields<'_, '_>, answer: Option<&str>) -> Vec<String> {
        let keywords = f.strings(self, "keywords");
        let written_empty = f
            .get("keywords")
            .and_then(|v| v.get_ref().as_array())
            .is_some_and(|a| a.is_empty());
        if written_empty {
            let span = f.span_of("keywords").unwrap_or(f.header.clone());
            self.error(
                span,
                "`keywords` is empty",
                "list the words a typed answer must contain, e.g. `keywords = [\"planning\", \"quality\"]`, or remove the line",
            );
        }
        let mut seen: Vec<String> = Vec::new();
        let mut ok = Vec::new();
        for (keyword, span) in keywords {
            let alternatives: Vec<String> =
                keyword.split('|').map(|k| k.trim().to_string()).collect();
            if alternatives
                .iter()
                .any(|a| crate::quiz::normalize(a).is_empty())
            {
                self.error(
                    span,
                    format!("empty alternative in keyword `{keyword}`"),
                    "write a word on each side of `|`, e.g. `labor|labour`",
                );
                continue;
            }
            let norm = crate::quiz::normalize(&keyword);
            if seen.contains(&norm) {
                self.error(
                    span,
                    format!("keyword `{keyword}` is listed twice"),
                    "remove one of them",
                );
                continue;
            }
            seen.push(norm);
            if let Some(answer) = answer
                && !crate::quiz::contains_keyword(answer, &alternatives)
            {
                self.error(
                    span,
                    format!("keyword `{keyword}` is not in the answer `{answer}`"),
                    "keywords are words of `answer` that a typed reply must contain; use the answer's own words, with alternatives after `|` (`whole|entire`)",
                );
                continue;
            }
            ok.push(keyword);
        }
        ok
    }

    fn rows(&mut self, f: &mut Fields<'_, '_>, columns: usize) -> Vec<Row> {
        let Some(value) = f.get("row") else {
            if !f.absent("row") {
                return Vec::new();
            }
            self.error(
                f.header.clone(),
                "missing rows in [[table]]",
                "add rows under `[[table.row]]` headers, each with `aspect` and `cells`",
            );
            return Vec::new();
        };
        let Some(items) = value.get_ref().as_array() else {
            self.error(
                value.span(),
                "`row` must be an array of tables",
                "write each row under its own `[[table.row]]` header",
            );
            return Vec::new();
        };
        let mut rows = Vec::new();
        for item in items.iter() {
            let Some(mut r) = self.fields(item, "[[table.row]]") else {
                continue;
            };
            let id = r.string(self, "id", false);
            let aspect = r.string(self, "aspect", true);
            let cells = r.strings(self, "cells");
            let explain = r.string(self, "explain", false).map(|s| s.0);
            let tags = r.strings(self, "tags").into_iter().map(|s| s.0).collect();
            let facts = self.facts(&mut r);
            if r.absent("cells") {
                self.error(
                    r.header.clone(),
                    "missing field `cells` in [[table.row]]",
                    "add `cells = [...]` with one value per subject",
                );
            } else if r.is_array("cells") && cells.len() != columns && columns >= 2 {
                let span = r.span_of("cells").unwrap_or(r.header.clone());
                self.error(
                    span,
                    format!(
                        "this row has {} but the table has {columns} subjects",
                        plural(cells.len(), "cell")
                    ),
                    format!("give exactly one cell per subject, in the order of `subjects` ({columns} cells)"),
                );
            }
            r.finish(self, &["id", "aspect", "cells", "explain", "tags", "fact"]);
            if let Some((aspect, aspect_span)) = aspect {
                let (id, span) = match id {
                    Some((id, span)) => {
                        if !is_valid_id(&id) {
                            self.error(
                                span.clone(),
                                format!("invalid row id `{id}`"),
                                "use only letters, digits, `-`, `_` and `.`",
                            );
                        }
                        (id, span)
                    }
                    None => (slug(&aspect), aspect_span),
                };
                if let Some(first) = rows.iter().position(|row: &Row| row.id == id) {
                    self.error(
                        span,
                        format!("two rows of this table have the id `{id}`"),
                        format!(
                            "row ids come from `id` or else from `aspect`; give this row or row {} another `id`",
                            first + 1
                        ),
                    );
                    continue;
                }
                rows.push(Row {
                    id,
                    aspect,
                    cells: cells.into_iter().map(|s| s.0).collect(),
                    explain,
                    tags,
                    facts,
                });
            }
        }
        rows
    }

    /// Parses `{{answer|alternative}}` blanks in `text`, whose TOML string value sits at `span`.
    fn cloze(&mut self, text: &str, span: Range<usize>) -> Option<Cloze> {
        // Offsets in the text map to the file through the string as written (escapes, line
        // breaks of multi-line strings); decoded only when a problem needs a position.
        let src = self.src;
        let decoded = OnceCell::new();
        let at = |offset: usize, len: usize| {
            let source = decoded
                .get_or_init(|| StringSource::decode(&src[span.clone()], span.start))
                .as_ref();
            let start = source.and_then(|s| s.locate(text, offset));
            let last = source.and_then(|s| s.locate(text, offset + len.max(1) - 1));
            match (start, last) {
                (Some(start), Some(last)) => start..last.max(start) + 1,
                _ => span.clone(),
            }
        };
        let runs = brace_runs(text);
        for (range, message, help) in brace_run_errors(text, &runs) {
            self.error(at(range.start, range.len()), message, help);
        }
        if !runs.is_empty() {
            return None;
        }
        let mut segments = Vec::new();
        // Where each blank is in the text, braces included.
        let mut blanks = Vec::new();
        let mut rest = 0;
        let mut ok = true;
        while let Some(open) = text[rest..].find("{{").map(|i| i + rest) {
            if let Some(close) = text[rest..open].find("}}") {
                self.error(
                    at(rest + close, 2),
                    "`}}` without a matching `{{`",
                    "open the blank with `{{` or remove the `}}`",
                );
                ok = false;
            }
            let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
                self.error(
                    at(open, 2),
                    "unclosed blank: `{{` without `}}`",
                    "close the blank with `}}`",
                );
                return None;
            };
            let inner = &text[open + 2..close];
            if inner.contains("{{") {
                self.error(
                    at(open, 2),
                    "unclosed blank: `{{` without `}}`",
                    "close the blank with `}}` before opening another",
                );
                return None;
            }
            let answers: Vec<String> = inner.split('|').map(|a| a.trim().to_string()).collect();
            if answers.iter().any(String::is_empty) {
                self.error(
                    at(open, close + 2 - open),
                    "empty blank",
                    "write the hidden words inside the braces, e.g. `{{Six Sigma}}`; separate alternatives with `|`",
                );
                ok = false;
            }
            if open > rest {
                segments.push(Segment::Text(text[rest..open].to_string()));
            }
            segments.push(Segment::Blank(answers));
            blanks.push(open..close + 2);
            rest = close + 2;
        }
        if let Some(close) = text[rest..].find("}}") {
            self.error(
                at(rest + close, 2),
                "`}}` without a matching `{{`",
                "open the blank with `{{` or remove the `}}`",
            );
            ok = false;
        }
        if rest < text.len() {
            segments.push(Segment::Text(text[rest..].to_string()));
        }
        if blanks.is_empty() {
            self.error(
                span,
                "no blank in the text",
                "mark the words to hide with `{{...}}`, e.g. `{{Six Sigma}}`",
            );
            return None;
        }
        // Several blanks are typed on one line separated by `;`, so no answer may hold one.
        let with_semicolon = blanks.iter().find(|b| text[(*b).clone()].contains(';'));
        if blanks.len() > 1
            && let Some(blank) = with_semicolon
        {
            self.error(
                at(blank.start, blank.len()),
                "a blank's answer contains `;`, which separates the answers of several blanks",
                "reword that answer without `;`, or split the text into cards with one blank each",
            );
            return None;
        }
        ok.then_some(Cloze { segments })
    }

    fn fields<'a, 'i>(&mut self, value: &'a Value<'i>, context: &str) -> Option<Fields<'a, 'i>> {
        match value.get_ref().as_table() {
            Some(table) => Some(Fields {
                table,
                context: context.to_string(),
                header: value.span(),
            }),
            None => {
                self.error(
                    value.span(),
                    format!(
                        "expected a table for {context}, found {}",
                        value.get_ref().type_str()
                    ),
                    format!("write it as a `{context}` header followed by `field = value` lines"),
                );
                None
            }
        }
    }

    fn unknown_field(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        context: &str,
        known: &[&str],
    ) {
        let name = key.get_ref();
        let suggestion = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(&name.to_lowercase(), k), *k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 3))
            .min();
        let help = match suggestion {
            Some((_, k)) => format!("did you mean `{k}`?"),
            None => {
                let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                format!("known fields here are {}", list.join(", "))
            }
        };
        self.error(
            key.span(),
            format!("unknown field `{name}` in {context}"),
            help,
        );
    }
}

/// The fields of one table, handed out one by one; `finish` reports the ones nobody asked for.
struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
    context: String,
    header: Range<usize>,
}

impl<'a, 'i> Fields<'a, 'i> {
    fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    /// Present and an array (one of another type has had its own error).
    fn is_array(&self, key: &str) -> bool {
        self.table
            .get(key)
            .is_some_and(|v| v.get_ref().as_array().is_some())
    }

    /// Missing, and not merely misspelled: a near-miss key is reported as an unknown field with
    /// a suggestion instead, so one typo gives one error.
    fn absent(&self, key: &str) -> bool {
        !self.has(key)
            && !self.table.iter().any(|(k, _)| {
                let k = k.get_ref().to_lowercase();
                k != key && strsim::damerau_levenshtein(&k, key) <= 2.max(key.len() / 3)
            })
    }

    fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.table.get(key).map(|v| v.span())
    }

    fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }

    fn type_error(
        &self,
        cx: &mut Cx<'_>,
        key: &str,
        value: &Value<'_>,
        expected: &str,
        example: &str,
    ) {
        cx.error(
            value.span(),
            format!(
                "`{key}` in {} must be {expected}, found {}",
                self.context,
                value.get_ref().type_str()
            ),
            format!("write it as `{key} = {example}`"),
        );
    }

    fn string(
        &mut self,
        cx: &mut Cx<'_>,
        key: &str,
        required: bool,
    ) -> Option<(String, Range<usize>)> {
        let Some(value) = self.get(key) else {
            if required && self.absent(key) {
                cx.error(
                    self.header.clone(),
                    format!("missing field `{key}` in {}", self.context),
                    format!("add `{key} = \"...\"` under this header"),
                );
            }
            return None;
        };
        let Some(text) = value.get_ref().as_str() else {
            self.type_error(cx, key, value, "a string", "\"...\"");
            return None;
        };
        if text.trim().is_empty() {
            cx.error(
                value.span(),
                format!("`{key}` in {} is empty", self.context),
                format!("write some text in `{key}`, or remove the line"),
            );
            return None;
        }
        if !printable(cx, value.span(), key, text) {
            return None;
        }
        Some((text.trim().to_string(), value.span()))
    }

    fn strings(&mut self, cx: &mut Cx<'_>, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let Some(items) = value.get_ref().as_array() else {
            match value.get_ref().as_str() {
                Some(text) => cx.error(
                    value.span(),
                    format!(
                        "`{key}` in {} must be an array of strings, found string",
                        self.context
                    ),
                    format!(
                        "put the items in brackets, each in quotes: `{key} = {}`",
                        as_array(key, text)
                    ),
                ),
                None => {
                    self.type_error(cx, key, value, "an array of strings", "[\"...\", \"...\"]")
                }
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(text) if text.trim().is_empty() => cx.error(
                    item.span(),
                    format!("empty string in `{key}`"),
                    "remove the empty entry or write some text in it",
                ),
                Some(text) => {
                    if printable(cx, item.span(), key, text) {
                        out.push((text.trim().to_string(), item.span()));
                    }
                }
                None => cx.error(
                    item.span(),
                    format!(
                        "`{key}` in {} must hold only strings, found {}",
                        self.context,
                        item.get_ref().type_str()
                    ),
                    "put the value in quotes",
                ),
            }
        }
        out
    }

    fn boolean(&mut self, cx: &mut Cx<'_>, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        let b = value.get_ref().as_bool();
        if b.is_none() {
            self.type_error(cx, key, value, "a boolean", "true` or `false");
        }
        b
    }

    fn finish(&self, cx: &mut Cx<'_>, known: &[&str]) {
        for (key, _) in self.table.iter() {
            if !known.contains(&key.get_ref().as_ref()) {
                cx.unknown_field(key, &self.context, known);
            }
        }
    }
}

/// The question kinds a kind of card can be asked as.
/// Whether `text` holds no control character a terminal would act on (an escape sequence, a
/// bell, a backspace written as `\u001b`, `\u0007`, `\b` in the TOML string); line breaks and
/// tabs are text. Reports the first such character at `span`.
fn printable(cx: &mut Cx<'_>, span: Range<usize>, key: &str, text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line_break = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if c.is_control() && c != '\t' && !line_break {
            cx.error(
                span,
                format!(
                    "`{key}` holds the control character U+{:04X} ({}), which a terminal would act on rather than show",
                    c as u32,
                    control_name(c)
                ),
                format!(
                    "remove the `\\u{:04x}` escape (or the character) from the text: deck text may hold line breaks and tabs, no other control characters",
                    c as u32
                ),
            );
            return false;
        }
    }
    true
}

pub(crate) fn askable(kind: &str) -> &'static [Kind] {
    match kind {
        "card" => &[Kind::Flash, Kind::Mcq, Kind::Typed],
        "term" => &[Kind::Flash, Kind::Mcq, Kind::Tf, Kind::Blank, Kind::Typed],
        "statement" => &[Kind::Tf, Kind::Flash],
        "cloze" => &[Kind::Blank, Kind::Flash],
        "choice" => &[Kind::Mcq],
        "table" => &[Kind::Flash, Kind::Mcq, Kind::Tf],
        _ => &[],
    }
}

/// A string written where a list belongs, as that list: split at commas for the fields whose
/// items are short (`"a, b"` → `["a", "b"]`), whole for the others.
fn as_array(key: &str, text: &str) -> String {
    let short_items = ["options", "subjects", "cells", "tags", "keywords"].contains(&key);
    let items: Vec<&str> = if short_items && text.contains(',') {
        text.split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect()
    } else {
        vec![text.trim()]
    };
    let quoted: Vec<String> = items
        .iter()
        .map(|i| toml::Value::String(i.to_string()).to_string())
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// Runs of three or more braces of one kind in a cloze text, with their offsets: the blank
/// syntax cannot say which two of them open or close a blank.
fn brace_runs(text: &str) -> Vec<(usize, &str)> {
    let mut runs = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = bytes[i..].iter().take_while(|&&x| x == b).count();
        if (b == b'{' || b == b'}') && len >= 3 {
            runs.push((i, &text[i..i + len]));
        }
        i += len;
    }
    runs
}

/// One error for each blank written with extra braces (`{{{1, 2}}}`) and for each other run,
/// naming the spacing that says what is meant.
fn brace_run_errors(text: &str, runs: &[(usize, &str)]) -> Vec<(Range<usize>, String, String)> {
    let mut errors = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let (at, run) = runs[i];
        // An opening run and the closing run after it, with no other blank marker between.
        let pair = runs.get(i + 1).filter(|(next, next_run)| {
            let between = &text[at + run.len()..*next];
            run.starts_with('{')
                && next_run.starts_with('}')
                && !between.contains("{{")
                && !between.contains("}}")
        });
        if let Some(&(close, close_run)) = pair {
            let inner = &text[at + run.len()..close];
            let (open_extra, close_extra) = (&run[2..], &close_run[2..]);
            errors.push((
                at..close + close_run.len(),
                format!("`{}`: more braces around a blank than `{{{{` and `}}}}`", &text[at..close + close_run.len()]),
                format!(
                    "to hide `{open_extra}{inner}{close_extra}`, write `{{{{ {open_extra}{inner}{close_extra} }}}}` (spaces around an answer do not count); to show the braces around the blank, write `{open_extra} {{{{{inner}}}}} {close_extra}`"
                ),
            ));
            i += 2;
            continue;
        }
        let n = run.len();
        let (message, help) = if run.starts_with('{') {
            (
                format!("`{run}`: {n} opening braces in a row"),
                "a blank opens with `{{`; to hide text that starts with `{`, put a space after `{{` (`{{ {1, 2} }}`: spaces around an answer do not count); to show a `{` before a blank, put a space between them (`{ {{answer}}`)",
            )
        } else {
            (
                format!("`{run}`: {n} closing braces in a row"),
                "a blank closes with `}}`; to hide text that ends with `}`, put a space before `}}` (`{{ {1, 2} }}`: spaces around an answer do not count); to show a `}` after a blank, put a space between them (`{{answer}} }`)",
            )
        };
        errors.push((at..at + n, message, help.to_string()));
        i += 1;
    }
    errors
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `1 cell`, `3 cells`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('s')) {
        (1, _) => format!("1 {word}"),
        (_, true) => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}

/// `Sector relevance` → `sector-relevance`.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "row".to_string()
    } else {
        out
    }
}

/// Blanks every occurrence of `term` as a whole word or phrase, ignoring case, in `text`.
fn term_blank(text: &str, term: &str) -> Option<Cloze> {
    let needle: Vec<char> = term.chars().flat_map(fold).collect();
    if needle.is_empty() {
        return None;
    }
    let mut segments = Vec::new();
    let (mut rest, mut i) = (0, 0);
    while i < text.len() {
        if let Some(len) = match_at(text, i, &needle) {
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if !word(text[..i].chars().next_back()) && !word(text[i + len..].chars().next()) {
                if i > rest {
                    segments.push(Segment::Text(text[rest..i].to_string()));
                }
                let found = &text[i..i + len];
                let mut answers = vec![found.to_string()];
                if found != term {
                    answers.push(term.to_string());
                }
                segments.push(Segment::Blank(answers));
                rest = i + len;
                i = rest;
                continue;
            }
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    if segments.is_empty() {
        return None;
    }
    if rest < text.len() {
        segments.push(Segment::Text(text[rest..].to_string()));
    }
    Some(Cloze { segments })
}

/// A character for comparison ignoring case: lower-cased, with the Greek final sigma as sigma
/// (lower-casing a capital sigma alone cannot know it ends a word).
fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
}

/// The byte length of the text at `start` that equals `needle` (folded by [`fold`]), if any.
fn match_at(text: &str, start: usize, needle: &[char]) -> Option<usize> {
    let mut k = 0;
    for (offset, c) in text[start..].char_indices() {
        for lower in fold(c) {
            if needle.get(k) != Some(&lower) {
                return None;
            }
            k += 1;
        }
        if k == needle.len() {
            return Some(offset + c.len_utf8());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<(usize, usize, String, Option<String>)> {
        match parse_deck(src, "t.toml", "t", Origin::BuiltIn) {
            Ok(deck) => panic!("expected errors, got a deck of {} cards", deck.cards.len()),
            Err(ds) => ds
                .into_iter()
                .map(|d| (d.line, d.column, d.message, d.help))
                .collect(),
        }
    }

    fn one(src: &str) -> (usize, usize, String, String) {
        let mut all = errors(src);
        assert_eq!(all.len(), 1, "{all:?}");
        let (l, c, m, h) = all.remove(0);
        (l, c, m, h.unwrap_or_default())
    }

    const HEAD: &str = "[deck]\nname = \"T\"\n\n";

    #[test]
    fn typed_cards_are_asked_typed_only_and_take_no_wrong_options() {
        let src = format!(
            "{HEAD}[[card]]\nquestion = \"Symbol for gold?\"\nanswer = \"Au\"\ntyped = true\n"
        );
        let deck = parse_deck(&src, "t.toml", "t", Origin::BuiltIn).expect("valid");
        assert!(matches!(
            deck.cards[0].content,
            Content::Card { typed: true, .. }
        ));
        let filter = crate::quiz::Filter::default();
        assert_eq!(crate::quiz::available_questions(&[deck], &filter), 1);
        let (line, _, message, _) = one(&format!("{src}wrong = [\"Ag\"]\n"));
        assert_eq!(line, 8);
        assert!(message.contains("typed answer"), "{message}");
    }

    #[test]
    fn a_valid_deck_keeps_file_order_and_derives_ids() {
        let src = format!(
            "{HEAD}[[statement]]\ntext = \"S\"\nanswer = true\n\n[[card]]\nquestion = \"Q\"\nanswer = \"A\"\n"
        );
        let deck = parse_deck(&src, "t.toml", "t", Origin::BuiltIn).unwrap();
        assert_eq!(deck.id, "t");
        let kinds: Vec<&str> = deck.cards.iter().map(|c| c.content.kind()).collect();
        assert_eq!(kinds, ["statement", "card"]);
        assert_eq!(deck.cards[1].id, derived_id("card", "Q"));
    }

    #[test]
    fn syntax_error() {
        let (l, c, m, _) = one("[deck]\nname = \"x\n");
        assert_eq!((l, c), (2, 10));
        assert!(m.starts_with("invalid TOML"), "{m}");
    }

    #[test]
    fn unknown_field_suggests_the_close_one() {
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[card]]\nqestion = \"Q\"\nanswer = \"A\"\n"
        ));
        assert_eq!((l, c), (5, 1));
        assert_eq!(m, "unknown field `qestion` in [[card]]");
        assert_eq!(h, "did you mean `question`?");
    }

    #[test]
    fn unknown_field_without_a_close_match_lists_the_known_ones() {
        let (_, _, _, h) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"A\"\ncolour = \"red\"\n"
        ));
        assert!(h.starts_with("known fields here are `id`"), "{h}");
    }

    #[test]
    fn wrong_type() {
        let (l, c, m, _) = one(&format!("{HEAD}[[card]]\nquestion = \"Q\"\nanswer = 3\n"));
        assert_eq!((l, c), (6, 10));
        assert_eq!(m, "`answer` in [[card]] must be a string, found integer");
    }

    #[test]
    fn missing_required_field_points_at_the_header() {
        let (l, c, m, _) = one(&format!("{HEAD}[[card]]\nquestion = \"Q\"\n"));
        assert_eq!((l, c), (4, 1));
        assert_eq!(m, "missing field `answer` in [[card]]");
    }

    #[test]
    fn empty_text() {
        let (l, c, m, _) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"  \"\nanswer = \"A\"\n"
        ));
        assert_eq!((l, c), (5, 12));
        assert_eq!(m, "`question` in [[card]] is empty");
    }

    #[test]
    fn empty_blank() {
        let (l, c, m, _) = one(&format!("{HEAD}[[cloze]]\ntext = \"a {{{{}}}} b\"\n"));
        assert_eq!((l, c), (5, 11));
        assert_eq!(m, "empty blank");
    }

    #[test]
    fn unbalanced_blanks() {
        let (l, c, m, _) = one(&format!("{HEAD}[[cloze]]\ntext = \"a {{{{b\"\n"));
        assert_eq!(
            (l, c, m.as_str()),
            (5, 11, "unclosed blank: `{{` without `}}`")
        );
        let (l, c, m, _) = one(&format!("{HEAD}[[cloze]]\ntext = \"a}}}} {{{{b}}}}\"\n"));
        assert_eq!((l, c, m.as_str()), (5, 10, "`}}` without a matching `{{`"));
    }

    #[test]
    fn semicolons_in_answers_of_several_blanks() {
        let (l, c, m, _) = one(&format!(
            "{HEAD}[[cloze]]\ntext = \"{{{{a;b}}}} and {{{{c}}}}\"\n"
        ));
        assert_eq!((l, c), (5, 9));
        assert!(m.starts_with("a blank's answer contains `;`"), "{m}");
        let ok = format!("{HEAD}[[cloze]]\ntext = \"only {{{{a;b}}}}\"\n");
        assert!(parse_deck(&ok, "t.toml", "t", Origin::BuiltIn).is_ok());
    }

    #[test]
    fn errors_inside_multi_line_strings_point_at_their_own_line() {
        let src = format!(
            "{HEAD}[[cloze]]\ntext = \"\"\"\nThe first {{{{blank}}}} is fine,\n  the \\\"second\\\" {{{{}}}} is empty.\"\"\"\n"
        );
        let (l, c, m, _) = one(&src);
        assert_eq!((l, c, m.as_str()), (7, 18, "empty blank"));
        // Escapes before the blank and a line-ending backslash.
        let src =
            format!("{HEAD}[[cloze]]\ntext = \"\"\"\\\n   caf\\u00e9 {{{{a}}}} {{{{b\"\"\"\n");
        let (l, c, m, _) = one(&src);
        assert_eq!((l, c), (6, 20), "{m}");
        assert_eq!(m, "unclosed blank: `{{` without `}}`");
    }

    #[test]
    fn brace_runs_are_errors_that_name_the_spacing_to_use() {
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[cloze]]\ntext = \"sum {{{{{{1, 2}}}}}}.\"\n"
        ));
        assert_eq!((l, c), (5, 13));
        assert_eq!(
            m,
            "`{{{1, 2}}}`: more braces around a blank than `{{` and `}}`"
        );
        assert!(
            h.starts_with("to hide `{1, 2}`, write `{{ {1, 2} }}`"),
            "{h}"
        );
        assert!(h.ends_with("write `{ {{1, 2}} }`"), "{h}");
        let (_, c, m, h) = one(&format!("{HEAD}[[cloze]]\ntext = \"a {{{{{{b}}}} c\"\n"));
        assert_eq!((c, m.as_str()), (11, "`{{{`: 3 opening braces in a row"));
        assert!(h.contains("`{ {{answer}}`"), "{h}");
        let (_, _, m, _) = one(&format!("{HEAD}[[cloze]]\ntext = \"a {{{{b}}}}}}}} c\"\n"));
        assert_eq!(m, "`}}}}`: 4 closing braces in a row");
        // Spaced as the help says, both meanings load.
        for text in ["sum {{ {1, 2} }}.", "sum { {{1, 2}} }."] {
            let ok = format!("{HEAD}[[cloze]]\ntext = \"{text}\"\n");
            assert!(
                parse_deck(&ok, "t.toml", "t", Origin::BuiltIn).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_list_written_as_one_string_is_one_error() {
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[choice]]\nquestion = \"Q\"\noptions = \"Mercury, Venus\"\nanswer = \"Venus\"\n"
        ));
        assert_eq!((l, c), (6, 11));
        assert_eq!(
            m,
            "`options` in [[choice]] must be an array of strings, found string"
        );
        assert_eq!(
            h,
            "put the items in brackets, each in quotes: `options = [\"Mercury\", \"Venus\"]`"
        );
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[table]]\nsubjects = \"A, B\"\n\n[[table.row]]\naspect = \"x\"\ncells = [\"1\", \"2\"]\n"
        ));
        assert!(
            m.starts_with("`subjects` in [[table]] must be an array"),
            "{m}"
        );
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[table]]\nsubjects = [\"A\", \"B\"]\n\n[[table.row]]\naspect = \"x\"\ncells = \"1, 2\"\n"
        ));
        assert!(
            m.starts_with("`cells` in [[table.row]] must be an array"),
            "{m}"
        );
        let (_, _, _, h) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"A, B\"\naccept = \"a, b\"\n"
        ));
        assert_eq!(
            h,
            "put the items in brackets, each in quotes: `accept = [\"a, b\"]`"
        );
    }

    #[test]
    fn headers_with_one_pair_of_brackets_and_rows_before_their_table() {
        let (l, c, m, h) = one(&format!("{HEAD}[card]\nquestion = \"Q\"\nanswer = \"A\"\n"));
        assert_eq!((l, c), (4, 1));
        assert_eq!(
            m,
            "`[card]` opens a single table; cards are written `[[card]]`"
        );
        assert!(h.contains("`[[card]]`"), "{h}");
        let rows = "[[table.row]]\naspect = \"x\"\ncells = [\"1\", \"2\"]\n";
        let (l, c, m, h) = one(&format!("{HEAD}{rows}"));
        assert_eq!((l, c), (4, 3));
        assert_eq!(m, "`[[table.row]]` comes before any `[[table]]`");
        assert!(h.starts_with("rows belong to the table above them"), "{h}");
        // A `[[table]]` after the rows is a TOML error; it gets the same explanation.
        let (l, c, m, _) = one(&format!(
            "{HEAD}{rows}\n[[table]]\nsubjects = [\"A\", \"B\"]\n"
        ));
        assert_eq!(
            (l, c, m.as_str()),
            (4, 3, "`[[table.row]]` comes before any `[[table]]`")
        );
    }

    #[test]
    fn options_that_differ_in_accents_only_are_different_words() {
        let src = format!(
            "{HEAD}[[choice]]\nquestion = \"year\"\noptions = [\"año\", \"ano\"]\nanswer = \"año\"\n\n[[card]]\nquestion = \"Q\"\nanswer = \"año\"\nwrong = [\"ano\"]\n"
        );
        assert!(parse_deck(&src, "t.toml", "t", Origin::BuiltIn).is_ok());
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"año\"\nwrong = [\"AÑO!\"]\n"
        ));
        assert_eq!(m, "wrong answer `AÑO!` is also an accepted answer");
    }

    #[test]
    fn control_characters_in_text_are_errors_line_breaks_and_tabs_are_not() {
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"a \\u001b[2J b\"\nanswer = \"ok\"\n"
        ));
        assert_eq!((l, c), (5, 12));
        assert_eq!(
            m,
            "`question` holds the control character U+001B (ESC), which a terminal would act on rather than show"
        );
        assert!(h.contains("`\\u001b`"), "{h}");
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[choice]]\nquestion = \"q\"\noptions = [\"a\", \"b\", \"c\\u0007\"]\nanswer = \"a\"\n"
        ));
        assert!(
            m.starts_with("`options` holds the control character U+0007 (BEL)"),
            "{m}"
        );
        assert!(
            parse_deck(&format!(
                "{HEAD}[[card]]\nquestion = \"\"\"\r\nline one\r\n\tline two\\n\"\"\"\nanswer = \"ok\"\n"
            ), "t.toml", "t", Origin::BuiltIn)
            .is_ok()
        );
    }

    #[test]
    fn cloze_without_a_blank() {
        let (l, c, m, _) = one(&format!("{HEAD}[[cloze]]\ntext = \"no blank\"\n"));
        assert_eq!((l, c, m.as_str()), (5, 8, "no blank in the text"));
    }

    #[test]
    fn choice_answer_not_among_options() {
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[choice]]\nquestion = \"Q\"\noptions = [\"a\", \"b\"]\nanswer = \"c\"\n"
        ));
        assert_eq!((l, c), (7, 10));
        assert_eq!(m, "answer `c` is not one of the options");
        assert_eq!(h, "set `answer` to one of `a`, `b`");
    }

    #[test]
    fn duplicate_options() {
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[choice]]\nquestion = \"Q\"\noptions = [\"a\", \"B \", \"b\"]\nanswer = \"a\"\n"
        ));
        assert_eq!((l, c, m.as_str()), (6, 23, "duplicate option `b`"));
        assert_eq!(
            h,
            "it reads the same as option 2, `B` (case, spaces and punctuation aside); remove or reword one of them"
        );
    }

    #[test]
    fn duplicate_card_ids_name_the_first_one() {
        let src = format!(
            "{HEAD}[[statement]]\nid = \"x\"\ntext = \"S\"\nanswer = true\n\n[[statement]]\nid = \"x\"\ntext = \"T\"\nanswer = false\n"
        );
        let (l, c, m, h) = one(&src);
        assert_eq!((l, c), (10, 6));
        assert_eq!(m, "duplicate card id `x`");
        assert!(h.contains("line 4"), "{h}");
    }

    #[test]
    fn table_row_with_the_wrong_number_of_cells() {
        let src = format!(
            "{HEAD}[[table]]\nsubjects = [\"A\", \"B\"]\n\n[[table.row]]\naspect = \"Focus\"\ncells = [\"1\", \"2\", \"3\"]\n"
        );
        let (l, c, m, _) = one(&src);
        assert_eq!((l, c), (9, 9));
        assert_eq!(m, "this row has 3 cells but the table has 2 subjects");
    }

    #[test]
    fn keywords_must_be_words_of_the_answer() {
        let card = "[[card]]\nquestion = \"Q\"\nanswer = \"Planning, quality and cost control\"\n";
        let ok = format!("{HEAD}{card}keywords = [\"planning\", \"Quality\", \"costs|cost\"]\n");
        let deck = parse_deck(&ok, "t.toml", "t", Origin::BuiltIn).unwrap();
        let Content::Card { keywords, .. } = &deck.cards[0].content else {
            panic!()
        };
        assert_eq!(keywords, &["planning", "Quality", "costs|cost"]);
        let (l, c, m, h) = one(&format!(
            "{HEAD}{card}keywords = [\"planning\", \"delivery\"]\n"
        ));
        assert_eq!((l, c), (7, 25));
        assert_eq!(
            m,
            "keyword `delivery` is not in the answer `Planning, quality and cost control`"
        );
        assert!(h.contains("alternatives after `|`"), "{h}");
        let (l, c, m, _) = one(&format!("{HEAD}{card}keywords = []\n"));
        assert_eq!((l, c, m.as_str()), (7, 12, "`keywords` is empty"));
        let (_, _, m, _) = one(&format!(
            "{HEAD}{card}keywords = [\"quality\", \"QUALITY\"]\n"
        ));
        assert_eq!(m, "keyword `QUALITY` is listed twice");
        let (_, _, m, _) = one(&format!("{HEAD}{card}keywords = [\"cost|\"]\n"));
        assert_eq!(m, "empty alternative in keyword `cost|`");
    }

    #[test]
    fn a_list_answer_needs_several_items() {
        let (l, c, m, _) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"Lean\"\nlist = true\n"
        ));
        assert_eq!((l, c), (7, 8));
        assert_eq!(m, "`list = true`, but the answer `Lean` is one item");
        let ok =
            format!("{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"Lean and TQM\"\nlist = true\n");
        assert!(parse_deck(&ok, "t.toml", "t", Origin::BuiltIn).is_ok());
    }

    #[test]
    fn any_order_needs_several_blanks() {
        let (l, c, m, _) = one(&format!(
            "{HEAD}[[cloze]]\ntext = \"a {{{{b}}}}\"\nany_order = true\n"
        ));
        assert_eq!((l, c), (6, 13));
        assert_eq!(m, "`any_order = true` on a text with one blank");
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[cloze]]\ntext = \"{{{{a}}}} {{{{b}}}}\"\nany_order = \"yes\"\n"
        ));
        assert_eq!(
            m,
            "`any_order` in [[cloze]] must be a boolean, found string"
        );
    }

    #[test]
    fn facts_are_a_name_or_a_list_of_names() {
        let src = format!(
            "{HEAD}[[statement]]\ntext = \"S\"\nanswer = true\nfact = \"f\"\n\n[[table]]\nsubjects = [\"A\", \"B\"]\n[[table.row]]\naspect = \"X\"\ncells = [\"1\", \"2\"]\nfact = [\"g\", \"h\"]\n"
        );
        let deck = parse_deck(&src, "t.toml", "t", Origin::BuiltIn).unwrap();
        assert_eq!(deck.cards[0].facts, ["f"]);
        let Content::Table { rows, .. } = &deck.cards[1].content else {
            panic!()
        };
        assert_eq!(rows[0].facts, ["g", "h"]);
        let (l, c, m, _) = one(&format!(
            "{HEAD}[[statement]]\ntext = \"S\"\nanswer = true\nfact = 3\n"
        ));
        assert_eq!((l, c), (7, 8));
        assert_eq!(
            m,
            "`fact` in [[statement]] must be a string or an array of strings, found integer"
        );
    }

    #[test]
    fn kinds_must_be_kinds_the_card_can_be_asked_as() {
        let ok = format!(
            "{HEAD}[[statement]]\ntext = \"S\"\nanswer = true\nkinds = [\"tf\", \"flash\"]\n"
        );
        let deck = parse_deck(&ok, "t.toml", "t", Origin::BuiltIn).unwrap();
        assert_eq!(deck.cards[0].kinds, [Kind::Tf, Kind::Flash]);
        let (l, c, m, h) = one(&format!(
            "{HEAD}[[choice]]\nquestion = \"Q\"\noptions = [\"a\", \"b\"]\nanswer = \"a\"\nkinds = [\"mcq\", \"flash\"]\n"
        ));
        assert_eq!((l, c), (8, 17));
        assert_eq!(m, "a [[choice]] cannot be asked as `flash`");
        assert_eq!(h, "a [[choice]] can be asked as `mcq`");
        let (_, _, m, h) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"A\"\nkinds = [\"essay\"]\n"
        ));
        assert_eq!(m, "unknown question kind `essay`");
        assert_eq!(h, "a [[card]] can be asked as `flash`, `mcq`, `typed`");
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"A\"\nkinds = [\"mcq\", \"choice\"]\n"
        ));
        assert_eq!(m, "`mcq` is listed twice in `kinds`");
        let (_, _, m, _) = one(&format!(
            "{HEAD}[[card]]\nquestion = \"Q\"\nanswer = \"A\"\nkinds = []\n"
        ));
        assert_eq!(m, "`kinds` is empty");
    }

    #[test]
    fn includes_names_other_terms_of_the_deck() {
        let term = |t: &str, extra: &str| {
            format!("[[term]]\nterm = \"{t}\"\ndefinition = \"D {t}\"\n{extra}\n")
        };
        let ok = format!(
            "{HEAD}{}{}",
            term(
                "Operation management",
                "includes = [\"production management\"]\nexclusive = true"
            ),
            term("Production management", "")
        );
        let deck = parse_deck(&ok, "t.toml", "t", Origin::BuiltIn).unwrap();
        let Content::Term {
            includes,
            exclusive,
            ..
        } = &deck.cards[0].content
        else {
            panic!()
        };
        assert_eq!(
            (includes.as_slice(), *exclusive),
            (&["production management".to_string()][..], true)
        );
        let (l, c, m, _) = one(&format!(
            "{HEAD}{}",
            term("Operation management", "includes = [\"Logistics\"]")
        ));
        assert_eq!((l, c), (7, 13));
        assert_eq!(
            m,
            "`includes` names `Logistics`, which is not a term of this deck"
        );
        let (_, _, m, _) = one(&format!("{HEAD}{}", term("Lean", "includes = [\"lean\"]")));
        assert_eq!(m, "the term `Lean` includes itself");
    }

    #[test]
    fn a_deck_without_cards() {
        let (l, c, m, _) = one(HEAD);
        assert_eq!((l, c, m.as_str()), (1, 1, "the deck has no cards"));
    }

    #[test]
    fn term_example_must_contain_the_term_or_a_blank() {
        let src = format!(
            "{HEAD}[[term]]\nterm = \"TQM\"\ndefinition = \"D\"\nexamples = [\"nothing here\"]\n"
        );
        let (l, c, m, _) = one(&src);
        assert_eq!(
            (l, c, m.as_str()),
            (7, 13, "example does not contain the term `TQM`")
        );
    }

    #[test]
    fn every_semantic_error_of_a_file_is_reported_at_once() {
        let src = format!(
            "{HEAD}[[card]]\nqestion = \"Q\"\nanswer = \"A\"\n\n[[cloze]]\ntext = \"none\"\n\n[[choice]]\nquestion = \"Q\"\noptions = [\"a\", \"b\"]\nanswer = \"z\"\n"
        );
        let lines: Vec<usize> = errors(&src).iter().map(|e| e.0).collect();
        assert_eq!(lines, [5, 9, 14]);
    }

    #[test]
    fn terms_are_blanked_as_whole_words_ignoring_case() {
        let c = term_blank("TQM helps; tqm works, but TQMs are plural.", "TQM").unwrap();
        assert_eq!(c.with_gaps("_"), "_ helps; _ works, but TQMs are plural.");
        assert_eq!(c.blanks()[1], ["tqm", "TQM"]);
        let c = term_blank("Die GROẞE Straße", "große").unwrap();
        assert_eq!(c.with_gaps("_"), "Die _ Straße");
        assert!(term_blank("Dogs", "dog").is_none());
        let c = term_blank("supply ΛΌΓΟΣ TERM7 production", "λόγος term7").unwrap();
        assert_eq!(c.with_gaps("_"), "supply _ production");
    }

    /// A deck larger than [`BLOCKS_FROM`] with every kind of card, comments, headers written
    /// loosely, and header-like lines inside strings.
    fn big_deck() -> String {
        let mut text = String::from("# big\n[deck]\nname = \"Big\"\ntags = [\"all\"]\n\n");
        let mut i = 0;
        while text.len() < BLOCKS_FROM + 10_000 {
            text += &format!(
                r#"[[card]]
question = "Q{i} \"[[card]]\""
answer = "A{i}"
explain = """
[[card]]
not a header \""""

[[ term ]] # loose
term = "T{i}"
definition = "D{i}"
examples = ['''Use T{i}
[[term]]
''']

[[statement]]
text = "S{i}"
answer = true

[[cloze]]
text = "C {{{{x{i}|y}}}}"

[[choice]]
question = "Pick {i}"
options = ["a", "b"]
answer = "b"

[[table]]
id = "t{i}"
subjects = ["X", "Y"]
[[table.row]]
aspect = "r"
cells = ["1", "2"]

"#
            );
            i += 1;
        }
        text
    }

    #[test]
    fn large_decks_parsed_in_blocks_equal_the_whole_parse() {
        let text = big_deck();
        let whole = parse_whole(&text, "b.toml", "b", Origin::BuiltIn).expect("valid");
        let blocks =
            parse_in_blocks(&text, "b.toml", "b", Origin::BuiltIn).expect("block path taken");
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            serde_json::to_string(&blocks).unwrap()
        );
        assert_eq!(whole.cards.len() % 6, 0);
    }

    #[test]
    fn large_decks_with_problems_are_reported_by_the_whole_parse() {
        let mut text = big_deck();
        text += "[[card]]\nqestion = \"Q\"\nanswer = \"A\"\n";
        let lines = text.lines().count();
        let errors = parse_deck(&text, "b.toml", "b", Origin::BuiltIn).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (lines - 1, 1));
        // A second [deck]: only the whole parse can tell.
        let text = big_deck() + "[deck]\nname = \"again\"\n";
        assert!(parse_deck(&text, "b.toml", "b", Origin::BuiltIn).is_err());
        assert!(parse_in_blocks(&text, "b.toml", "b", Origin::BuiltIn).is_none());
    }

    #[test]
    fn large_decks_with_non_ascii_in_multi_line_strings_load() {
        let mut text = String::from("\u{feff}[deck]\nname = \"Big\"\n");
        text +=
            "[[card]]\nquestion = \"\"\"Qu'est-ce que la qualité ?\"\"\"\nanswer = '''Ærø ⚙️'''\n";
        let big = big_deck();
        text += &big[big.find("[[card]]").unwrap()..];
        let whole = parse_whole(&text, "b.toml", "b", Origin::BuiltIn).expect("valid");
        let deck = parse_deck(&text, "b.toml", "b", Origin::BuiltIn).expect("valid");
        assert_eq!(deck.cards.len(), whole.cards.len());
        let regressions = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions/blocks");
        for entry in std::fs::read_dir(regressions).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let _ = parse_deck(&text, "r.toml", "r", Origin::BuiltIn);
        }
    }

    #[test]
    fn card_headers_are_found_by_line() {
        let src = "[deck]\nid = \"d\"\n\n[[card]]\nquestion = \"\"\"\n[[term]]\n\"\"\"\nanswer = \"a\"\n\n[[statement]]\ntext = \"t\"\nanswer = true\n";
        assert_eq!(card_lines(src), [4, 10]);
    }

    #[test]
    fn headers_are_found_outside_strings_only() {
        let text = "a = \"\"\"\n[[card]]\n\"\"\"\n[[card]] # c\nx = 1\n  [deck]\n[[table.row]]\n";
        let names: Vec<Option<&str>> = split_blocks(text).into_iter().map(|b| b.1).collect();
        assert_eq!(names, [None, Some("card"), Some("deck")]);
    }

    #[test]
    fn slugs_for_row_ids() {
        assert_eq!(slug("Sector Relevance"), "sector-relevance");
        assert_eq!(slug("  Cost & time! "), "cost-time");
        assert_eq!(slug("!!"), "row");
    }
}
