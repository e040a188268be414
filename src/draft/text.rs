//! Small text helpers shared by the parts of the drafter: sentences, heading-shaped lines,
//! finding a phrase as whole words, tags.

use std::ops::Range;

/// Whether a line ends a sentence (or a clause that a line break may follow).
pub(crate) fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '\'', ')', '”', '’', '*', '_']);
    t.ends_with(['.', '!', '?', ':', ';'])
}

/// A short line that could be a heading, a term or a row label: at most 12 words and 90
/// characters, starting with a capital letter or a digit, not ending a sentence.
pub(crate) fn is_heading_shaped(line: &str) -> bool {
    let t = line.trim().trim_end_matches(':');
    let words = t.split_whitespace().count();
    (1..=12).contains(&words)
        && t.chars().count() <= 90
        && t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && !t.ends_with(['.', '!', '?', ',', ';'])
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 24] = [
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "st",
    "no", "approx", "fig", "cf", "al", "jr", "sr", "dept", "est", "ca",
];

/// Splits text into sentences: byte ranges, trimmed, in order. A sentence ends at `.`, `!` or
/// `?` (with any closing quotes or brackets) followed by a space and a capital letter, digit or
/// opening quote, except after common abbreviations and initials.
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | ')' | '”' | '’' | ']') {
                j += 1;
            }
            let space = j < chars.len() && chars[j].1.is_whitespace();
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let next_starts = k < chars.len()
                && (chars[k].1.is_uppercase()
                    || chars[k].1.is_ascii_digit()
                    || matches!(chars[k].1, '"' | '“' | '‘' | '(' | '\''));
            if space && next_starts && !(c == '.' && is_abbreviation(&text[start..at])) {
                let end = if j < chars.len() {
                    chars[j].0
                } else {
                    text.len()
                };
                push_trimmed(text, start..end, &mut out);
                start = chars[k].0;
                i = k;
                continue;
            }
        }
        let _ = at;
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if s.trim().is_empty() {
        return;
    }
    out.push(range.start + lead..range.end - trail);
}

/// Whether the text before a full stop ends with an abbreviation or an initial (`J.`).
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    let single = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    single
        || ABBREVIATIONS.contains(&lower.as_str())
        || (word.contains('.') && word.chars().filter(|c| c.is_alphabetic()).count() <= 3)
}

