//! Delimited text: CSV and TSV (read with the csv crate), including Anki's text export with its
//! `#separator:`, `#html:`, `#columns:`, `#tags column:`, `#deck column:`, `#notetype column:`
//! and `#guid column:` headers, and Quizlet's export (term and definition, one card a line, or
//! the custom separators given with `--separator` / `--card-separator`).

use super::anki::card_id;
use super::cloze::{ClozeField, has_cloze};
use super::html;
use super::model::{Imported, ImportedCard, Skipped, TypeCount, cloze_card, qa_card, term_card};
use crate::deck::FileCard;
use std::collections::BTreeMap;

/// Separators given on the command line (`--separator`, `--card-separator`): the file is then
/// read as Quizlet writes it, without quoting, each card cut at its first separator.
#[derive(Debug, Clone, Default)]
pub(crate) struct Separators {
    pub(crate) field: Option<String>,
    pub(crate) card: Option<String>,
}

/// A problem that stops the import of the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct TextError {
    /// 1-based line, where the problem is on one line.
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

fn error(line: Option<usize>, message: impl Into<String>) -> TextError {
    TextError {
        line,
        message: message.into(),
    }
}

/// Reads a separator name as Anki's `#separator:` header and pmquiz's flags write it.
pub(crate) fn separator_named(name: &str) -> Option<String> {
    let sep = match name.trim().to_ascii_lowercase().as_str() {
        "tab" | "\\t" => "\t",
        "comma" => ",",
        "semicolon" => ";",
        "space" => " ",
        "pipe" => "|",
        "colon" => ":",
        "newline" | "\\n" => "\n",
        _ if !name.is_empty() => return Some(name.to_string()),
        _ => return None,
    };
    Some(sep.to_string())
}

/// Anki's file headers.
#[derive(Debug, Default)]
struct Headers {
    separator: Option<String>,
    html: Option<bool>,
    columns: Option<Vec<String>>,
    tags_column: Option<usize>,
    deck_column: Option<usize>,
    notetype_column: Option<usize>,
    guid_column: Option<usize>,
    notetype: Option<String>,
    deck: Option<String>,
    tags: Vec<String>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Field,
    Tags,
    Deck,
    Notetype,
    Guid,
    Explain,
}

