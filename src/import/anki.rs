//! Anki collections as pmquiz cards. Pure: the package reader ([`super::package`]) fills a
//! [`Collection`] from the SQLite file, and this module decides what each note becomes.
//!
//! Note types are recognised by their fields and templates, not their names, since users rename
//! them: one template asking one field and showing another is a question/answer card (typed
//! when the template has `{{type:Field}}`); two templates asking two fields both ways are a term
//! asked in reverse too (for "optional reversed" notes, only when the note has its reverse
//! card); a cloze note type gives one cloze card per cloze number. Any other note type gives a
//! card from its first template's front and back fields, with a warning naming the type.

use super::cloze::ClozeField;
use super::html;
use super::model::{Imported, ImportedCard, Skipped, TypeCount, cloze_card, qa_card, term_card};
use crate::deck::{Content, FileCard};
use std::collections::{BTreeMap, HashMap};

/// What the package reader found in the collection.
#[derive(Debug, Clone, Default)]
pub(crate) struct Collection {
    pub(crate) notetypes: Vec<Notetype>,
    /// Deck names by id, levels separated by `::`.
    pub(crate) decks: HashMap<i64, String>,
    pub(crate) notes: Vec<Note>,
    pub(crate) cards: Vec<CardRow>,
}

#[derive(Debug, Clone)]
pub(crate) struct Notetype {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) cloze: bool,
    pub(crate) fields: Vec<String>,
    pub(crate) templates: Vec<Template>,
}

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) name: String,
    pub(crate) front: String,
    pub(crate) back: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub(crate) id: i64,
    pub(crate) guid: String,
    pub(crate) notetype: i64,
    pub(crate) fields: Vec<String>,
    pub(crate) tags: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct CardRow {
    pub(crate) id: i64,
    pub(crate) note: i64,
    /// The card's home deck (for a card in a filtered deck, the deck it came from).
    pub(crate) deck: i64,
    pub(crate) ord: u32,
}

/// What a note type is taken for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// One template: a question field, an answer field, more fields shown after the answer.
    Basic {
        front: usize,
        back: usize,
        extra: Vec<usize>,
        typed: bool,
    },
    /// Two templates asking two fields both ways.
    Reversed {
        term: usize,
        definition: usize,
    },
    Cloze {
        text: usize,
        extra: Vec<usize>,
    },
    ImageOcclusion,
    /// Anything else: the first template's front and back, rendered.
    Other,
}

impl Shape {
    fn label(&self) -> &'static str {
        match self {
            Shape::Basic { typed: false, .. } => "card",
            Shape::Basic { typed: true, .. } => "card, typed answer",
            Shape::Reversed { .. } => "term, asked both ways if the note has its reverse card",
            Shape::Cloze { .. } => "cloze, one card per cloze number",
            Shape::ImageOcclusion => "not imported (image occlusion)",
            Shape::Other => "card from the first template",
        }
    }
}

/// The fields a template uses, in order of first use.
#[derive(Debug, Default)]
struct Uses {
    shown: Vec<usize>,
    typed: Vec<usize>,
    cloze: Vec<usize>,
    image_occlusion: bool,
}

fn uses(template: &str, fields: &[String]) -> Uses {
    let mut uses = Uses::default();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let tag = after[..end].trim();
        rest = &after[end + 2..];
        if tag.starts_with(['#', '^', '/', '!']) {
            continue;
        }
        let mut parts: Vec<&str> = tag.split(':').map(str::trim).collect();
        let name = parts.pop().unwrap_or_default();
        if parts.contains(&"image-occlusion") {
            uses.image_occlusion = true;
        }
        let Some(index) = fields.iter().position(|f| f == name) else {
            continue;
        };
        let list = if parts.contains(&"cloze") {
            &mut uses.cloze
        } else if parts.contains(&"type") {
            &mut uses.typed
        } else {
            &mut uses.shown
        };
        if !list.contains(&index) {
            list.push(index);
        }
    }
    uses
}

