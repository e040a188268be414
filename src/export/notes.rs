//! What each pmquiz card becomes outside pmquiz: an Anki-style note of one of four kinds, with
//! its fields as text. Shared by the `.apkg`, CSV/TSV and Markdown exports.
//!
//! | card | note |
//! | --- | --- |
//! | `[[card]]` | Basic (front, back); with `typed = true`, Basic (type in the answer) |
//! | `[[term]]` | Basic (and reversed card); with `reverse = false`, Basic (optional reversed card) without its reverse; examples join the explanation |
//! | `[[statement]]` | Basic: "True or false?" and the statement, then True or False |
//! | `[[cloze]]` | Cloze: every blank is deletion 1, as pmquiz asks all blanks at once |
//! | `[[choice]]` | Basic: the question and its options on the front, the answer on the back |
//! | table row | Basic: the table and the row's aspect on the front, each subject's cell on the back |

use crate::deck::{Card, Content, Deck, Segment, row_id};

/// The kinds of note, named as Anki's stock note types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum NoteKind {
    Basic,
    Typed,
    Reversed,
    /// A term asked one way: Anki's optional reversed note with "Add Reverse" left empty.
    OneWay,
    Cloze,
}

impl NoteKind {
    pub(crate) const ALL: [NoteKind; 5] = [
        NoteKind::Basic,
        NoteKind::Reversed,
        NoteKind::OneWay,
        NoteKind::Typed,
        NoteKind::Cloze,
    ];

    /// Anki's name for the note type.
    pub(crate) fn name(self) -> &'static str {
        match self {
            NoteKind::Basic => "Basic",
            NoteKind::Typed => "Basic (type in the answer)",
            NoteKind::Reversed => "Basic (and reversed card)",
            NoteKind::OneWay => "Basic (optional reversed card)",
            NoteKind::Cloze => "Cloze",
        }
    }

    /// How many cards a note of this kind has in Anki.
    pub(crate) fn cards(self) -> u32 {
        if self == NoteKind::Reversed { 2 } else { 1 }
    }
}

/// One note: the card it comes from and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub(crate) kind: NoteKind,
    /// The card's review id in pmquiz (`TABLE-ID/ROW-ID` for a table row).
    pub(crate) review_id: String,
    /// Front (Text for a cloze), as plain text; cloze blanks as `{{c1::answer}}`.
    pub(crate) front: String,
    /// Back, as plain text; empty for a cloze.
    pub(crate) back: String,
    /// The card's explanation (and a term's examples), as plain text.
    pub(crate) extra: String,
    /// Tags, spaces turned into underscores (Anki separates tags with spaces).
    pub(crate) tags: Vec<String>,
}

/// A stable note id for Anki: the same deck and card give the same guid on every export, so
/// that Anki updates the note instead of adding another; `pmquiz import` reads it back as the
/// card's id.
pub(crate) fn guid(deck_id: &str, review_id: &str) -> String {
    format!("pmquiz:{deck_id}:{review_id}")
}

/// The notes of a deck, in the deck's order (a table gives one note per row).
pub(crate) fn notes_of(deck: &Deck) -> Vec<Note> {
    let mut out = Vec::with_capacity(deck.cards.len());
    for card in &deck.cards {
        note_of(card, &mut out);
    }
    out
}

fn tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join("_"))
        .filter(|t| !t.is_empty())
        .collect()
}

