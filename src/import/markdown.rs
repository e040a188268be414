//! Markdown flashcards: hashcards' format (`Q:` / `A:` blocks, `C:` cloze cards with `[...]`
//! deletions, `---` between cards, TOML front matter naming the deck) and the notes of
//! Obsidian's spaced-repetition plugin (`question::answer`, `question:::answer` asked both
//! ways, multi-line cards split by a `?` or `??` line, `==cloze==` and `{{cloze}}` deletions,
//! `#flashcards/deck` tags naming the deck).
//!
//! As in both tools, a cloze card with several deletions gives one card per deletion.

use super::model::{Imported, ImportedCard, Skipped, TypeCount, cloze_card, qa_card, term_card};
use crate::deck::{Cloze, Content, FileCard, Segment};
use std::collections::BTreeMap;

/// A problem that stops the import of the file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct MarkdownError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

/// Whether the text is in hashcards' format rather than Obsidian's.
pub(crate) fn is_hashcards(text: &str) -> bool {
    let (_, body, _) = front_matter(text);
    body.lines()
        .any(|l| l.starts_with("Q:") || l.starts_with("C:"))
}

/// Whether the text has flashcards in either Markdown format.
pub(crate) fn looks_like_markdown_cards(text: &str) -> bool {
    is_hashcards(text)
        || text.lines().any(|l| {
            let t = l.trim();
            t == "?"
                || t == "??"
                || (l.contains("::") && !l.contains("{{c"))
                || l.contains("#flashcards")
        })
}

/// Parses a Markdown file of either format; `deck` is the file's stem.
pub(crate) fn parse(text: &str, deck: &str) -> Result<Imported, MarkdownError> {
    if is_hashcards(text) {
        hashcards(text, deck)
    } else {
        obsidian(text, deck)
    }
}

/// Splits off `---` front matter: its text, the body, and the line where the body starts.
fn front_matter(text: &str) -> (Option<&str>, &str, usize) {
    let mut lines = text.split_inclusive('\n');
    if lines.next().is_some_and(|l| l.trim() == "---") {
        let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
        let start = offset;
        for (line, l) in (2..).zip(lines) {
            if l.trim() == "---" {
                return (
                    Some(&text[start..offset]),
                    &text[offset + l.len()..],
                    line + 1,
                );
            }
            offset += l.len();
        }
    }
    (None, text, 1)
}

#[derive(Default)]
struct Builder {
    out: Imported,
    counts: BTreeMap<&'static str, (usize, usize)>,
}

impl Builder {
    fn push(&mut self, deck: &str, kind: &'static str, contents: Vec<Content>, tags: &[String]) {
        let count = self.counts.entry(kind).or_default();
        count.0 += 1;
        count.1 += contents.len();
        for content in contents {
            self.out.cards.push(ImportedCard {
                deck: deck.to_string(),
                card: FileCard {
                    id: None,
                    tags: tags.to_vec(),
                    explain: None,
                    content,
                },
                anki_cards: Vec::new(),
            });
        }
    }

    fn skip(&mut self, line: usize, text: &str, reason: &str) {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let mut short: String = first.trim().chars().take(40).collect();
        if short.len() < first.trim().len() {
            short.push('…');
        }
        self.out.skipped.push(Skipped {
            note: format!("line {line} (\"{short}\")"),
            reason: reason.to_string(),
        });
    }

    fn finish(mut self, source: &str) -> Imported {
        for (kind, (notes, cards)) in self.counts {
            self.out.by_type.push(TypeCount {
                name: format!("{source} {kind}s"),
                unit: "block",
                mapped_as: kind,
                notes,
                cards,
            });
        }
        self.out
    }
}