fn shape(nt: &Notetype) -> Shape {
    let templates: Vec<(Uses, Uses)> = nt
        .templates
        .iter()
        .map(|t| (uses(&t.front, &nt.fields), uses(&t.back, &nt.fields)))
        .collect();
    if templates
        .iter()
        .any(|(q, a)| q.image_occlusion || a.image_occlusion)
    {
        return Shape::ImageOcclusion;
    }
    let Some((q, a)) = templates.first() else {
        return Shape::Other;
    };
    // Fields shown on the back only.
    let back_only = |q: &Uses, a: &Uses| -> Vec<usize> {
        a.shown
            .iter()
            .chain(&a.typed)
            .copied()
            .filter(|f| !q.shown.contains(f) && !q.typed.contains(f) && !q.cloze.contains(f))
            .fold(Vec::new(), |mut v, f| {
                if !v.contains(&f) {
                    v.push(f);
                }
                v
            })
    };
    if nt.cloze {
        if let Some(&text) = q.cloze.first().or(a.cloze.first()) {
            return Shape::Cloze {
                text,
                extra: back_only(q, a),
            };
        }
    } else if templates.len() == 1 && q.shown.len() == 1 && q.cloze.is_empty() {
        let front = q.shown[0];
        if q.typed.len() == 1 {
            let back = q.typed[0];
            let extra = back_only(q, a).into_iter().filter(|&f| f != back).collect();
            return Shape::Basic {
                front,
                back,
                extra,
                typed: true,
            };
        }
        let back = back_only(q, a);
        if q.typed.is_empty()
            && let Some((&answer, extra)) = back.split_first()
        {
            return Shape::Basic {
                front,
                back: answer,
                extra: extra.to_vec(),
                typed: false,
            };
        }
    } else if templates.len() == 2 {
        let (q2, a2) = &templates[1];
        let first_back = back_only(q, a);
        let second_back = back_only(q2, a2);
        if q.shown.len() == 1
            && q2.shown.len() == 1
            && q.typed.is_empty()
            && q2.typed.is_empty()
            && first_back.first() == Some(&q2.shown[0])
            && second_back.first() == Some(&q.shown[0])
        {
            return Shape::Reversed {
                term: q.shown[0],
                definition: q2.shown[0],
            };
        }
    }
    Shape::Other
}

