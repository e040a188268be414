//! Decks as text: CSV or TSV with Anki's headers, one note a line, so that Anki's text import
//! (File → Import) takes the file as it is, into its stock note types; and Markdown in
//! hashcards' format. Pure: the text is built in memory.
//!
//! Anki's stock note types have two fields: a card's explanation goes after its answer on the
//! back of a Basic note and into "Back Extra" of a cloze note; terms asked both ways and typed
//! cards keep their back as it is (the back is the question of a reversed card, and what a
//! typed answer is compared with), so their explanations are left out.

use super::notes::{Note, NoteKind, guid, html, notes_of};
use crate::deck::Deck;

/// CSV (`,`) or TSV (tab).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Separator {
    Comma,
    Tab,
}

/// The decks as delimited text with Anki's headers: guid, note type, deck, the two fields, tags.
pub(crate) fn delimited(decks: &[Deck], separator: Separator) -> anyhow::Result<String> {
    let (name, byte) = match separator {
        Separator::Comma => ("comma", b','),
        Separator::Tab => ("tab", b'\t'),
    };
    let mut out = format!(
        "#separator:{name}\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n"
    );
    let mut writer = csv::WriterBuilder::new()
        .delimiter(byte)
        .has_headers(false)
        .from_writer(Vec::new());
    for deck in decks {
        for note in notes_of(deck) {
            let (front, back) = fields(&note);
            writer.write_record([
                guid(&deck.id, &note.review_id).as_str(),
                note.kind.name(),
                deck.name.as_str(),
                &front,
                &back,
                &note.tags.join(" "),
            ])?;
        }
    }
    out.push_str(&String::from_utf8(writer.into_inner()?)?);
    Ok(out)
}

/// The two fields of a stock note, as HTML.
fn fields(note: &Note) -> (String, String) {
    match note.kind {
        NoteKind::Cloze => (html(&note.front), html(&note.extra)),
        NoteKind::Basic if !note.extra.is_empty() => (
            html(&note.front),
            format!("{}<br><br>{}", html(&note.back), html(&note.extra)),
        ),
        _ => (html(&note.front), html(&note.back)),
    }
}

/// A deck in hashcards' Markdown: TOML front matter with the deck's name, `Q:`/`A:` cards (a
/// term asked both ways gives one each way) and `C:` cloze cards with `[deletions]`; the
/// explanation follows a card's answer.
pub(crate) fn markdown(deck: &Deck) -> String {
    let mut out = format!(
        "---\nname = {}\n---\n",
        toml::Value::String(deck.name.clone())
    );
    for note in notes_of(deck) {
        out.push('\n');
        let answer = |back: &str| {
            if note.extra.is_empty() {
                md(back)
            } else {
                format!("{}\n\n{}", md(back), md(&note.extra))
            }
        };
        match note.kind {
            NoteKind::Cloze => {
                let text = deletions(&note.front);
                out.push_str(&format!("C: {}\n", md(&text)));
            }
            NoteKind::Reversed => {
                out.push_str(&format!(
                    "Q: {}\nA: {}\n\n",
                    md(&note.front),
                    answer(&note.back)
                ));
                out.push_str(&format!("Q: {}\nA: {}\n", md(&note.back), md(&note.front)));
            }
            NoteKind::Basic | NoteKind::Typed | NoteKind::OneWay => {
                out.push_str(&format!(
                    "Q: {}\nA: {}\n",
                    md(&note.front),
                    answer(&note.back)
                ));
            }
        }
    }
    out
}

/// `{{c1::answer}}` as hashcards' `[answer]`, with literal brackets escaped.
fn deletions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{c1::") {
        out.push_str(&escape_brackets(&rest[..start]));
        let after = &rest[start + 6..];
        let end = after.find("}}").unwrap_or(after.len());
        out.push('[');
        out.push_str(
            &escape_brackets(&after[..end])
                .replace("\\[", "(")
                .replace("\\]", ")"),
        );
        out.push(']');
        rest = after.get(end + 2..).unwrap_or("");
    }
    out.push_str(&escape_brackets(rest));
    out
}

fn escape_brackets(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

/// Text kept from being read as hashcards' markup: a line that would start a card or separate
/// cards is indented by a space.
fn md(text: &str) -> String {
    text.lines()
        .map(|line| {
            let marker =
                ["Q:", "A:", "C:"].iter().any(|m| line.starts_with(m)) || line.trim() == "---";
            if marker {
                format!(" {}", if line.trim() == "---" { "- - -" } else { line })
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Origin, parse_deck};

    fn deck() -> Deck {
        let src = "[deck]\nid = \"geo\"\nname = \"Geo \\\"basics\\\"\"\n\
            [[card]]\nid = \"fr\"\nquestion = \"Capital of France?\"\nanswer = \"Paris, \\\"the city\\\"\"\nexplain = \"On the Seine\"\ntags = [\"europe\", \"capitals\"]\n\
            [[term]]\nid = \"fjord\"\nterm = \"Fjord\"\ndefinition = \"A narrow inlet\"\n\
            [[cloze]]\nid = \"z\"\ntext = \"The [old] {{Lean}} method\"\n\
            [[card]]\nid = \"q\"\nquestion = \"Q: a tricky line\"\nanswer = \"x\"\n";
        parse_deck(src, "geo.toml", "geo", Origin::BuiltIn).unwrap()
    }

    #[test]
    fn delimited_text_with_anki_headers() {
        let tsv = delimited(&[deck()], Separator::Tab).unwrap();
        let lines: Vec<&str> = tsv.lines().collect();
        assert_eq!(lines[0], "#separator:tab");
        assert_eq!(lines[5], "#tags column:6");
        assert_eq!(
            lines[6],
            "pmquiz:geo:fr\tBasic\t\"Geo \"\"basics\"\"\"\tCapital of France?\t\"Paris, \"\"the city\"\"<br><br>On the Seine\"\teurope capitals"
        );
        assert_eq!(
            lines[7],
            "pmquiz:geo:fjord\tBasic (and reversed card)\t\"Geo \"\"basics\"\"\"\tFjord\tA narrow inlet\t"
        );
        assert!(lines[8].contains("\tCloze\t"), "{}", lines[8]);
        let csv = delimited(&[deck()], Separator::Comma).unwrap();
        assert!(csv.starts_with("#separator:comma\n"));
        // Anki's own headers read back by pmquiz's importer give the same cards.
        let back = crate::import::delimited::parse(&csv, "x", false, &Default::default()).unwrap();
        assert_eq!(back.cards.len(), 4);
    }

    #[test]
    fn markdown_in_hashcards_format() {
        let md = markdown(&deck());
        assert!(
            md.starts_with("---\nname = 'Geo \"basics\"'\n---\n"),
            "{md}"
        );
        assert!(
            md.contains("Q: Capital of France?\nA: Paris, \"the city\"\n\nOn the Seine\n"),
            "{md}"
        );
        assert!(
            md.contains("Q: Fjord\nA: A narrow inlet\n\nQ: A narrow inlet\nA: Fjord\n"),
            "{md}"
        );
        assert!(md.contains("C: The \\[old\\] [Lean] method\n"), "{md}");
        assert!(md.contains("Q:  Q: a tricky line\n"), "{md}");
        // hashcards' format read back by pmquiz's importer.
        let back = crate::import::markdown::parse(&md, "x").unwrap();
        assert_eq!(back.cards.len(), 5);
        assert!(back.cards.iter().all(|c| c.deck == "Geo \"basics\""));
    }
}