/// Text with Markdown images (`![alt](path)`) taken out and listed as media.
fn strip_images(text: &str, media: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("![") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        if let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let target = &after[close + 2..close + 2 + end];
            media.push(target.trim().to_string());
            rest = &after[close + 2 + end + 1..];
        } else {
            out.push_str("![");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Trims a card's text: surrounding blank lines and spaces, trailing spaces of each line.
fn tidy(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn hashcards(text: &str, stem: &str) -> Result<Imported, MarkdownError> {
    let (meta, body, first_line) = front_matter(text);
    let mut deck = stem.to_string();
    if let Some(meta) = meta {
        #[derive(serde::Deserialize)]
        struct Meta {
            name: Option<String>,
        }
        let parsed: Meta = toml::from_str(meta).map_err(|e| MarkdownError {
            line: 2,
            message: format!(
                "the front matter is not TOML (hashcards reads `name = \"Deck\"` there): {}",
                e.message()
            ),
        })?;
        if let Some(name) = parsed.name.filter(|n| !n.trim().is_empty()) {
            deck = name;
        }
    }
    let mut b = Builder::default();
    // The card being read: its tag (`Q`, `A`, `C`), first line, question and text so far.
    let mut current: Option<(char, usize, String, String)> = None;
    let mut media = Vec::new();
    let lines: Vec<&str> = body.lines().collect();
    let finish = |current: Option<(char, usize, String, String)>,
                  b: &mut Builder,
                  media: &mut Vec<String>|
     -> Result<(), MarkdownError> {
        let Some((tag, line, question, text)) = current else {
            return Ok(());
        };
        match tag {
            'Q' => Err(MarkdownError {
                line,
                message: "a question without an `A:` answer".to_string(),
            }),
            'A' => {
                let question = tidy(&strip_images(&question, media));
                let answer = tidy(&strip_images(&text, media));
                if question.is_empty() || answer.is_empty() {
                    b.skip(
                        line,
                        &format!("{question}{answer}"),
                        "its question or answer is only an image",
                    );
                    return Ok(());
                }
                b.push(&deck, "card", vec![qa_card(question, answer, false)], &[]);
                Ok(())
            }
            _ => {
                let text = tidy(&text);
                let clozes = bracket_clozes(&text, media);
                if clozes.is_empty() {
                    b.skip(line, &text, "its cloze text has no [deletion]");
                } else {
                    b.push(&deck, "cloze", clozes, &[]);
                }
                Ok(())
            }
        }
    };
    for (i, raw) in lines.iter().enumerate() {
        let line = first_line + i;
        let tag_text = |l: &str| l[2..].trim().to_string();
        if raw.starts_with("Q:") {
            if let Some(('Q', at, ..)) = current {
                return Err(MarkdownError {
                    line,
                    message: format!(
                        "a new question, but the question at line {at} has no `A:` answer"
                    ),
                });
            }
            finish(current.take(), &mut b, &mut media)?;
            current = Some(('Q', line, tag_text(raw), String::new()));
        } else if raw.starts_with("A:") {
            match current.take() {
                Some(('Q', at, question, _)) => current = Some(('A', at, question, tag_text(raw))),
                _ => {
                    return Err(MarkdownError {
                        line,
                        message: "an answer (`A:`) without a question (`Q:`) before it".to_string(),
                    });
                }
            }
        } else if raw.starts_with("C:") {
            if let Some(('Q', at, ..)) = current {
                return Err(MarkdownError {
                    line,
                    message: format!(
                        "a cloze card, but the question at line {at} has no `A:` answer"
                    ),
                });
            }
            finish(current.take(), &mut b, &mut media)?;
            current = Some(('C', line, String::new(), tag_text(raw)));
        } else if raw.trim() == "---" {
            if let Some(('Q', at, ..)) = current {
                return Err(MarkdownError {
                    line,
                    message: format!(
                        "a `---` separator, but the question at line {at} has no `A:` answer"
                    ),
                });
            }
            finish(current.take(), &mut b, &mut media)?;
        } else {
            match &mut current {
                Some(('Q', _, question, _)) => {
                    question.push('\n');
                    question.push_str(raw);
                }
                Some((_, _, _, text)) => {
                    text.push('\n');
                    text.push_str(raw);
                }
                None if raw.trim().is_empty() => {}
                None => {
                    return Err(MarkdownError {
                        line,
                        message: "text outside a card: start a card with `Q:` or `C:`".to_string(),
                    });
                }
            }
        }
    }
    finish(current.take(), &mut b, &mut media)?;
    b.out.media.extend(media);
    Ok(b.finish("hashcards"))
}

/// hashcards' cloze: each `[...]` is a deletion (not `![...]` images, nor `\[` `\]`), and
/// each deletion is its own card.
fn bracket_clozes(text: &str, media: &mut Vec<String>) -> Vec<Content> {
    // Pieces: literal text and deletions, in order.
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '[' | ']'))) => {
                literal.push(chars.next().expect("peeked").1);
            }
            '!' if text[i + 1..].starts_with('[') => {
                // An image: listed as media and left out, up to its closing `)`.
                let end = text[i..].find(')').map_or(text.len(), |e| i + e + 1);
                strip_images(&text[i..end], media);
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            '[' => {
                let rest = &text[i + 1..];
                if let Some(close) = rest.find(']') {
                    let answer = rest[..close].trim().to_string();
                    pieces.push((false, std::mem::take(&mut literal)));
                    pieces.push((true, answer));
                    while chars.peek().is_some_and(|(j, _)| *j <= i + close + 1) {
                        chars.next();
                    }
                } else {
                    literal.push(c);
                }
            }
            _ => literal.push(c),
        }
    }
    pieces.push((false, literal));
    one_card_per_deletion(&pieces)
}