/// Parses a delimited file. `deck` names the deck of cards without a deck column; `tsv` is the
/// extension's hint when the file says nothing of its separator.
pub(crate) fn parse(
    text: &str,
    deck: &str,
    tsv: bool,
    separators: &Separators,
) -> Result<Imported, TextError> {
    let (headers, body_line, body) = headers(text)?;
    let mut out = Imported::default();
    let html = headers.html.unwrap_or(false);
    let rows: Vec<(usize, Vec<String>)> = if separators.field.is_some() || separators.card.is_some()
    {
        split_rows(body, body_line, separators)?
    } else {
        let sep = headers
            .separator
            .clone()
            .unwrap_or_else(|| sniff(body, tsv).to_string());
        csv_rows(body, body_line, &sep)?
    };
    if rows.is_empty() {
        return Err(error(None, "no cards: the file has no rows"));
    }

    // Column roles: Anki's headers, else a header row of known names, else position.
    let width = rows[0].1.len();
    let mut roles = vec![Role::Field; width];
    let mut first = 0;
    let named = headers
        .columns
        .clone()
        .or_else(|| header_row(&rows[0].1).then(|| rows[0].1.clone()));
    if let Some(names) = &named {
        if headers.columns.is_none() {
            first = 1;
        }
        for (i, name) in names.iter().enumerate().take(width) {
            roles[i] = role_named(name);
        }
    }
    for (column, role) in [
        (headers.tags_column, Role::Tags),
        (headers.deck_column, Role::Deck),
        (headers.notetype_column, Role::Notetype),
        (headers.guid_column, Role::Guid),
    ] {
        if let Some(c) = column {
            if c == 0 || c > width {
                return Err(error(
                    None,
                    format!("the header names column {c}, but rows have {width} columns"),
                ));
            }
            roles[c - 1] = role;
        }
    }
    let fields: Vec<usize> = (0..width).filter(|&i| roles[i] == Role::Field).collect();
    if fields.len() < 2
        && !rows
            .iter()
            .any(|(_, r)| fields.first().is_some_and(|&f| has_cloze(&r[f])))
    {
        return Err(error(
            Some(rows[0].0),
            "only one column of card text: a card needs a question and an answer. If the file \
             uses another separator, give it with --separator (for example --separator tab)",
        ));
    }

    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for (line, row) in rows.iter().skip(first) {
        if row.len() != width {
            return Err(error(
                Some(*line),
                format!(
                    "this row has {} fields, the first row has {width}: every row needs the same \
                     number of fields (quote a field that contains the separator, \"like, this\")",
                    row.len()
                ),
            ));
        }
        let value = |i: usize| -> String {
            if html {
                let t = html::to_text(&row[i]);
                t.text
            } else {
                row[i].trim().to_string()
            }
        };
        let column = |role: Role| (0..width).find(|&i| roles[i] == role);
        let mut tags: Vec<String> = headers.tags.clone();
        if let Some(c) = column(Role::Tags) {
            tags.extend(row[c].split_whitespace().map(str::to_string));
        }
        let deck_name = column(Role::Deck)
            .map(|c| row[c].trim().to_string())
            .filter(|d| !d.is_empty())
            .or_else(|| headers.deck.clone())
            .unwrap_or_else(|| deck.to_string());
        let notetype = column(Role::Notetype)
            .map(|c| row[c].trim().to_string())
            .or_else(|| headers.notetype.clone())
            .unwrap_or_default()
            .to_lowercase();
        let id = column(Role::Guid)
            .map(|c| row[c].trim())
            .filter(|g| !g.is_empty())
            .map(card_id);
        // "Basic (optional reversed card)": the third field says whether to ask backwards.
        let optional_reverse = notetype.contains("optional") && notetype.contains("revers");
        let explain_parts: Vec<String> = (0..width)
            .filter(|&i| roles[i] == Role::Explain)
            .chain(
                fields
                    .iter()
                    .skip(if optional_reverse { 3 } else { 2 })
                    .copied(),
            )
            .map(value)
            .filter(|t| !t.is_empty())
            .collect();
        let explain = (!explain_parts.is_empty()).then(|| explain_parts.join("\n"));
        if html {
            for &i in &fields {
                out.media.extend(html::to_text(&row[i]).media);
            }
        }
        let label = |text: &str| format!("line {line} (\"{}\")", short(text));
        let front = value(fields[0]);
        let back = fields.get(1).map(|&f| value(f)).unwrap_or_default();

        if notetype.contains("cloze") || has_cloze(&front) {
            let parsed = ClozeField::parse(&front);
            let mut made = 0;
            for n in parsed.numbers() {
                if let Some(cloze) = parsed.card(n) {
                    made += 1;
                    out.cards.push(ImportedCard {
                        deck: deck_name.clone(),
                        card: FileCard {
                            id: id.as_ref().map(|id| format!("{id}-c{n}")),
                            tags: tags.clone(),
                            explain: (!back.is_empty()).then(|| back.clone()).or(explain.clone()),
                            content: cloze_card(cloze),
                        },
                        anki_cards: Vec::new(),
                    });
                }
            }
            if made == 0 {
                out.skipped.push(Skipped {
                    note: label(&parsed.plain()),
                    reason: "its cloze text has no {{c1::...}} deletion with text".to_string(),
                });
                continue;
            }
            let count = counts.entry("cloze").or_default();
            count.0 += 1;
            count.1 += made;
            continue;
        }
        let missing = if front.is_empty() {
            Some(("front", 0))
        } else if back.is_empty() {
            Some(("back", 1))
        } else {
            None
        };
        if let Some((side, index)) = missing {
            let only_media = html
                && fields
                    .get(index)
                    .is_some_and(|&f| !html::to_text(&row[f]).media.is_empty());
            out.skipped.push(Skipped {
                note: label(if front.is_empty() { &back } else { &front }),
                reason: if only_media {
                    format!("its {side} is only media (images and sounds are not carried)")
                } else {
                    format!("its {side} is empty")
                },
            });
            continue;
        }
        let (kind, content) = if notetype.contains("revers") {
            let reverse = !optional_reverse || fields.get(2).is_some_and(|&f| !value(f).is_empty());
            ("term", term_card(front, back, reverse))
        } else {
            let typed = notetype.contains("type");
            (
                if typed { "card, typed answer" } else { "card" },
                qa_card(front, back, typed),
            )
        };
        let count = counts.entry(kind).or_default();
        count.0 += 1;
        count.1 += 1;
        out.cards.push(ImportedCard {
            deck: deck_name,
            card: FileCard {
                id,
                tags,
                explain,
                content,
            },
            anki_cards: Vec::new(),
        });
    }
    for (kind, (notes, cards)) in counts {
        out.by_type.push(TypeCount {
            name: "rows".to_string(),
            unit: "row",
            mapped_as: kind,
            notes,
            cards,
        });
    }
    Ok(out)
}

