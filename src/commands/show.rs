//! `pmquiz show DECK`: the cards of one deck, for people or as JSON for scripts.

use super::{Context, OK};
use crate::cli::Format;
use crate::deck::{Content, Deck, cloze_source, plural};
use crate::ui::text::hanging;
use std::fmt::Write as _;

pub(super) fn run(cx: &Context, args: &crate::cli::ShowArgs) -> anyhow::Result<u8> {
    let deck = cx.deck(&args.deck)?.into_deck();
    match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(&deck)?;
            value["origin"] = deck.origin.to_string().into();
            answers_as_text(&deck, &mut value);
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Text => print!("{}", render(&deck)),
    }
    Ok(OK)
}

/// A choice card's `answer` is held as the index of its option, a term's examples as cloze
/// segments; the JSON gives them as a deck file writes them: the option's text, and each
/// example as a sentence with its blank between `{{` and `}}`.
fn answers_as_text(deck: &Deck, value: &mut serde_json::Value) {
    for (card, json) in deck
        .cards
        .iter()
        .zip(value["cards"].as_array_mut().into_iter().flatten())
    {
        match &card.content {
            Content::Choice {
                options, answer, ..
            } => json["answer"] = options[*answer].clone().into(),
            Content::Term { examples, .. } => {
                json["examples"] = examples.iter().map(cloze_source).collect();
            }
            _ => {}
        }
    }
}

fn render(deck: &Deck) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}, {})",
        deck.name,
        deck.id,
        plural(deck.card_count(), "card")
    );
    if !deck.description.is_empty() {
        let _ = writeln!(out, "{}", deck.description);
    }
    if !deck.source.is_empty() {
        let _ = writeln!(out, "Source: {}", deck.source);
    }
    for card in &deck.cards {
        let tags: String = card.tags.iter().map(|t| format!("  #{t}")).collect();
        let _ = writeln!(out, "\n[{}] {}{tags}", card.content.kind(), card.id);
        match &card.content {
            Content::Card {
                question,
                answer,
                accept,
                wrong,
                keywords,
                list,
                typed,
            } => {
                hang(&mut out, "  Q: ", question);
                hang(&mut out, "  A: ", answer);
                if *typed {
                    let _ = writeln!(out, "  asked as typed answer only");
                }
                if !accept.is_empty() {
                    let _ = writeln!(out, "  also accepted: {}", accept.join(" | "));
                }
                if !keywords.is_empty() {
                    let _ = writeln!(out, "  keywords: {}", keywords.join(", "));
                }
                if let Some(list) = list {
                    let _ = writeln!(out, "  list: {}", if *list { "any order" } else { "no" });
                }
                if !wrong.is_empty() {
                    let _ = writeln!(out, "  wrong options: {}", wrong.join(" | "));
                }
            }
            Content::Term {
                term,
                definition,
                examples,
                includes,
                exclusive,
                ..
            } => {
                hang(&mut out, &format!("  {term}: "), definition);
                for e in examples {
                    hang(&mut out, "  e.g. ", &e.filled());
                }
                if !includes.is_empty() {
                    let _ = writeln!(out, "  includes: {}", includes.join(", "));
                }
                if *exclusive {
                    let _ = writeln!(out, "  (this definition fits {term} only)");
                }
            }
            Content::Statement { text, answer } => {
                let truth = if *answer { "true" } else { "false" };
                hang(&mut out, "  ", &format!("{text} ({truth})"));
            }
            Content::Cloze { cloze, .. } => {
                hang(&mut out, "  ", &cloze.with_gaps("_____"));
                hang(&mut out, "  = ", &cloze.filled());
            }
            Content::Choice {
                question,
                options,
                answer,
            } => {
                hang(&mut out, "  Q: ", question);
                for (i, o) in options.iter().enumerate() {
                    let mark = if i == *answer { '*' } else { ' ' };
                    hang(&mut out, &format!("   {mark} "), o);
                }
            }
            Content::Table {
                title,
                subjects,
                rows,
            } => {
                if let Some(t) = title {
                    hang(&mut out, "  ", t);
                }
                for row in rows {
                    hang(
                        &mut out,
                        "  ",
                        &format!("{} ({}/{}):", row.aspect, card.id, row.id),
                    );
                    for (s, c) in subjects.iter().zip(&row.cells) {
                        hang(&mut out, &format!("    {s}: "), c);
                    }
                    if !row.facts.is_empty() {
                        let _ = writeln!(out, "    fact: {}", row.facts.join(", "));
                    }
                }
            }
        }
        if !card.kinds.is_empty() {
            let kinds: Vec<&str> = card.kinds.iter().map(|k| k.as_str()).collect();
            let _ = writeln!(out, "  asked as: {}", kinds.join(", "));
        }
        if !card.facts.is_empty() {
            let _ = writeln!(out, "  fact: {}", card.facts.join(", "));
        }
        if let Some(explain) = &card.explain {
            hang(&mut out, "  Why: ", explain);
        }
    }
    out
}

/// Writes `prefix` and `text`, with the lines after the first indented to where the text
/// starts, so that a multi-line question or explanation stays in its place.
fn hang(out: &mut String, prefix: &str, text: &str) {
    let _ = writeln!(out, "{prefix}{}", hanging(text, prefix));
}