/// One cloze card per deletion: pieces of text and deletions, in order (`true` marks a
/// deletion); each card blanks one deletion and shows the others as text.
fn one_card_per_deletion(pieces: &[(bool, String)]) -> Vec<Content> {
    let deletions = (0..pieces.len()).filter(|&i| pieces[i].0 && !pieces[i].1.is_empty());
    deletions
        .map(|blank| {
            let mut segments: Vec<Segment> = Vec::new();
            for (i, (_, text)) in pieces.iter().enumerate() {
                if i == blank {
                    segments.push(Segment::Blank(vec![text.clone()]));
                } else if !text.is_empty() {
                    match segments.last_mut() {
                        Some(Segment::Text(t)) => t.push_str(text),
                        _ => segments.push(Segment::Text(text.clone())),
                    }
                }
            }
            cloze_card(Cloze { segments })
        })
        .collect()
}

/// Obsidian's spaced-repetition notes.
fn obsidian(text: &str, stem: &str) -> Result<Imported, MarkdownError> {
    let (_, body, first_line) = front_matter(text);
    // The deck: the first `#flashcards/a/b` tag (as `a::b`), else the file name.
    let deck = body
        .split_whitespace()
        .find_map(|w| w.strip_prefix("#flashcards/"))
        .map(|d| {
            d.trim_matches(|c: char| !c.is_alphanumeric())
                .replace('/', "::")
        })
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| stem.to_string());
    let mut b = Builder::default();
    let mut media = Vec::new();
    // Blocks: runs of non-empty lines.
    let mut block: Vec<&str> = Vec::new();
    let mut block_line = first_line;
    let lines: Vec<&str> = body.lines().collect();
    for (i, raw) in lines.iter().chain(std::iter::once(&"")).enumerate() {
        let line = strip_sr_comment(raw);
        if line.trim().is_empty() {
            if !block.is_empty() {
                obsidian_block(&block, block_line, &deck, &mut b, &mut media);
                block.clear();
            }
            block_line = first_line + i + 1;
        } else {
            block.push(raw);
        }
    }
    b.out.media.extend(media);
    if b.out.cards.is_empty() && b.out.skipped.is_empty() {
        return Err(MarkdownError {
            line: 1,
            message: "no flashcards found: write `question::answer`, a `?` line between question \
                      and answer, or `Q:` / `A:` blocks"
                .to_string(),
        });
    }
    Ok(b.finish("obsidian"))
}