/// A pmquiz card id from an Anki note's guid: the guid itself when it is a valid id (as in
/// packages pmquiz exported), otherwise `anki-` and a hash of the guid. Both are stable, so a
/// second import of the same notes gives the same ids.
pub(crate) fn card_id(guid: &str) -> String {
    let valid = |id: &str| {
        !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if let Some(id) = pmquiz_card(guid).filter(|id| valid(id)) {
        id.to_string()
    } else if valid(guid) {
        guid.to_string()
    } else {
        format!("anki-{:016x}", xxhash_rust::xxh3::xxh3_64(guid.as_bytes()))
    }
}

/// The card id in a guid of a note pmquiz exported (`pmquiz:DECK:CARD`).
fn pmquiz_card(guid: &str) -> Option<&str> {
    guid.strip_prefix("pmquiz:")?
        .rsplit_once(':')
        .map(|(_, card)| card)
}

/// Converts the collection's notes to cards.
pub(crate) fn convert(col: &Collection) -> Imported {
    let mut out = Imported::default();
    let shapes: HashMap<i64, (Shape, &Notetype)> = col
        .notetypes
        .iter()
        .map(|nt| (nt.id, (shape(nt), nt)))
        .collect();
    let mut cards_of: HashMap<i64, Vec<CardRow>> = HashMap::with_capacity(col.notes.len());
    for card in &col.cards {
        cards_of.entry(card.note).or_default().push(*card);
    }
    for cards in cards_of.values_mut() {
        cards.sort_by_key(|c| c.ord);
    }
    // Per note type: notes imported, cards made.
    let mut counts: BTreeMap<(String, &'static str), (usize, usize)> = BTreeMap::new();
    let mut notes: Vec<&Note> = col.notes.iter().collect();
    notes.sort_by_key(|n| n.id);
    for note in notes {
        let Some((shape, nt)) = shapes.get(&note.notetype) else {
            out.skipped.push(Skipped {
                note: label(&note.fields),
                reason: "its note type is missing from the collection".to_string(),
            });
            continue;
        };
        let cards = cards_of.get(&note.id).map_or(&[][..], Vec::as_slice);
        let texts: Vec<html::Text> = note.fields.iter().map(|f| html::to_text(f)).collect();
        for t in &texts {
            out.media.extend(t.media.iter().cloned());
        }
        let deck_of = |ord: Option<u32>| -> String {
            let card = match ord {
                Some(o) => cards.iter().find(|c| c.ord == o),
                None => cards.first(),
            };
            card.and_then(|c| col.decks.get(&c.deck))
                .cloned()
                .unwrap_or_else(|| "Default".to_string())
        };
        let made = note_cards(nt, shape, note, &texts, cards);
        match made {
            Ok(made) => {
                let count = counts.entry((nt.name.clone(), shape.label())).or_default();
                count.0 += 1;
                count.1 += made.len();
                let single = made.len() == 1;
                for (ord, content, explain, anki_cards) in made {
                    // A cloze card pmquiz exported is one Anki card, numbered 1: it keeps its id.
                    let id = match ord {
                        Some(1) if pmquiz_card(&note.guid).is_some() && single => {
                            card_id(&note.guid)
                        }
                        Some(n) => format!("{}-c{n}", card_id(&note.guid)),
                        None => card_id(&note.guid),
                    };
                    out.cards.push(ImportedCard {
                        deck: deck_of(ord.map(|n| n - 1)),
                        card: FileCard {
                            id: Some(id),
                            tags: note.tags.clone(),
                            explain,
                            content,
                        },
                        anki_cards,
                    });
                }
            }
            Err(reason) => out.skipped.push(Skipped {
                note: format!("{} ({})", label(&note.fields), nt.name),
                reason,
            }),
        }
    }
    for ((name, label), (notes, cards)) in counts {
        out.by_type.push(TypeCount {
            name,
            unit: "note",
            mapped_as: label,
            notes,
            cards,
        });
    }
    let mut warned = Vec::new();
    for (shape, nt) in shapes.values() {
        if *shape == Shape::Other && col.notes.iter().any(|n| n.notetype == nt.id) {
            warned.push(format!(
                "note type \"{}\" is not Basic, reversed, typed or Cloze: its notes became cards showing what its first template (\"{}\") shows on the front and the back",
                nt.name,
                nt.templates.first().map_or("", |t| t.name.as_str())
            ));
        }
    }
    warned.sort();
    out.warnings.extend(warned);
    out
}

/// A made card: its cloze number (for cloze notes), content, explanation and the Anki cards
/// whose history it takes.
type Made = (Option<u32>, Content, Option<String>, Vec<i64>);

fn note_cards(
    nt: &Notetype,
    shape: &Shape,
    note: &Note,
    texts: &[html::Text],
    cards: &[CardRow],
) -> Result<Vec<Made>, String> {
    let all: Vec<i64> = cards.iter().map(|c| c.id).collect();
    let text = |i: usize| texts.get(i).map_or("", |t| t.text.as_str());
    let name = |i: usize| -> String { format!("field {}", i + 1) };
    let required = |i: usize, what: &str| -> Result<String, String> {
        let t = text(i);
        if !t.is_empty() {
            return Ok(t.to_string());
        }
        let has_media = texts.get(i).is_some_and(|t| !t.media.is_empty());
        Err(if has_media {
            format!("its {what} is only media (images and sounds are not carried)")
        } else {
            format!("its {what} ({}) is empty", name(i))
        })
    };
    let explain = |fields: &[usize]| -> Option<String> {
        let parts: Vec<&str> = fields
            .iter()
            .map(|&i| text(i))
            .filter(|t| !t.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    };
    match shape {
        Shape::Basic {
            front,
            back,
            extra,
            typed,
        } => {
            let question = required(*front, "front")?;
            let answer = required(*back, "back")?;
            let content = qa_card(question, answer, *typed);
            Ok(vec![(None, content, explain(extra), all)])
        }
        Shape::Reversed { term, definition } => {
            let term_text = required(*term, "front")?;
            let definition_text = required(*definition, "back")?;
            // "Optional reversed" notes ask backwards only when they have that card.
            let reverse = cards.is_empty() || cards.iter().any(|c| c.ord == 1);
            let content = term_card(term_text, definition_text, reverse);
            Ok(vec![(None, content, None, all)])
        }
        Shape::Cloze { text: field, extra } => {
            let parsed = ClozeField::parse(text(*field));
            let numbers: Vec<u32> = if cards.is_empty() {
                parsed.numbers()
            } else {
                cards.iter().map(|c| c.ord + 1).collect()
            };
            let mut made = Vec::new();
            for n in numbers {
                if let Some(cloze) = parsed.card(n) {
                    let anki = cards
                        .iter()
                        .filter(|c| c.ord + 1 == n)
                        .map(|c| c.id)
                        .collect();
                    made.push((Some(n), cloze_card(cloze), explain(extra), anki));
                }
            }
            if made.is_empty() {
                return Err(if parsed.numbers().is_empty() {
                    "its cloze text has no {{c1::...}} deletion".to_string()
                } else {
                    "its cloze deletions are empty".to_string()
                });
            }
            Ok(made)
        }
        Shape::ImageOcclusion => {
            Err("image occlusion notes need their image, which pmquiz cannot show".to_string())
        }
        Shape::Other => {
            let template = nt.templates.first();
            let front_html = template.map_or_else(String::new, |t| {
                render_template(&t.front, &nt.fields, &note.fields, "")
            });
            let back_html = template.map_or_else(String::new, |t| {
                render_template(&t.back, &nt.fields, &note.fields, &front_html)
            });
            let question = html::to_text(&front_html).text;
            let answer = html::to_text(answer_part(&back_html, &front_html)).text;
            // The card asks what the first template asks: it takes that card's history only.
            let first: Vec<i64> = cards.iter().filter(|c| c.ord == 0).map(|c| c.id).collect();
            if question.is_empty() || answer.is_empty() {
                return Err(format!(
                    "its first template shows no text on the {}",
                    if question.is_empty() { "front" } else { "back" }
                ));
            }
            let content = qa_card(question, answer, false);
            Ok(vec![(None, content, None, first)])
        }
    }
}

/// Renders an Anki card template for a note: `{{Field}}` (with filters such as `text:`),
/// `{{#Field}}...{{/Field}}` shown when the field has text, `{{^Field}}...{{/Field}}` when it
/// has none, `{{FrontSide}}`. Typing boxes and special fields (`{{Tags}}`, `{{Deck}}`, ...)
/// render as nothing.
fn render_template(template: &str, names: &[String], values: &[String], front: &str) -> String {
    let value = |name: &str| -> Option<&str> {
        names
            .iter()
            .position(|n| n == name)
            .and_then(|i| values.get(i))
            .map(String::as_str)
    };
    let non_empty = |name: &str| value(name).is_some_and(|v| !html::to_text(v).text.is_empty());
    let mut out = String::new();
    // Sections open around the current position, and whether their content is shown.
    let mut shown: Vec<(String, bool)> = Vec::new();
    let visible = |shown: &[(String, bool)]| shown.iter().all(|s| s.1);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if visible(&shown) {
            out.push_str(&rest[..start]);
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = "";
            break;
        };
        let tag = after[..end].trim();
        rest = &after[end + 2..];
        if let Some(name) = tag.strip_prefix('#') {
            shown.push((name.trim().to_string(), non_empty(name.trim())));
        } else if let Some(name) = tag.strip_prefix('^') {
            shown.push((name.trim().to_string(), !non_empty(name.trim())));
        } else if let Some(name) = tag.strip_prefix('/') {
            if let Some(i) = shown.iter().rposition(|s| s.0 == name.trim()) {
                shown.truncate(i);
            }
        } else if visible(&shown) {
            let mut parts: Vec<&str> = tag.split(':').map(str::trim).collect();
            let name = parts.pop().unwrap_or_default();
            if name == "FrontSide" {
                out.push_str(front);
            } else if !parts.contains(&"type")
                && let Some(v) = value(name)
            {
                if parts.contains(&"cloze") {
                    out.push_str(&ClozeField::parse(v).plain());
                } else {
                    out.push_str(v);
                }
            }
        }
    }
    if visible(&shown) {
        out.push_str(rest);
    }
    out
}

/// The part of a rendered back template that is the answer: what follows Anki's answer rule
/// (`<hr id=answer>`), or what follows the front side.
fn answer_part<'a>(back: &'a str, front: &str) -> &'a str {
    let lower = back.to_ascii_lowercase();
    for marker in ["<hr id=answer", "<hr id=\"answer\"", "<hr id='answer'"] {
        if let Some(i) = lower.find(marker) {
            let after = &back[i..];
            return after.find('>').map_or("", |j| &after[j + 1..]);
        }
    }
    back.strip_prefix(front).unwrap_or(back)
}

