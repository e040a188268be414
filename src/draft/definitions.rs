//! Definitions: under a "Definitions" (or "Glossary", "Key terms") heading, a term heading
//! followed by definition lines, where a line that uses the term is an example of the
//! definition before it; glossary lines ("Term: …", "Term – …", "Term is …", "Term refers to
//! …"); and, anywhere in the article, a sentence that defines one of the subjects ("Weather
//! refers to …").

use super::article::{Block, Mark};
use super::faq;
use super::text::{capitalize, contains_phrase, find_phrase, squash};
use super::{SectionKind, TermDraft, Usage, classify};

/// Reads a definitions section: `blocks` follow its heading, whose level is `level` (inferred
/// headings count as level 2). Returns the terms and how many blocks the section took.
pub(crate) fn section(
    blocks: &[Block],
    base: usize,
    level: u8,
    usage: &mut Usage,
) -> (Vec<TermDraft>, usize) {
    let mut terms: Vec<TermDraft> = Vec::new();
    let mut term: Option<String> = None;
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Heading(h) => {
                let deeper = h.mark == Mark::Inferred || h.level > level;
                let next_is_text = matches!(
                    blocks.get(i + 1),
                    Some(Block::Para(lines)) if faq::question_text(&lines[0].text).is_none()
                );
                let first_word = h
                    .text
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                // A glossary of "Term: …" lines ends at the next heading.
                let glossary = term.is_none() && !terms.is_empty();
                if !deeper
                    || glossary
                    || NOT_TERMS.contains(&first_word.as_str())
                    || h.text.trim_end().ends_with('?')
                    || classify(&h.text) != SectionKind::Other
                    || h.text.split_whitespace().count() > 6
                    || !next_is_text
                {
                    break;
                }
                term = Some(squash(&h.text));
                usage.block(base + i);
            }
            Block::Para(lines) => {
                if faq::question_text(&lines[0].text).is_some() {
                    break;
                }
                match &term {
                    Some(t) => {
                        let mut current: Option<usize> = None;
                        for (k, line) in lines.iter().enumerate() {
                            let text = squash(&line.text);
                            match current {
                                Some(d) if !line.item && contains_phrase(&text, t) => {
                                    terms[d].examples.push(literal_braces(&text));
                                }
                                _ => {
                                    terms.push(TermDraft {
                                        no: line.no,
                                        term: t.clone(),
                                        definition: text,
                                        examples: Vec::new(),
                                    });
                                    current = Some(terms.len() - 1);
                                }
                            }
                            usage.line(base + i, k);
                        }
                    }
                    None => {
                        let before = terms.len();
                        for (k, line) in lines.iter().enumerate() {
                            if let Some((t, definition)) = glossary_line(&line.text) {
                                terms.push(TermDraft {
                                    no: line.no,
                                    term: t,
                                    definition,
                                    examples: Vec::new(),
                                });
                                usage.line(base + i, k);
                            }
                        }
                        // Prose after the glossary ends the section; before it, it is an
                        // introduction, left over.
                        if terms.len() == before && before > 0 {
                            break;
                        }
                    }
                }
            }
            Block::Table(_) => break,
        }
        i += 1;
    }
    (terms, i)
}

/// `Term: definition`, `Term – definition`, `Term is a …`, `Term refers to …`.
pub(crate) fn glossary_line(line: &str) -> Option<(String, String)> {
    let line = squash(line);
    for sep in [": ", " – ", " — ", " - "] {
        if let Some(at) = line.find(sep) {
            let term = line[..at].trim().trim_matches(['*', '_', '"']).trim();
            let definition = line[at + sep.len()..].trim();
            if is_term(term) && definition.split_whitespace().count() >= 2 {
                return Some((term.to_string(), capitalize(definition)));
            }
        }
    }
    for verb in [
        " refers to ",
        " is defined as ",
        " can be defined as ",
        " means ",
        " is ",
        " are ",
    ] {
        if let Some(at) = line.find(verb) {
            let term = line[..at].trim();
            let definition = line[at + verb.len()..].trim();
            let first = term.split_whitespace().next().unwrap_or("").to_lowercase();
            if is_term(term)
                && term.starts_with(char::is_uppercase)
                && !NOT_TERMS.contains(&first.as_str())
                && definition.split_whitespace().count() >= 2
            {
                return Some((term.to_string(), capitalize(definition)));
            }
            break;
        }
    }
    None
}

/// Words that open a sentence "… is …" without naming a term.
const NOT_TERMS: [&str; 22] = [
    "it", "this", "that", "these", "those", "there", "here", "they", "he", "she", "we", "you", "i",
    "what", "which", "who", "why", "how", "when", "where", "both", "each",
];

/// A sentence anywhere in the article that defines one of the subjects: it starts with the
/// subject followed by "refers to", "is defined as", "means" or "is a/an/the".
pub(crate) fn prose(sentence: &str, subjects: &[String]) -> Option<(String, String)> {
    for subject in subjects {
        let Some(found) = find_phrase(sentence, subject).into_iter().next() else {
            continue;
        };
        if found.start != 0 {
            continue;
        }
        let rest = &sentence[found.end..];
        for verb in [
            " refers to ",
            " is defined as ",
            " can be defined as ",
            " means ",
        ] {
            if let Some(definition) = rest.strip_prefix(verb) {
                return Some((subject.clone(), capitalize(definition.trim())));
            }
        }
        for article in [" is a ", " is an ", " is the "] {
            if rest.starts_with(article) {
                let definition = &rest[" is ".len()..];
                return Some((subject.clone(), capitalize(definition.trim())));
            }
        }
    }
    None
}

/// A term: one to six words, not ending a sentence.
fn is_term(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=6).contains(&words)
        && !text.ends_with(['.', '!', '?', ',', ';'])
        && text.chars().any(char::is_alphanumeric)
}

/// Examples treat `{{…}}` as a blank; an article's own double braces become single ones.
fn literal_braces(text: &str) -> String {
    let mut out = text.to_string();
    while out.contains("{{") || out.contains("}}") {
        out = out.replace("{{", "{").replace("}}", "}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_lines() {
        assert_eq!(
            glossary_line("**Latency**: the time a packet takes to arrive."),
            Some((
                "Latency".into(),
                "The time a packet takes to arrive.".into()
            ))
        );
        assert_eq!(
            glossary_line("Bandwidth – how much data fits through per second"),
            Some((
                "Bandwidth".into(),
                "How much data fits through per second".into()
            ))
        );
        assert_eq!(
            glossary_line("Jitter refers to variation in latency."),
            Some(("Jitter".into(), "Variation in latency.".into()))
        );
        assert_eq!(
            glossary_line("It is what it is, and that is fine."),
            None,
            "a sentence is not a glossary line"
        );
        assert_eq!(
            glossary_line("Note: see below."),
            Some(("Note".into(), "See below.".into()))
        );
    }

    #[test]
    fn prose_definitions_of_subjects() {
        let subjects = vec!["Weather".to_string(), "Climate".into()];
        assert_eq!(
            prose("Weather refers to short-term conditions.", &subjects),
            Some(("Weather".into(), "Short-term conditions.".into()))
        );
        assert_eq!(
            prose("Climate is the average of weather over decades.", &subjects),
            Some((
                "Climate".into(),
                "The average of weather over decades.".into()
            ))
        );
        assert_eq!(prose("Climate changes slowly.", &subjects), None);
        assert_eq!(prose("The weather is a topic.", &subjects), None);
    }

    #[test]
    fn double_braces_become_single() {
        assert_eq!(literal_braces("a {{b}} c {{{d}}}"), "a {b} c {d}");
    }
}