/// Removes the plugin's scheduling comment (`<!--SR:...-->`).
fn strip_sr_comment(line: &str) -> &str {
    match line.find("<!--SR:") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn obsidian_block(
    block: &[&str],
    first_line: usize,
    deck: &str,
    b: &mut Builder,
    media: &mut Vec<String>,
) {
    let lines: Vec<String> = block
        .iter()
        .map(|l| strip_sr_comment(l).trim_end().to_string())
        .collect();
    // Multi-line card: a `?` (or `??`, both ways) line between question and answer.
    if let Some(split) = lines
        .iter()
        .position(|l| l.trim() == "?" || l.trim() == "??")
    {
        let both = lines[split].trim() == "??";
        let question = tidy(&strip_images(&lines[..split].join("\n"), media));
        let answer = tidy(&strip_images(&lines[split + 1..].join("\n"), media));
        qa(b, deck, first_line, question, answer, both);
        return;
    }
    let mut cards = 0;
    for (i, line) in lines.iter().enumerate() {
        let at = first_line + i;
        if let Some((q, a)) = line.split_once(":::") {
            qa(b, deck, at, strip_heading(q), a.trim().to_string(), true);
            cards += 1;
        } else if let Some((q, a)) = line.split_once("::") {
            qa(b, deck, at, strip_heading(q), a.trim().to_string(), false);
            cards += 1;
        }
    }
    if cards > 0 {
        return;
    }
    let text = tidy(&strip_images(&lines.join("\n"), media));
    if text.contains("==") || (text.contains("{{") && text.contains("}}")) {
        let clozes = marked_clozes(&text);
        if clozes.is_empty() {
            b.skip(first_line, &text, "its cloze deletions are empty");
        } else {
            b.push(deck, "cloze", clozes, &[]);
        }
    }
}

/// A question without a Markdown list or heading marker in front of it.
fn strip_heading(q: &str) -> String {
    q.trim()
        .trim_start_matches('#')
        .trim_start_matches(['-', '*'])
        .trim()
        .to_string()
}

fn qa(b: &mut Builder, deck: &str, line: usize, question: String, answer: String, both: bool) {
    if question.is_empty() || answer.is_empty() {
        b.skip(
            line,
            &format!("{question}{answer}"),
            "its question or answer is empty",
        );
        return;
    }
    let (kind, content) = if both {
        ("term", term_card(question, answer, true))
    } else {
        ("card", qa_card(question, answer, false))
    };
    b.push(deck, kind, vec![content], &[]);
}

/// Obsidian's clozes: `==highlighted==` or `{{curly}}`; one card per deletion.
fn marked_clozes(text: &str) -> Vec<Content> {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut rest = text;
    loop {
        let high = rest.find("==").map(|i| (i, "==", "=="));
        let curly = rest.find("{{").map(|i| (i, "{{", "}}"));
        let next = match (high, curly) {
            (Some(h), Some(c)) => Some(if h.0 < c.0 { h } else { c }),
            (h, c) => h.or(c),
        };
        let Some((at, open, close)) = next else { break };
        let after = &rest[at + open.len()..];
        let Some(end) = after.find(close) else { break };
        pieces.push((false, rest[..at].to_string()));
        pieces.push((true, after[..end].trim().to_string()));
        rest = &after[end + close.len()..];
    }
    pieces.push((false, rest.to_string()));
    one_card_per_deletion(&pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaps(card: &ImportedCard) -> String {
        match &card.card.content {
            Content::Cloze { cloze, .. } => cloze.with_gaps("___"),
            Content::Card {
                question, answer, ..
            } => format!("{question} => {answer}"),
            Content::Term {
                term, definition, ..
            } => format!("{term} <=> {definition}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hashcards_cards_clozes_and_front_matter() {
        let text = "---\nname = \"Geography\"\n---\n\nQ: What is the capital of France?\nA: Paris\n\n---\n\nQ: List two\nrivers.\nA:\n\n- Seine\n- Loire\n\nC: [Berlin] is the capital of [Germany].\nC: An image ![map](map.png) and \\[not a deletion\\] but [this].\n";
        let i = parse(text, "file").unwrap();
        let shown: Vec<String> = i.cards.iter().map(gaps).collect();
        assert_eq!(
            shown,
            [
                "What is the capital of France? => Paris",
                "List two\nrivers. => - Seine\n- Loire",
                "___ is the capital of Germany.",
                "Berlin is the capital of ___.",
                "An image  and [not a deletion] but ___.",
            ]
        );
        assert!(i.cards.iter().all(|c| c.deck == "Geography"));
        assert_eq!(i.media, ["map.png"].into_iter().map(String::from).collect());
    }

    #[test]
    fn hashcards_errors_name_the_line() {
        let e = parse("Q: one\nQ: two\nA: x\n", "f").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("Q: one\nA: x\nstray\nA: y\n", "f").unwrap_err();
        assert_eq!(e.line, 4);
        let e = parse("---\nname = \"x\n---\nQ: a\nA: b\n", "f").unwrap_err();
        assert!(e.message.contains("front matter"), "{e}");
    }

    #[test]
    fn obsidian_notes() {
        let text = "---\ntags: notes\n---\n#flashcards/geo/europe\n\n# Capitals\nCapital of Spain::Madrid\nIsthmus:::A narrow strip of land <!--SR:!2024-01-01,3,250-->\n\nWhat are the\nthree states?\n?\nSolid, liquid\nand gas\n\nFjord\n??\nA sea inlet\n\nThe ==mitochondrion== is the {{powerhouse}} of the cell.\n\nJust a paragraph of notes.\n";
        let i = parse(text, "file").unwrap();
        let shown: Vec<String> = i.cards.iter().map(gaps).collect();
        assert_eq!(
            shown,
            [
                "Capital of Spain => Madrid",
                "Isthmus <=> A narrow strip of land",
                "What are the\nthree states? => Solid, liquid\nand gas",
                "Fjord <=> A sea inlet",
                "The ___ is the powerhouse of the cell.",
                "The mitochondrion is the ___ of the cell.",
            ]
        );
        assert!(i.cards.iter().all(|c| c.deck == "geo::europe"));
    }
}