/// A short name for a note in messages: its first field with text, cut at 50 characters.
fn label(fields: &[String]) -> String {
    let text = fields
        .iter()
        .map(|f| html::to_text(f).text)
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let first_line = text.lines().next().unwrap_or_default();
    let mut short: String = first_line.chars().take(50).collect();
    if short.len() < first_line.len() {
        short.push('…');
    }
    format!("\"{short}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nt(
        id: i64,
        name: &str,
        cloze: bool,
        fields: &[&str],
        templates: &[(&str, &str)],
    ) -> Notetype {
        Notetype {
            id,
            name: name.to_string(),
            cloze,
            fields: fields.iter().map(|f| f.to_string()).collect(),
            templates: templates
                .iter()
                .enumerate()
                .map(|(i, (q, a))| Template {
                    name: format!("Card {}", i + 1),
                    front: q.to_string(),
                    back: a.to_string(),
                })
                .collect(),
        }
    }

    fn basic(id: i64, name: &str) -> Notetype {
        nt(
            id,
            name,
            false,
            &["Front", "Back"],
            &[("{{Front}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}")],
        )
    }

    #[test]
    fn note_types_are_recognised_by_their_templates_not_their_names() {
        assert_eq!(
            shape(&basic(1, "Whatever")),
            Shape::Basic {
                front: 0,
                back: 1,
                extra: vec![],
                typed: false
            }
        );
        let typed = nt(
            2,
            "Spelling",
            false,
            &["Front", "Back"],
            &[(
                "{{Front}}\n\n{{type:Back}}",
                "{{Front}}<hr id=answer>{{type:Back}}",
            )],
        );
        assert!(matches!(
            shape(&typed),
            Shape::Basic {
                typed: true,
                back: 1,
                ..
            }
        ));
        let both = nt(
            3,
            "Vocabulary",
            false,
            &["Front", "Back"],
            &[
                ("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
                ("{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"),
            ],
        );
        assert_eq!(
            shape(&both),
            Shape::Reversed {
                term: 0,
                definition: 1
            }
        );
        let optional = nt(
            4,
            "Optional",
            false,
            &["Front", "Back", "Add Reverse"],
            &[
                ("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
                (
                    "{{#Add Reverse}}{{Back}}{{/Add Reverse}}",
                    "{{FrontSide}}<hr id=answer>{{Front}}",
                ),
            ],
        );
        assert_eq!(
            shape(&optional),
            Shape::Reversed {
                term: 0,
                definition: 1
            }
        );
        let cloze = nt(
            5,
            "My cloze",
            true,
            &["Text", "Back Extra"],
            &[("{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")],
        );
        assert_eq!(
            shape(&cloze),
            Shape::Cloze {
                text: 0,
                extra: vec![1]
            }
        );
        let with_notes = nt(
            6,
            "Basic+",
            false,
            &["Q", "A", "Notes"],
            &[("{{Q}}", "{{FrontSide}}<hr id=answer>{{A}}<br>{{Notes}}")],
        );
        assert_eq!(
            shape(&with_notes),
            Shape::Basic {
                front: 0,
                back: 1,
                extra: vec![2],
                typed: false
            }
        );
        let other = nt(
            7,
            "Country facts",
            false,
            &["Country", "Capital", "Population"],
            &[
                (
                    "Capital of {{Country}}?",
                    "{{FrontSide}}<hr id=answer>{{Capital}}",
                ),
                (
                    "People in {{Country}}?",
                    "{{FrontSide}}<hr id=answer>{{Population}}",
                ),
            ],
        );
        assert_eq!(shape(&other), Shape::Other);
        let io = nt(
            8,
            "IO",
            true,
            &["Occlusion", "Image"],
            &[(
                "{{cloze:Occlusion}}{{image-occlusion:Occlusion}}",
                "{{cloze:Occlusion}}",
            )],
        );
        assert_eq!(shape(&io), Shape::ImageOcclusion);
    }

    fn note(id: i64, guid: &str, notetype: i64, fields: &[&str]) -> Note {
        Note {
            id,
            guid: guid.to_string(),
            notetype,
            fields: fields.iter().map(|f| f.to_string()).collect(),
            tags: vec!["t".to_string()],
        }
    }

    fn card(id: i64, note: i64, deck: i64, ord: u32) -> CardRow {
        CardRow {
            id,
            note,
            deck,
            ord,
        }
    }

    #[test]
    fn other_note_types_show_what_their_first_template_shows() {
        let names: Vec<String> = ["Country", "Capital", "Notes"].map(String::from).to_vec();
        let values: Vec<String> = ["Spain", "<b>Madrid</b>", ""].map(String::from).to_vec();
        let front = render_template(
            "What is the capital of {{text:Country}}?{{#Notes}} ({{Notes}}){{/Notes}}{{^Notes}}!{{/Notes}} {{Tags}}",
            &names,
            &values,
            "",
        );
        assert_eq!(html::to_text(&front).text, "What is the capital of Spain?!");
        let back = render_template(
            "{{FrontSide}}\n\n<hr id=answer>\n\n{{Capital}}{{type:Capital}}",
            &names,
            &values,
            &front,
        );
        assert_eq!(html::to_text(answer_part(&back, &front)).text, "Madrid");
        assert_eq!(answer_part("Q A", "Q"), " A");
    }

    #[test]
    fn notes_become_cards_with_ids_from_their_guids() {
        let cloze = nt(
            5,
            "Cloze",
            true,
            &["Text", "Back Extra"],
            &[("{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}")],
        );
        let col = Collection {
            notetypes: vec![basic(1, "Basic"), cloze],
            decks: HashMap::from([(1, "A".to_string()), (2, "A::B".to_string())]),
            notes: vec![
                note(10, "k2H#Vp86,z", 1, &["<b>Q</b>", "A<br>B"]),
                note(11, "plain-guid", 1, &["Flag", "<img src=\"f.png\">"]),
                note(12, "c", 5, &["{{c1::x}} and {{c2::y::hint}}", "extra"]),
            ],
            cards: vec![
                card(100, 10, 1, 0),
                card(101, 11, 1, 0),
                card(102, 12, 1, 0),
                card(103, 12, 2, 1),
            ],
        };
        let imported = convert(&col);
        assert_eq!(imported.cards.len(), 3);
        let first = &imported.cards[0];
        assert_eq!(
            first.card.id.as_deref(),
            Some(card_id("k2H#Vp86,z").as_str())
        );
        assert!(card_id("k2H#Vp86,z").starts_with("anki-"));
        // Notes pmquiz exported keep their card ids.
        assert_eq!(card_id("pmquiz:my-deck:faq-03"), "faq-03");
        assert!(card_id("pmquiz:d:chart/focus").starts_with("anki-"));
        assert_eq!(first.deck, "A");
        assert_eq!(first.anki_cards, [100]);
        let Content::Card {
            question, answer, ..
        } = &first.card.content
        else {
            panic!()
        };
        assert_eq!((question.as_str(), answer.as_str()), ("Q", "A\nB"));
        assert_eq!(imported.cards[1].card.id.as_deref(), Some("c-c1"));
        assert_eq!(imported.cards[2].card.id.as_deref(), Some("c-c2"));
        assert_eq!(imported.cards[2].deck, "A::B");
        assert_eq!(imported.cards[2].anki_cards, [103]);
        assert_eq!(imported.cards[2].card.explain.as_deref(), Some("extra"));
        assert_eq!(imported.skipped.len(), 1);
        assert!(
            imported.skipped[0].reason.contains("only media"),
            "{:?}",
            imported.skipped
        );
        assert_eq!(imported.media.iter().collect::<Vec<_>>(), ["f.png"]);
        assert_eq!(imported.by_type.len(), 2);
    }
}