fn note_of(card: &Card, out: &mut Vec<Note>) {
    let explain = card.explain.clone().unwrap_or_default();
    let note = |kind, front: String, back: String, extra: String| Note {
        kind,
        review_id: card.id.clone(),
        front,
        back,
        extra,
        tags: tags(&card.tags),
    };
    match &card.content {
        Content::Card {
            question,
            answer,
            typed,
            ..
        } => {
            let kind = if *typed {
                NoteKind::Typed
            } else {
                NoteKind::Basic
            };
            out.push(note(kind, question.clone(), answer.clone(), explain));
        }
        Content::Term {
            term,
            definition,
            examples,
            reverse,
            ..
        } => {
            let mut extra = explain;
            for example in examples {
                if !extra.is_empty() {
                    extra.push('\n');
                }
                extra.push_str(&example.filled());
            }
            let kind = if *reverse {
                NoteKind::Reversed
            } else {
                NoteKind::OneWay
            };
            out.push(note(kind, term.clone(), definition.clone(), extra));
        }
        Content::Statement { text, answer } => out.push(note(
            NoteKind::Basic,
            format!("True or false?\n{text}"),
            if *answer { "True" } else { "False" }.to_string(),
            explain,
        )),
        Content::Cloze { cloze, .. } => {
            let mut text = String::new();
            for segment in &cloze.segments {
                match segment {
                    Segment::Text(t) => text.push_str(t),
                    Segment::Blank(answers) => {
                        text.push_str("{{c1::");
                        text.push_str(&answers[0]);
                        text.push_str("}}");
                    }
                }
            }
            out.push(note(NoteKind::Cloze, text, String::new(), explain));
        }
        Content::Choice {
            question,
            options,
            answer,
        } => {
            let mut front = question.clone();
            for (i, option) in options.iter().enumerate() {
                let letter = char::from(b'A' + u8::try_from(i).unwrap_or(25));
                front.push_str(&format!("\n{letter}. {option}"));
            }
            out.push(note(
                NoteKind::Basic,
                front,
                options[*answer].clone(),
                explain,
            ));
        }
        Content::Table {
            title,
            subjects,
            rows,
        } => {
            let heading = title.as_deref().unwrap_or("Compare");
            for row in rows {
                let back = subjects
                    .iter()
                    .zip(&row.cells)
                    .map(|(s, c)| format!("{s}: {c}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut row_tags = row.tags.clone();
                row_tags.extend(card.tags.iter().filter(|t| !row.tags.contains(t)).cloned());
                out.push(Note {
                    kind: NoteKind::Basic,
                    review_id: row_id(&card.id, &row.id),
                    front: format!("{heading}: {}", row.aspect),
                    back,
                    extra: row.explain.clone().unwrap_or_else(|| explain.clone()),
                    tags: tags(&row_tags),
                });
            }
        }
    }
}

/// Text as an Anki field: HTML-escaped, line breaks as `<br>`.
pub(crate) fn html(text: &str) -> String {
    html_escape::encode_text(text).replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Origin, parse_deck};

    #[test]
    fn every_kind_of_card_becomes_a_note() {
        let src = "[deck]\nname = \"D\"\n\
            [[card]]\nid = \"c\"\nquestion = \"Q?\"\nanswer = \"A\"\nexplain = \"Why\"\ntags = [\"two words\"]\n\
            [[card]]\nid = \"t\"\nquestion = \"Symbol?\"\nanswer = \"Au\"\ntyped = true\n\
            [[term]]\nid = \"term\"\nterm = \"Fjord\"\ndefinition = \"An inlet\"\nexamples = [\"A fjord in Norway.\"]\n\
            [[statement]]\nid = \"s\"\ntext = \"Water is wet.\"\nanswer = true\n\
            [[cloze]]\nid = \"z\"\ntext = \"{{Lean}} and {{TQM|total quality}}\"\n\
            [[choice]]\nid = \"ch\"\nquestion = \"Which?\"\noptions = [\"x\", \"y\"]\nanswer = \"y\"\n\
            [[table]]\nid = \"tb\"\nsubjects = [\"P\", \"O\"]\n[[table.row]]\naspect = \"Focus\"\ncells = [\"p\", \"o\"]\n";
        let deck = parse_deck(src, "d.toml", "d", Origin::BuiltIn).unwrap();
        let notes = notes_of(&deck);
        let shown: Vec<(NoteKind, &str, &str, &str, &str)> = notes
            .iter()
            .map(|n| {
                (
                    n.kind,
                    n.review_id.as_str(),
                    n.front.as_str(),
                    n.back.as_str(),
                    n.extra.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (NoteKind::Basic, "c", "Q?", "A", "Why"),
                (NoteKind::Typed, "t", "Symbol?", "Au", ""),
                (
                    NoteKind::Reversed,
                    "term",
                    "Fjord",
                    "An inlet",
                    "A fjord in Norway."
                ),
                (
                    NoteKind::Basic,
                    "s",
                    "True or false?\nWater is wet.",
                    "True",
                    ""
                ),
                (NoteKind::Cloze, "z", "{{c1::Lean}} and {{c1::TQM}}", "", ""),
                (NoteKind::Basic, "ch", "Which?\nA. x\nB. y", "y", ""),
                (
                    NoteKind::Basic,
                    "tb/focus",
                    "Compare: Focus",
                    "P: p\nO: o",
                    ""
                ),
            ]
        );
        assert_eq!(notes[0].tags, ["two_words"]);
        assert_eq!(guid("d", "tb/focus"), "pmquiz:d:tb/focus");
        assert_eq!(html("a < b & c\nd"), "a &lt; b &amp; c<br>d");
    }
}
