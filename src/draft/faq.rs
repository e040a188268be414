//! Frequently asked questions: a question (a line or heading ending in `?`, with or without a
//! `Q:` label) followed by its answer, one or more paragraphs. The answer's first sentence is
//! the card's answer and the rest its explanation; a yes/no answer also accepts "yes" or "no".

use super::article::Block;
use super::text::{sentences, squash, strip_prefix_ci};
use super::{CardDraft, Usage};

/// The question on a line, without a `Q:` label or list number, when the line is one: it ends
/// in a question mark and is not too long to be a question.
pub(crate) fn question_text(line: &str) -> Option<String> {
    let mut text = squash(line);
    for label in ["Q:", "Q.", "Q ", "Question:"] {
        if let Some(rest) = strip_prefix_ci(&text, label) {
            text = rest.trim().to_string();
            break;
        }
    }
    let text = text.trim_matches(['*', '_']).trim().to_string();
    let words = text.split_whitespace().count();
    (text.ends_with('?') && (2..=40).contains(&words)).then_some(text)
}

/// Reads a question and its answer starting at `blocks[0]`. Returns the card and the number of
/// blocks taken; `None` when `blocks[0]` is not a question or nothing answers it.
pub(crate) fn item(blocks: &[Block], base: usize, usage: &mut Usage) -> Option<(CardDraft, usize)> {
    let (question, no, mut answer_lines) = match blocks.first()? {
        Block::Heading(h) => (question_text(&h.text)?, h.no, Vec::new()),
        Block::Para(lines) => {
            let q = question_text(&lines[0].text)?;
            let rest: Vec<(usize, usize, String)> = lines[1..]
                .iter()
                .enumerate()
                .map(|(k, l)| (0, k + 1, l.text.clone()))
                .collect();
            (q, lines[0].no, rest)
        }
        Block::Table(_) => return None,
    };
    // Paragraphs of the answer: lines of the question's own paragraph, then whole paragraphs
    // up to the next question, heading or table.
    let mut paragraphs: Vec<String> = Vec::new();
    if !answer_lines.is_empty() {
        paragraphs.push(join(&answer_lines));
    }
    let mut i = 1;
    while let Some(Block::Para(lines)) = blocks.get(i) {
        if question_text(&lines[0].text).is_some() {
            break;
        }
        paragraphs.push(join(
            &lines
                .iter()
                .enumerate()
                .map(|(k, l)| (i, k, l.text.clone()))
                .collect::<Vec<_>>(),
        ));
        answer_lines.extend(
            lines
                .iter()
                .enumerate()
                .map(|(k, l)| (i, k, l.text.clone())),
        );
        i += 1;
    }
    let first = paragraphs.first()?.clone();
    let first = strip_answer_label(&first);
    let spans = sentences(first);
    let answer = first[spans.first()?.clone()].to_string();
    let mut explain: Vec<String> = spans[1..]
        .iter()
        .map(|r| first[r.clone()].to_string())
        .collect();
    explain.extend(paragraphs[1..].iter().cloned());
    let explain = (!explain.is_empty()).then(|| explain.join(" "));
    usage.block(base);
    for (b, k, _) in &answer_lines {
        usage.line(base + b, *k);
    }
    Some((
        CardDraft {
            no,
            accept: short_forms(&question, &answer),
            question,
            answer,
            explain,
        },
        i,
    ))
}

fn join(lines: &[(usize, usize, String)]) -> String {
    squash(
        &lines
            .iter()
            .map(|(_, _, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn strip_answer_label(text: &str) -> &str {
    for label in ["A:", "A.", "Answer:"] {
        if let Some(rest) = strip_prefix_ci(text, label) {
            return rest.trim_start();
        }
    }
    text
}

/// Words that open a yes/no question.
const AUXILIARIES: [&str; 20] = [
    "is", "are", "was", "were", "can", "could", "do", "does", "did", "should", "would", "will",
    "has", "have", "had", "may", "might", "must", "shall", "isn't",
];

/// For a yes/no question whose answer opens with a yes or a no ("Yes, …", "Absolutely, …",
/// "Not typically, …"), "yes" or "no" and that opening are also accepted.
fn short_forms(question: &str, answer: &str) -> Vec<String> {
    let first_word = question
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase();
    if !AUXILIARIES.contains(&first_word.as_str()) {
        return Vec::new();
    }
    let opening = answer
        .split([',', '.', ';', '!', ':', '—', '–'])
        .next()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    if opening.split_whitespace().count() > 3 {
        return Vec::new();
    }
    const YES: [&str; 9] = [
        "yes",
        "yeah",
        "absolutely",
        "certainly",
        "definitely",
        "indeed",
        "of course",
        "sure",
        "yes indeed",
    ];
    const NO: [&str; 10] = [
        "no",
        "not really",
        "not typically",
        "not usually",
        "not necessarily",
        "not always",
        "not at all",
        "never",
        "nope",
        "generally not",
    ];
    // A short answer that says yes or no in passing: "Usually, yes."
    let short: Vec<String> = answer
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let says = |word: &str| short.len() <= 4 && short.iter().any(|w| w == word);
    let reply = if YES.contains(&opening.as_str()) || says("yes") {
        "yes"
    } else if NO.contains(&opening.as_str()) || says("no") {
        "no"
    } else {
        return Vec::new();
    };
    let mut forms = vec![reply.to_string()];
    if opening != reply && (YES.contains(&opening.as_str()) || NO.contains(&opening.as_str())) {
        forms.push(opening);
    }
    forms.retain(|f| crate::quiz::normalize(f) != crate::quiz::normalize(answer));
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_with_and_without_labels() {
        assert_eq!(
            question_text("Q: Is tea older?").as_deref(),
            Some("Is tea older?")
        );
        assert_eq!(
            question_text("**Why do people drink coffee?**").as_deref(),
            Some("Why do people drink coffee?")
        );
        assert_eq!(
            question_text("Why?"),
            None,
            "one word is not a FAQ question"
        );
        assert_eq!(question_text("Tea is older."), None);
    }

    #[test]
    fn yes_and_no_short_forms() {
        assert_eq!(short_forms("Is tea older?", "Yes, tea is older."), ["yes"]);
        assert_eq!(
            short_forms("Can tea be iced?", "Absolutely, tea can be iced."),
            ["yes", "absolutely"]
        );
        assert_eq!(
            short_forms("Is coffee a tea?", "Not typically, as it is a bean."),
            ["no", "not typically"]
        );
        assert_eq!(short_forms("Is tea older?", "Usually, yes."), ["yes"]);
        assert!(short_forms("What is tea?", "Yes, a drink.").is_empty());
        assert!(short_forms("Is tea green?", "While some is, most is black.").is_empty());
    }
}