/// Byte ranges where `phrase` occurs in `text` as whole words, ignoring case.
pub(crate) fn find_phrase(text: &str, phrase: &str) -> Vec<Range<usize>> {
    let needle: Vec<char> = phrase.chars().flat_map(char::to_lowercase).collect();
    let mut found = Vec::new();
    if needle.is_empty() {
        return found;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut starts = text.char_indices().peekable();
    while let Some((i, _)) = starts.next() {
        if word(text[..i].chars().next_back()) {
            continue;
        }
        let mut k = 0;
        let mut end = None;
        for (offset, c) in text[i..].char_indices() {
            let mut ok = true;
            for lower in c.to_lowercase() {
                if needle.get(k) != Some(&lower) {
                    ok = false;
                    break;
                }
                k += 1;
            }
            if !ok {
                break;
            }
            if k == needle.len() {
                end = Some(i + offset + c.len_utf8());
                break;
            }
        }
        if let Some(end) = end
            && !word(text[end..].chars().next())
        {
            found.push(i..end);
            while starts.peek().is_some_and(|&(j, _)| j < end) {
                starts.next();
            }
        }
    }
    found
}

/// Where a subject is named in `text`, as written or in the plural (`s`, `es`): each place
/// with whether it was the plural.
pub(crate) fn find_subject(text: &str, subject: &str) -> Vec<(Range<usize>, bool)> {
    let mut found: Vec<(Range<usize>, bool)> = find_phrase(text, subject)
        .into_iter()
        .map(|r| (r, false))
        .collect();
    for suffix in ["s", "es"] {
        for r in find_phrase(text, &format!("{subject}{suffix}")) {
            found.push((r, true));
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// The plural of a name: `-es` after a hissing sound, `-s` otherwise.
pub(crate) fn plural(name: &str) -> String {
    let lower = name.to_lowercase();
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// The byte offset of the first `needle` (ASCII) in `text`, ignoring ASCII case. Offsets found
/// this way are always on character boundaries of `text`, unlike offsets into a lowercased copy.
pub(crate) fn find_ci(text: &str, needle: &str) -> Option<usize> {
    let (h, n) = (text.as_bytes(), needle.as_bytes());
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// `text` without `prefix` (ASCII), ignoring ASCII case.
pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Whether `text` contains `phrase` as whole words, ignoring case.
pub(crate) fn contains_phrase(text: &str, phrase: &str) -> bool {
    !find_phrase(text, phrase).is_empty()
}

/// The text with its first letter in upper case.
pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Collapses runs of white space into single spaces and trims.
pub(crate) fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A tag from a section heading: the heading without the subjects' names and joining words,
/// as a slug; `None` when nothing is left or it is longer than four words.
pub(crate) fn heading_tag(heading: &str, subjects: &[String]) -> Option<String> {
    let mut text = heading.to_string();
    for subject in subjects {
        for range in find_phrase(&text, subject).into_iter().rev() {
            text.replace_range(range, " ");
        }
    }
    const JOINING: [&str; 12] = [
        "and", "or", "of", "the", "a", "an", "vs", "versus", "between", "to", "for", "in",
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !JOINING.contains(&w.as_str()))
        .collect();
    if words.is_empty() || words.len() > 4 {
        None
    } else {
        Some(words.join("-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_end_at_stops_but_not_after_abbreviations() {
        assert_eq!(
            split(
                "Tea is old, e.g. in China. Coffee came later! Why? Because (it did.) Then 3.5 cups."
            ),
            [
                "Tea is old, e.g. in China.",
                "Coffee came later!",
                "Why?",
                "Because (it did.)",
                "Then 3.5 cups."
            ]
        );
        assert_eq!(
            split("Written by J. R. Smith in the U.S. Army. Done"),
            ["Written by J. R. Smith in the U.S. Army.", "Done"]
        );
        assert_eq!(split("  "), Vec::<&str>::new());
    }

    #[test]
    fn phrases_match_whole_words_ignoring_case() {
        let text = "Operation management, unlike production management's scope, operations.";
        assert_eq!(find_phrase(text, "operation management"), vec![(0..20)]);
        assert_eq!(find_phrase(text, "Production Management"), vec![(29..50)]);
        assert!(find_phrase(text, "operation").len() == 1);
        assert!(!contains_phrase("cooperation", "operation"));
    }

    #[test]
    fn ascii_case_insensitive_search_stays_on_char_boundaries() {
        // The Kelvin sign lowercases to a one-byte `k`: offsets into a lowercased copy would
        // be wrong here.
        let text = "\u{212a}ettle VS. Pot";
        assert_eq!(find_ci(text, " vs. "), Some(8));
        assert_eq!(&text[8 + 5..], "Pot");
        assert_eq!(strip_prefix_ci("\u{200b}Q: x", "Q:"), None);
        assert_eq!(strip_prefix_ci("q: x", "Q:"), Some(" x"));
    }

    #[test]
    fn heading_shapes() {
        assert!(is_heading_shaped("Comparison Chart"));
        assert!(is_heading_shaped("Sector Relevance:"));
        assert!(!is_heading_shaped("What is it?"));
        assert!(!is_heading_shaped("lower case start"));
        assert!(!is_heading_shaped("Manufacturing of products."));
    }

    #[test]
    fn tags_leave_out_the_subjects() {
        let subjects = [
            "Production Management".to_string(),
            "Operation Management".into(),
        ];
        assert_eq!(
            heading_tag(
                "Production Management and Operation Management Definitions",
                &subjects
            ),
            Some("definitions".into())
        );
        assert_eq!(
            heading_tag("Key Differences", &subjects),
            Some("key-differences".into())
        );
        assert_eq!(heading_tag("Production Management", &subjects), None);
    }
}