/// Reads Anki's `#key:value` header lines; returns them, the line where the body starts and
/// the body.
fn headers(text: &str) -> Result<(Headers, usize, &str), TextError> {
    let mut h = Headers::default();
    let mut rest = text;
    let mut line = 1;
    while let Some(header) = rest.strip_prefix('#') {
        let (this, next) = header.split_once('\n').unwrap_or((header, ""));
        let Some((key, value)) = this.trim_end_matches('\r').split_once(':') else {
            break;
        };
        let value = value.trim();
        let column = |v: &str| -> Result<usize, TextError> {
            v.parse::<usize>().ok().filter(|&c| c > 0).ok_or_else(|| {
                error(
                    Some(line),
                    format!("`#{key}:` needs a column number from 1, found `{v}`"),
                )
            })
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => h.separator = separator_named(value),
            "html" => h.html = Some(value.eq_ignore_ascii_case("true")),
            "tags column" => h.tags_column = Some(column(value)?),
            "deck column" => h.deck_column = Some(column(value)?),
            "notetype column" => h.notetype_column = Some(column(value)?),
            "guid column" => h.guid_column = Some(column(value)?),
            "notetype" => h.notetype = Some(value.to_string()),
            "deck" => h.deck = Some(value.to_string()),
            "tags" => h.tags = value.split_whitespace().map(str::to_string).collect(),
            "columns" => h.columns = Some(value.split('\t').map(str::to_string).collect()),
            // Other headers of Anki's (`#if matches:` and the like) do not change the cards.
            _ => {}
        }
        rest = next;
        line += 1;
    }
    if let Some(cols) = &mut h.columns
        && let Some(sep) = &h.separator
        && sep != "\t"
        && cols.len() == 1
    {
        *cols = cols[0].split(sep.as_str()).map(str::to_string).collect();
    }
    Ok((h, line, rest))
}

/// The separator of a file that names none: a tab if the first line has one (or the file ends
/// in `.tsv`), otherwise a semicolon or a comma, whichever the first line has more of.
fn sniff(body: &str, tsv: bool) -> &'static str {
    let first = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if tsv || first.contains('\t') {
        "\t"
    } else if first.matches(';').count() > first.matches(',').count() {
        ";"
    } else {
        ","
    }
}

fn csv_rows(
    body: &str,
    first_line: usize,
    sep: &str,
) -> Result<Vec<(usize, Vec<String>)>, TextError> {
    let &[byte] = sep.as_bytes() else {
        return Err(error(
            None,
            format!(
                "the separator {sep:?} is not one character: give it with --separator to split on it"
            ),
        ));
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(byte)
        .from_reader(body.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize + first_line - 1);
            error(line, format!("cannot read this row: {e}"))
        })?;
        let line = record
            .position()
            .map_or(first_line, |p| p.line() as usize + first_line - 1);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

/// Quizlet's export: cards cut at the card separator, each card at its first field separator.
fn split_rows(
    body: &str,
    first_line: usize,
    separators: &Separators,
) -> Result<Vec<(usize, Vec<String>)>, TextError> {
    let field = separators.field.clone().unwrap_or_else(|| "\t".to_string());
    let card = separators.card.clone().unwrap_or_else(|| "\n".to_string());
    let mut rows = Vec::new();
    let mut line = first_line;
    for chunk in body.split(card.as_str()) {
        let here = line;
        line += chunk.matches('\n').count() + card.matches('\n').count();
        let chunk = chunk.trim_matches(['\r', '\n']);
        if chunk.trim().is_empty() {
            continue;
        }
        let Some((front, back)) = chunk.split_once(field.as_str()) else {
            return Err(error(
                Some(here),
                format!("this card has no separator {field:?} between its term and its definition"),
            ));
        };
        rows.push((here, vec![front.to_string(), back.to_string()]));
    }
    Ok(rows)
}

fn role_named(name: &str) -> Role {
    match name.trim().to_ascii_lowercase().as_str() {
        "tags" | "tag" => Role::Tags,
        "deck" => Role::Deck,
        "notetype" | "note type" | "type" => Role::Notetype,
        "guid" | "id" => Role::Guid,
        "explain" | "extra" | "back extra" | "notes" | "explanation" => Role::Explain,
        _ => Role::Field,
    }
}

/// Whether a first row names its columns (`front,back`, `question,answer`, `term,definition`).
fn header_row(row: &[String]) -> bool {
    let known = [
        "front",
        "back",
        "question",
        "answer",
        "term",
        "definition",
        "text",
        "tags",
        "deck",
        "notetype",
        "note type",
        "guid",
        "id",
        "explain",
        "extra",
        "back extra",
        "notes",
    ];
    row.iter()
        .filter(|c| !c.trim().is_empty())
        .all(|c| known.contains(&c.trim().to_ascii_lowercase().as_str()))
        && row.iter().any(|c| !c.trim().is_empty())
}

fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut s: String = line.chars().take(40).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Content;

    fn parse_ok(text: &str) -> Imported {
        parse(text, "deck", false, &Separators::default()).expect("parses")
    }

    fn qa(card: &ImportedCard) -> (String, String) {
        match &card.card.content {
            Content::Card {
                question, answer, ..
            } => (question.clone(), answer.clone()),
            Content::Term {
                term, definition, ..
            } => (term.clone(), definition.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_csv_and_tsv() {
        let i = parse_ok("Hello,Hola\n\"Thank you, really\",\"Gracias\nmuchas\"\n");
        assert_eq!(i.cards.len(), 2);
        assert_eq!(
            qa(&i.cards[1]),
            ("Thank you, really".into(), "Gracias\nmuchas".into())
        );
        let i = parse_ok("perro\tdog\ngato\tcat\n");
        assert_eq!(qa(&i.cards[0]), ("perro".into(), "dog".into()));
        let i = parse_ok("a;b\nc;d\n");
        assert_eq!(qa(&i.cards[1]), ("c".into(), "d".into()));
        assert_eq!(i.cards[0].deck, "deck");
    }

    #[test]
    fn a_header_row_names_the_columns() {
        let i = parse_ok("Tags,Back,Front\nx y,Paris,Capital of France?\n");
        assert_eq!(i.cards.len(), 1);
        assert_eq!(
            qa(&i.cards[0]),
            ("Paris".into(), "Capital of France?".into())
        );
        assert_eq!(i.cards[0].card.tags, ["x", "y"]);
    }

    #[test]
    fn anki_text_export_headers() {
        let text = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\
                    k2H#Vp86,z\tBasic\tGeo::Capitals\tCapital of <b>France</b>?\tParis<br>France\teurope capitals\n\
                    abc\tBasic (and reversed card)\tGeo\tIsthmus\tA narrow strip\t\n\
                    cz\tCloze\tChem\t{{c1::Water}} is {{c2::wet}}\tExtra\t\n\
                    ty\tBasic (type in the answer)\tChem\tSymbol for gold\tAu\t\n";
        let i = parse_ok(text);
        assert_eq!(i.cards.len(), 5);
        assert_eq!(
            qa(&i.cards[0]),
            ("Capital of France?".into(), "Paris\nFrance".into())
        );
        assert_eq!(i.cards[0].deck, "Geo::Capitals");
        assert_eq!(i.cards[0].card.tags, ["europe", "capitals"]);
        assert_eq!(i.cards[0].card.id, Some(card_id("k2H#Vp86,z")));
        assert!(matches!(
            i.cards[1].card.content,
            Content::Term { reverse: true, .. }
        ));
        assert_eq!(i.cards[1].card.id.as_deref(), Some("abc"));
        assert_eq!(i.cards[2].card.id.as_deref(), Some("cz-c1"));
        assert_eq!(i.cards[3].card.id.as_deref(), Some("cz-c2"));
        assert_eq!(i.cards[3].card.explain.as_deref(), Some("Extra"));
        assert!(matches!(
            i.cards[4].card.content,
            Content::Card { typed: true, .. }
        ));
    }

    #[test]
    fn ragged_rows_are_an_error_naming_the_line() {
        let e = parse("a,b\nc,d,e\n", "d", false, &Separators::default()).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("3 fields"), "{e}");
        let e = parse(
            "just one column\nanother\n",
            "d",
            false,
            &Separators::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("--separator"), "{e}");
    }

    #[test]
    fn empty_sides_are_skipped_with_their_line() {
        let i = parse_ok("a,b\n,only back\nonly front,\n");
        assert_eq!(i.cards.len(), 1);
        assert_eq!(i.skipped.len(), 2);
        assert!(i.skipped[0].note.starts_with("line 2"), "{:?}", i.skipped);
        assert_eq!(i.skipped[1].reason, "its back is empty");
    }

    #[test]
    fn quizlet_custom_separators_cut_at_the_first_separator() {
        let seps = Separators {
            field: separator_named("comma"),
            card: separator_named(";"),
        };
        let i = parse("dog,perro, can;cat,gato;\n", "q", false, &seps).unwrap();
        assert_eq!(i.cards.len(), 2);
        assert_eq!(qa(&i.cards[0]), ("dog".into(), "perro, can".into()));
        let seps = Separators {
            field: separator_named(" - "),
            card: separator_named("\n\n"),
        };
        let i = parse("dog - perro\nline two\n\ncat - gato\n", "q", false, &seps).unwrap();
        assert_eq!(qa(&i.cards[0]), ("dog".into(), "perro\nline two".into()));
        assert_eq!(qa(&i.cards[1]), ("cat".into(), "gato".into()));
    }
}
