//! The deck's metadata from the article: the title, the byline (author, editor, date) for
//! `source`, and the two or more subjects being compared, read from a title such as
//! "Tea vs. Coffee" or "The difference between tea and coffee".

use super::article::{Article, Block};
use super::text::{find_ci, squash, strip_prefix_ci};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) title: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) editor: Option<String>,
    /// With its verb, as are the editor ("edited by A") and date ("updated on October 6, 2023").
    pub(crate) date: Option<String>,
    /// Lines (article line numbers) that held the byline.
    pub(crate) byline_lines: Vec<usize>,
}

impl Meta {
    /// `"Title" by Author, edited by Editor, updated on Date`, from what is known.
    pub(crate) fn source(&self) -> Option<String> {
        let mut parts = Vec::new();
        let mut first = String::new();
        if let Some(title) = &self.title {
            first = format!("\"{title}\"");
        }
        if let Some(author) = &self.author {
            first = if first.is_empty() {
                format!("By {author}")
            } else {
                format!("{first} by {author}")
            };
        }
        if !first.is_empty() {
            parts.push(first);
        }
        if let Some(editor) = &self.editor {
            parts.push(editor.clone());
        }
        if let Some(date) = &self.date {
            parts.push(date.clone());
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Finds the title and byline. Byline lines are looked for among the first lines after the
/// title, before the first section heading.
pub(crate) fn read(article: &Article) -> Meta {
    let mut meta = Meta {
        title: article.facts.title.clone(),
        author: article.facts.author.clone(),
        date: article.facts.date.clone(),
        ..Meta::default()
    };
    let mut lines_seen = 0;
    for (i, block) in article.blocks.iter().enumerate() {
        match block {
            Block::Heading(h) if h.level == 1 && i == 0 => {
                meta.title.get_or_insert_with(|| squash(&h.text));
            }
            Block::Heading(_) | Block::Table(_) => {
                if lines_seen > 0 || i > 0 {
                    break;
                }
            }
            Block::Para(lines) => {
                for line in lines {
                    lines_seen += 1;
                    if lines_seen > 4 {
                        break;
                    }
                    if byline(&line.text, &mut meta) {
                        meta.byline_lines.push(line.no);
                    }
                }
            }
        }
        if lines_seen > 4 {
            break;
        }
    }
    meta
}

/// Whether a line is a byline (author, editor, date), which is never joined to the next line.
pub(crate) fn is_byline(line: &str) -> bool {
    byline(line, &mut Meta::default())
}

/// Reads a byline such as `Edited by A || By B || Updated on C`; every part must be one of
/// author, editor or date, or the line is not a byline.
fn byline(line: &str, meta: &mut Meta) -> bool {
    let parts: Vec<&str> = line
        .split(['|', '·', '•'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() || line.len() > 200 {
        return false;
    }
    let mut found = Meta::default();
    for part in &parts {
        let starts = |p: &&&str| strip_prefix_ci(part, p).is_some();
        let after = |prefix: &str| squash(&part[prefix.len()..]).trim_matches(',').to_string();
        if let Some(p) = ["edited by ", "reviewed by ", "editor: "]
            .iter()
            .find(starts)
        {
            let role = if p.starts_with("reviewed") {
                "reviewed by"
            } else {
                "edited by"
            };
            found.editor = Some(format!("{role} {}", after(p)));
        } else if let Some(p) = ["written by ", "by ", "author: ", "authors: "]
            .iter()
            .find(starts)
        {
            let name = after(p);
            let words = name.split_whitespace().count();
            if words == 0
                || words > 6
                || !name.starts_with(char::is_uppercase)
                || name.ends_with(['.', '!', '?']) && !name.ends_with(" Jr.")
            {
                return false;
            }
            found.author = Some(name);
        } else if [
            "updated",
            "published",
            "posted",
            "last updated",
            "last modified",
        ]
        .iter()
        .any(|p| strip_prefix_ci(part, p).is_some())
            && part.chars().any(|c| c.is_ascii_digit())
        {
            let mut date = squash(part);
            if let Some(first) = date.get(..1) {
                date = first.to_lowercase() + &date[1..];
            }
            found.date = Some(date);
        } else if let Some(rest) = strip_prefix_ci(part, "date: ") {
            found.date = Some(format!("dated {}", squash(rest)));
        } else {
            return false;
        }
    }
    meta.author = meta.author.take().or(found.author);
    meta.editor = meta.editor.take().or(found.editor);
    meta.date = meta.date.take().or(found.date);
    true
}

/// The subjects a title compares: "X vs. Y", "X versus Y", "difference between X and Y".
pub(crate) fn subjects_from_title(title: &str) -> Vec<String> {
    for sep in [" vs. ", " vs ", " versus ", " v. "] {
        if let Some(at) = find_ci(title, sep) {
            let left = &title[..at];
            let right = &title[at + sep.len()..];
            let left = left
                .rsplit([':', '–', '—', '|'])
                .next()
                .unwrap_or(left)
                .trim();
            let left = strip_lead(left);
            let right = right
                .split([':', '–', '—', '|', '?', '(', ','])
                .next()
                .unwrap_or(right);
            let right = right.split(" - ").next().unwrap_or(right).trim();
            let mut parts: Vec<String> = Vec::new();
            // "A, B vs. C" is rare; "A vs. B vs. C" splits further.
            for piece in std::iter::once(left.to_string()).chain(
                split_vs(right)
                    .into_iter()
                    .map(|s| s.trim_end_matches('.').to_string()),
            ) {
                let piece = squash(strip_article(&piece));
                if !piece.is_empty() {
                    parts.push(piece);
                }
            }
            return distinct(parts);
        }
    }
    if let Some(at) = find_ci(title, "between ") {
        let rest = &title[at + "between ".len()..];
        let rest = rest
            .split(['?', ':', '–', '—', '|', '('])
            .next()
            .unwrap_or(rest);
        if let Some(and) = find_ci(rest, " and ") {
            let parts = vec![
                squash(strip_article(&rest[..and])),
                squash(strip_article(&rest[and + " and ".len()..]))
                    .trim_end_matches('.')
                    .to_string(),
            ];
            return distinct(parts);
        }
    }
    Vec::new()
}

fn split_vs(text: &str) -> Vec<&str> {
    for sep in [" vs. ", " vs ", " versus "] {
        if let Some(at) = find_ci(text, sep) {
            let mut out = vec![&text[..at]];
            out.extend(split_vs(&text[at + sep.len()..]));
            return out;
        }
    }
    vec![text]
}

/// Drops a leading "Difference between" style phrase from the left side of a "vs." title.
fn strip_lead(text: &str) -> &str {
    for lead in [
        "the difference between ",
        "difference between ",
        "comparing ",
    ] {
        if let Some(rest) = strip_prefix_ci(text, lead) {
            return rest;
        }
    }
    text
}

/// A subject without a leading "a", "an" or "the".
fn strip_article(text: &str) -> &str {
    let t = text.trim();
    for article in ["a ", "an ", "the "] {
        if let Some(rest) = strip_prefix_ci(t, article).filter(|r| !r.trim().is_empty()) {
            return rest;
        }
    }
    t
}

/// The subjects when they are at least two, distinct, and short enough to be names.
fn distinct(parts: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for p in &parts {
        let norm = crate::quiz::normalize(p);
        if norm.is_empty() || p.split_whitespace().count() > 6 || seen.contains(&norm) {
            return Vec::new();
        }
        seen.push(norm);
    }
    if parts.len() >= 2 { parts } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_from_titles() {
        assert_eq!(
            subjects_from_title(
                "Production Management vs. Operation Management: What's the Difference?"
            ),
            ["Production Management", "Operation Management"]
        );
        assert_eq!(
            subjects_from_title("Weather versus Climate"),
            ["Weather", "Climate"]
        );
        assert_eq!(
            subjects_from_title("What is the difference between a Crocodile and an Alligator?"),
            ["Crocodile", "Alligator"]
        );
        assert_eq!(
            subjects_from_title("Guide: TCP vs UDP vs QUIC (2024)"),
            ["TCP", "UDP", "QUIC"]
        );
        assert!(subjects_from_title("A history of tea").is_empty());
        assert!(subjects_from_title("Tea vs. tea").is_empty());
    }

    #[test]
    fn bylines() {
        let mut meta = Meta::default();
        assert!(byline(
            "Edited by Aimie Carlson || By Harlon Moss || Updated on October 6, 2023",
            &mut meta
        ));
        meta.title = Some("P vs. O".into());
        assert_eq!(
            meta.source().unwrap(),
            "\"P vs. O\" by Harlon Moss, edited by Aimie Carlson, updated on October 6, 2023"
        );
        assert!(!byline("By the way, tea is good.", &mut Meta::default()));
        assert!(!byline("Tea is good | coffee too", &mut Meta::default()));
    }
}
