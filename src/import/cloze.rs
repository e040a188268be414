//! Anki's cloze markup: `{{c1::answer}}`, `{{c2::answer::hint}}`, several numbers per note,
//! `{{c1,2::...}}` and clozes nested in clozes. Each cloze number is one Anki card; for card
//! `n`, the deletions numbered `n` become blanks and every other deletion is shown as text.

use crate::deck::{Cloze, Segment};

/// A parsed cloze field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Deletion {
        numbers: Vec<u32>,
        body: Vec<Node>,
        hint: Option<String>,
    },
}

/// A cloze field, parsed once and rendered for each of its card numbers.
#[derive(Debug, Clone)]
pub(crate) struct ClozeField {
    nodes: Vec<Node>,
}

impl ClozeField {
    pub(crate) fn parse(text: &str) -> ClozeField {
        let mut rest = text;
        let nodes = parse_nodes(&mut rest, false);
        ClozeField { nodes }
    }

    /// The cloze numbers used, in increasing order.
    pub(crate) fn numbers(&self) -> Vec<u32> {
        let mut out = Vec::new();
        collect_numbers(&self.nodes, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The card for cloze number `n`: its deletions as blanks (an Anki hint follows its blank
    /// in brackets, as Anki shows it), the other deletions as plain text. `None` when no
    /// deletion has that number or one of them is empty.
    pub(crate) fn card(&self, n: u32) -> Option<Cloze> {
        let mut segments = Vec::new();
        render(&self.nodes, n, &mut segments)?;
        if !segments.iter().any(|s| matches!(s, Segment::Blank(_))) {
            return None;
        }
        Some(Cloze { segments })
    }

    /// The whole text with every deletion shown.
    pub(crate) fn plain(&self) -> String {
        flatten(&self.nodes)
    }
}

/// Whether a field holds Anki cloze markup.
pub(crate) fn has_cloze(text: &str) -> bool {
    ClozeField::parse(text)
        .nodes
        .iter()
        .any(|n| matches!(n, Node::Deletion { .. }))
}

/// Parses nodes up to the end of the text, or (inside a deletion) up to its closing `}}`,
/// which is consumed.
fn parse_nodes(rest: &mut &str, inside: bool) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut text = String::new();
    loop {
        let open = opening(rest);
        let close = if inside { rest.find("}}") } else { None };
        match (open, close) {
            (Some((at, numbers, len)), close) if close.is_none_or(|c| at < c) => {
                text.push_str(&rest[..at]);
                *rest = &rest[at + len..];
                let (body, hint) = split_hint(parse_nodes(rest, true));
                if !text.is_empty() {
                    nodes.push(Node::Text(std::mem::take(&mut text)));
                }
                nodes.push(Node::Deletion {
                    numbers,
                    body,
                    hint,
                });
            }
            (_, Some(c)) => {
                text.push_str(&rest[..c]);
                *rest = &rest[c + 2..];
                break;
            }
            (_, None) => {
                text.push_str(rest);
                *rest = "";
                break;
            }
        }
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    nodes
}

/// The next `{{cN::` (or `{{cN,M::`): its position, numbers and length.
fn opening(text: &str) -> Option<(usize, Vec<u32>, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{{c") {
        let at = from + i;
        let after = &text[at + 3..];
        if let Some(end) = after.find("::") {
            let spec = &after[..end];
            let numbers: Option<Vec<u32>> = spec
                .split(',')
                .map(|n| n.trim().parse::<u32>().ok().filter(|&n| n > 0))
                .collect();
            if let Some(numbers) = numbers.filter(|n| !n.is_empty()) {
                return Some((at, numbers, 3 + end + 2));
            }
        }
        from = at + 3;
    }
    None
}

/// Splits a deletion's body at its first `::` outside nested deletions: the answer, then the
/// hint.
fn split_hint(body: Vec<Node>) -> (Vec<Node>, Option<String>) {
    let mut answer = Vec::new();
    let mut nodes = body.into_iter();
    for node in nodes.by_ref() {
        match node {
            Node::Text(t) if t.contains("::") => {
                let (before, after) = t.split_once("::").expect("contains ::");
                if !before.is_empty() {
                    answer.push(Node::Text(before.to_string()));
                }
                let mut hint = after.to_string();
                hint.push_str(&flatten(&nodes.collect::<Vec<_>>()));
                let hint = hint.trim().to_string();
                return (answer, (!hint.is_empty()).then_some(hint));
            }
            other => answer.push(other),
        }
    }
    (answer, None)
}

fn collect_numbers(nodes: &[Node], out: &mut Vec<u32>) {
    for node in nodes {
        if let Node::Deletion { numbers, body, .. } = node {
            out.extend(numbers);
            collect_numbers(body, out);
        }
    }
}

fn flatten(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Deletion { body, .. } => out.push_str(&flatten(body)),
        }
    }
    out
}

/// Renders nodes for card `n`; `None` when a deletion of `n` has no text.
fn render(nodes: &[Node], n: u32, out: &mut Vec<Segment>) -> Option<()> {
    for node in nodes {
        match node {
            Node::Text(t) => push_text(out, t),
            Node::Deletion {
                numbers,
                body,
                hint,
            } if numbers.contains(&n) => {
                let answer = flatten(body).trim().to_string();
                if answer.is_empty() {
                    return None;
                }
                out.push(Segment::Blank(vec![answer]));
                if let Some(hint) = hint {
                    push_text(out, &format!(" [{hint}]"));
                }
            }
            Node::Deletion { body, .. } => render(body, n, out)?,
        }
    }
    Some(())
}

fn push_text(out: &mut Vec<Segment>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Segment::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Segment::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(field: &ClozeField, n: u32) -> (String, Vec<Vec<String>>) {
        let c = field.card(n).expect("a card");
        (c.with_gaps("___"), c.blanks())
    }

    #[test]
    fn several_numbers_and_hints() {
        let f = ClozeField::parse(
            "{{c1::Water::liquid}} is made of {{c2::hydrogen}} and {{c2::oxygen::element}}.",
        );
        assert_eq!(f.numbers(), [1, 2]);
        assert_eq!(
            shown(&f, 1),
            (
                "___ [liquid] is made of hydrogen and oxygen.".to_string(),
                vec![vec!["Water".to_string()]]
            )
        );
        assert_eq!(
            shown(&f, 2),
            (
                "Water is made of ___ and ___ [element].".to_string(),
                vec![vec!["hydrogen".to_string()], vec!["oxygen".to_string()]]
            )
        );
        assert!(f.card(3).is_none());
        assert_eq!(f.plain(), "Water is made of hydrogen and oxygen.");
    }

    #[test]
    fn nested_deletions() {
        let f = ClozeField::parse("{{c1::Canberra is the capital of {{c2::Australia}}}}.");
        assert_eq!(f.numbers(), [1, 2]);
        assert_eq!(
            shown(&f, 1),
            (
                "___.".to_string(),
                vec![vec!["Canberra is the capital of Australia".to_string()]]
            )
        );
        assert_eq!(
            shown(&f, 2),
            (
                "Canberra is the capital of ___.".to_string(),
                vec![vec!["Australia".to_string()]]
            )
        );
    }

    #[test]
    fn one_deletion_on_several_cards() {
        let f = ClozeField::parse("{{c1,2::Paris}} is in {{c2::France}}.");
        assert_eq!(f.numbers(), [1, 2]);
        assert_eq!(shown(&f, 1).0, "___ is in France.");
        assert_eq!(shown(&f, 2).0, "___ is in ___.");
    }

    #[test]
    fn what_is_not_a_cloze_stays_text() {
        assert!(!has_cloze("{{Front}} and {{c::x}} and {{cx::y}}"));
        assert!(has_cloze("a {{c3::b}}"));
        let f = ClozeField::parse("set {{c1::}} empty");
        assert!(f.card(1).is_none());
        // An unclosed deletion runs to the end, as Anki reads it.
        let f = ClozeField::parse("{{c1::open");
        assert_eq!(shown(&f, 1).1, [vec!["open".to_string()]]);
    }
}
