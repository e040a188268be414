//! An Anki package's content, built from pmquiz decks: note types, decks, notes, cards and (with
//! the history) review-log rows, as the rows of a schema-11 collection (`collection.anki21`,
//! which every Anki since 2.1 opens). Pure: [`super::package`] writes the rows to SQLite and zip.
//!
//! The four note types are Anki's stock ones (Basic, Basic (and reversed card), Basic (type in
//! the answer), Cloze) with one more field, "Explanation" (for a cloze, "Back Extra"), shown on
//! the back. They keep fixed ids, so a package exported again updates the same note types in
//! Anki, and notes keep guids made from their deck and card ids, so Anki updates the notes.

use super::notes::{Note, NoteKind, guid, html};
use crate::deck::Deck;
use crate::schedule::{CardState, Phase, Rating, Scheduler};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

/// One answer of a card's history, as the export reads it from the store.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub(crate) at: DateTime<Utc>,
    /// `None` for practice (an answer that did not move the schedule).
    pub(crate) rating: Option<Rating>,
    pub(crate) correct: bool,
    pub(crate) duration: Duration,
}

/// A card's history and schedule, by review id.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CardHistory {
    /// Oldest first.
    pub(crate) answers: Vec<Answer>,
    pub(crate) state: Option<CardState>,
}

/// The rows of the collection.
#[derive(Debug, Clone, Default)]
pub(crate) struct Collection {
    /// Creation time (`col.crt`): the start of the export's day, UTC.
    pub(crate) created: i64,
    pub(crate) now_ms: i64,
    pub(crate) models: String,
    pub(crate) decks: String,
    pub(crate) deck_config: String,
    pub(crate) notes: Vec<NoteRow>,
    pub(crate) cards: Vec<CardRow>,
    pub(crate) revlog: Vec<RevlogRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteRow {
    pub(crate) id: i64,
    pub(crate) guid: String,
    pub(crate) notetype: i64,
    /// Space-separated, with a space at each end, as Anki stores them.
    pub(crate) tags: String,
    /// Fields separated by `\x1f`.
    pub(crate) fields: String,
    /// The first field, for sorting.
    pub(crate) sort_field: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardRow {
    pub(crate) id: i64,
    pub(crate) note: i64,
    pub(crate) deck: i64,
    pub(crate) ord: u32,
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub(crate) kind: i64,
    /// 0 new, 1 learning, 2 review.
    pub(crate) queue: i64,
    /// New: position; learning: Unix seconds; review: days since `created`.
    pub(crate) due: i64,
    pub(crate) interval: i64,
    pub(crate) factor: i64,
    pub(crate) reps: i64,
    pub(crate) lapses: i64,
    pub(crate) left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RevlogRow {
    pub(crate) id: i64,
    pub(crate) card: i64,
    pub(crate) ease: i64,
    pub(crate) interval: i64,
    pub(crate) last_interval: i64,
    pub(crate) factor: i64,
    pub(crate) time: i64,
    pub(crate) kind: i64,
}

/// The note type ids pmquiz's packages use, one per kind, fixed for good.
fn notetype_id(kind: NoteKind) -> i64 {
    match kind {
        NoteKind::Basic => 1_700_000_000_101,
        NoteKind::Reversed => 1_700_000_000_102,
        NoteKind::Typed => 1_700_000_000_103,
        NoteKind::Cloze => 1_700_000_000_104,
        NoteKind::OneWay => 1_700_000_000_105,
    }
}

/// Builds the collection of `decks`. With `history` (per deck, per review id), cards carry
/// their schedule and the answers become review-log rows.
pub(crate) fn build(
    decks: &[Deck],
    history: Option<&[HashMap<String, CardHistory>]>,
    now: DateTime<Utc>,
) -> Collection {
    let now_ms = now.timestamp_millis();
    let created = now.timestamp().div_euclid(86_400) * 86_400;
    let mut col = Collection {
        created,
        now_ms,
        models: models_json(now.timestamp()),
        deck_config: deck_config_json(),
        ..Collection::default()
    };
    let mut decks_json = serde_json::Map::new();
    decks_json.insert("1".to_string(), deck_json(1, "Default", now.timestamp()));
    let scheduler = Scheduler::default();
    let mut next_id = now_ms;
    let mut id = || {
        next_id += 1;
        next_id
    };
    let mut revlog_ids: std::collections::HashSet<i64> = std::collections::HashSet::new();
    let mut position = 0;
    for (d, deck) in decks.iter().enumerate() {
        let deck_id = id();
        decks_json.insert(
            deck_id.to_string(),
            deck_json(deck_id, &deck.name, now.timestamp()),
        );
        for note in super::notes::notes_of(deck) {
            let note_id = id();
            col.notes.push(note_row(note_id, &deck.id, &note));
            let card_history = history.and_then(|h| h[d].get(&note.review_id));
            for ord in 0..note.kind.cards() {
                let card_id = id();
                position += 1;
                let mut card = CardRow {
                    id: card_id,
                    note: note_id,
                    deck: deck_id,
                    ord,
                    kind: 0,
                    queue: 0,
                    due: position,
                    interval: 0,
                    factor: 0,
                    reps: 0,
                    lapses: 0,
                    left: 0,
                };
                if let Some(h) = card_history {
                    if let Some(state) = &h.state {
                        schedule(&mut card, state, created);
                    }
                    // A term's history goes with its first card; its reverse card is the same
                    // memory in pmquiz, and scheduled alike.
                    if ord == 0 {
                        col.revlog.extend(revlog_rows(
                            card_id,
                            &h.answers,
                            &scheduler,
                            &mut revlog_ids,
                        ));
                    }
                }
                col.cards.push(card);
            }
        }
    }
    col.decks = serde_json::Value::Object(decks_json).to_string();
    col
}

fn note_row(id: i64, deck_id: &str, note: &Note) -> NoteRow {
    let mut fields = vec![html(&note.front)];
    if note.kind != NoteKind::Cloze {
        fields.push(html(&note.back));
    }
    if note.kind == NoteKind::OneWay {
        // "Add Reverse", left empty: Anki makes no reverse card.
        fields.push(String::new());
    }
    fields.push(html(&note.extra));
    let tags = if note.tags.is_empty() {
        String::new()
    } else {
        format!(" {} ", note.tags.join(" "))
    };
    NoteRow {
        id,
        guid: guid(deck_id, &note.review_id),
        notetype: notetype_id(note.kind),
        tags,
        sort_field: fields[0].clone(),
        fields: fields.join("\u{1f}"),
    }
}

/// Sets a card's scheduling columns from its pmquiz schedule.
fn schedule(card: &mut CardRow, state: &CardState, created: i64) {
    card.reps = i64::from(state.reps);
    card.lapses = i64::from(state.lapses);
    card.factor = 2500;
    let days = (state.due - state.last_review).num_days().max(1);
    match state.phase {
        Phase::New => {}
        Phase::Learning | Phase::Relearning => {
            card.kind = if state.phase == Phase::Learning { 1 } else { 3 };
            card.queue = 1;
            card.due = state.due.timestamp();
            card.left = 1;
            if state.phase == Phase::Relearning {
                card.interval = 1;
            }
        }
        Phase::Review => {
            card.kind = 2;
            card.queue = 2;
            card.due = (state.due.timestamp() - created).div_euclid(86_400);
            card.interval = days;
        }
    }
}

/// The review-log rows of a card's answers. The interval of each row (days, or seconds as a
/// negative number for a learning step) and its kind (learning, review, relearning) come from
/// replaying the answers through pmquiz's scheduler; practice answers become rows of a
/// filtered deck that does not reschedule, as Anki logs cramming.
fn revlog_rows(
    card: i64,
    answers: &[Answer],
    scheduler: &Scheduler,
    used: &mut std::collections::HashSet<i64>,
) -> Vec<RevlogRow> {
    let mut rows = Vec::with_capacity(answers.len());
    let mut state: Option<CardState> = None;
    let mut last_interval = 0;
    for a in answers {
        // Review-log ids are the review's time in milliseconds, unique in the collection.
        let mut id = a.at.timestamp_millis();
        while !used.insert(id) {
            id += 1;
        }
        let time = i64::try_from(a.duration.as_millis())
            .unwrap_or(i64::MAX)
            .min(60_000);
        let Some(rating) = a.rating else {
            rows.push(RevlogRow {
                id,
                card,
                ease: if a.correct { 3 } else { 1 },
                interval: 0,
                last_interval,
                factor: 0,
                time,
                kind: 3,
            });
            continue;
        };
        let kind = match state.as_ref().map(|s| s.phase) {
            None | Some(Phase::New | Phase::Learning) => 0,
            Some(Phase::Review) => 1,
            Some(Phase::Relearning) => 2,
        };
        let next = scheduler.review(state.as_ref(), rating, a.at);
        let interval = if next.phase == Phase::Review {
            (next.due - a.at).num_days().max(1)
        } else {
            -(next.due - a.at).num_seconds().max(1)
        };
        rows.push(RevlogRow {
            id,
            card,
            ease: i64::from(rating.as_u8()),
            interval,
            last_interval,
            factor: 2500,
            time,
            kind,
        });
        last_interval = interval;
        state = Some(next);
    }
    rows
}

fn deck_json(id: i64, name: &str, now: i64) -> serde_json::Value {
    json!({
        "id": id, "name": name, "mod": now, "usn": -1, "desc": "", "dyn": 0, "conf": 1,
        "collapsed": false, "browserCollapsed": false, "extendNew": 0, "extendRev": 0,
        "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
    })
}

fn deck_config_json() -> String {
    json!({"1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true,
        "timer": 0, "replayq": true, "dyn": false,
        "new": {"bury": false, "delays": [1.0, 10.0], "initialFactor": 2500,
                "ints": [1, 4, 0], "order": 1, "perDay": 20},
        "rev": {"bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
                "hardFactor": 1.2},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
    }})
    .to_string()
}

const CSS: &str = ".card {\n    font-family: arial;\n    font-size: 20px;\n    line-height: 1.5;\n    text-align: center;\n    color: black;\n    background-color: white;\n}\n.cloze {\n    font-weight: bold;\n    color: blue;\n}\n";

fn models_json(now: i64) -> String {
    let explanation = "{{#Explanation}}<br><br><i>{{Explanation}}</i>{{/Explanation}}";
    let back = |field: &str| {
        format!("{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{{field}}}}}{explanation}")
    };
    let mut models = serde_json::Map::new();
    for kind in NoteKind::ALL {
        let (fields, templates): (&[&str], Vec<(&str, String, String)>) = match kind {
            NoteKind::Basic => (
                &["Front", "Back", "Explanation"],
                vec![("Card 1", "{{Front}}".to_string(), back("Back"))],
            ),
            NoteKind::Reversed => (
                &["Front", "Back", "Explanation"],
                vec![
                    ("Card 1", "{{Front}}".to_string(), back("Back")),
                    ("Card 2", "{{Back}}".to_string(), back("Front")),
                ],
            ),
            NoteKind::OneWay => (
                &["Front", "Back", "Add Reverse", "Explanation"],
                vec![
                    ("Card 1", "{{Front}}".to_string(), back("Back")),
                    (
                        "Card 2",
                        "{{#Add Reverse}}{{Back}}{{/Add Reverse}}".to_string(),
                        back("Front"),
                    ),
                ],
            ),
            NoteKind::Typed => (
                &["Front", "Back", "Explanation"],
                vec![(
                    "Card 1",
                    "{{Front}}\n\n{{type:Back}}".to_string(),
                    format!("{{{{Front}}}}\n\n<hr id=answer>\n\n{{{{type:Back}}}}{explanation}"),
                )],
            ),
            NoteKind::Cloze => (
                &["Text", "Back Extra"],
                vec![(
                    "Cloze",
                    "{{cloze:Text}}".to_string(),
                    "{{cloze:Text}}<br>\n{{Back Extra}}".to_string(),
                )],
            ),
        };
        let id = notetype_id(kind);
        let flds: Vec<serde_json::Value> = fields
            .iter()
            .enumerate()
            .map(|(ord, name)| {
                json!({"name": name, "ord": ord, "sticky": false, "rtl": false,
                       "font": "Arial", "size": 20, "media": []})
            })
            .collect();
        let tmpls: Vec<serde_json::Value> = templates
            .iter()
            .enumerate()
            .map(|(ord, (name, q, a))| {
                json!({"name": name, "ord": ord, "qfmt": q, "afmt": a, "bqfmt": "",
                       "bafmt": "", "did": null, "bfont": "", "bsize": 0})
            })
            .collect();
        // Which fields a card needs to exist (Anki recomputes this on import).
        let req: Vec<serde_json::Value> = match kind {
            NoteKind::Reversed => vec![json!([0, "any", [0]]), json!([1, "any", [1]])],
            NoteKind::OneWay => vec![json!([0, "any", [0]]), json!([1, "all", [1, 2]])],
            _ => vec![json!([0, "any", [0]])],
        };
        models.insert(
            id.to_string(),
            json!({
                "id": id, "name": kind.name(), "type": i32::from(kind == NoteKind::Cloze),
                "mod": now, "usn": -1, "sortf": 0, "did": null, "tmpls": tmpls, "flds": flds,
                "css": CSS, "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
                "latexPost": "\\end{document}", "latexsvg": false, "req": req, "tags": [],
                "vers": [],
            }),
        );
    }
    serde_json::Value::Object(models).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Origin, parse_deck};
    use chrono::{TimeDelta, TimeZone};

    fn deck() -> Deck {
        let src = "[deck]\nid = \"geo\"\nname = \"Geography\"\n\
            [[card]]\nid = \"fr\"\nquestion = \"Capital of France?\"\nanswer = \"Paris\"\ntags = [\"europe\"]\n\
            [[term]]\nid = \"fjord\"\nterm = \"Fjord\"\ndefinition = \"A <narrow> inlet\"\n\
            [[cloze]]\nid = \"z\"\ntext = \"{{Lean}} and {{TQM}}\"\nexplain = \"Two methods\"\n";
        parse_deck(src, "geo.toml", "geo", Origin::BuiltIn).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
    }

    #[test]
    fn notes_cards_and_guids() {
        let col = build(&[deck()], None, now());
        assert_eq!(col.notes.len(), 3);
        assert_eq!(col.cards.len(), 4);
        assert_eq!(col.notes[0].guid, "pmquiz:geo:fr");
        assert_eq!(col.notes[0].fields, "Capital of France?\u{1f}Paris\u{1f}");
        assert_eq!(col.notes[0].tags, " europe ");
        assert_eq!(
            col.notes[1].fields,
            "Fjord\u{1f}A &lt;narrow&gt; inlet\u{1f}"
        );
        assert_eq!(
            col.notes[2].fields,
            "{{c1::Lean}} and {{c1::TQM}}\u{1f}Two methods"
        );
        assert_eq!(col.notes[2].notetype, notetype_id(NoteKind::Cloze));
        assert_eq!(col.cards[2].ord, 1);
        assert!(col.cards.iter().all(|c| c.queue == 0));
        assert!(col.revlog.is_empty());
        let models: serde_json::Value = serde_json::from_str(&col.models).unwrap();
        assert_eq!(models.as_object().unwrap().len(), 5);
        let decks: serde_json::Value = serde_json::from_str(&col.decks).unwrap();
        assert!(
            decks
                .as_object()
                .unwrap()
                .values()
                .any(|d| d["name"] == "Geography")
        );
    }

    #[test]
    fn history_becomes_review_log_rows_and_schedules() {
        let s = Scheduler::default();
        let t0 = now() - TimeDelta::days(20);
        let answers = vec![
            Answer {
                at: t0,
                rating: Some(Rating::Again),
                correct: false,
                duration: Duration::from_secs(5),
            },
            Answer {
                at: t0 + TimeDelta::minutes(2),
                rating: Some(Rating::Good),
                correct: true,
                duration: Duration::from_secs(90),
            },
            Answer {
                at: t0 + TimeDelta::days(3),
                rating: None,
                correct: true,
                duration: Duration::from_secs(2),
            },
            Answer {
                at: t0 + TimeDelta::days(5),
                rating: Some(Rating::Good),
                correct: true,
                duration: Duration::from_secs(3),
            },
        ];
        let state = s.replay(answers.iter().filter_map(|a| Some((a.at, a.rating?))), None);
        let history = HashMap::from([(
            "fr".to_string(),
            CardHistory {
                answers: answers.clone(),
                state: state.clone(),
            },
        )]);
        let col = build(&[deck()], Some(&[history]), now());
        let rows: Vec<(i64, i64, i64)> = col
            .revlog
            .iter()
            .map(|r| (r.ease, r.kind, r.factor))
            .collect();
        assert_eq!(rows, [(1, 0, 2500), (3, 0, 2500), (3, 3, 0), (3, 1, 2500)]);
        assert!(col.revlog[0].interval < 0, "a learning step in seconds");
        assert!(col.revlog[1].interval >= 1, "graduated: days");
        assert_eq!(col.revlog[1].time, 60_000, "Anki caps the time at a minute");
        let card = &col.cards[0];
        let state = state.unwrap();
        assert_eq!((card.kind, card.queue), (2, 2));
        assert_eq!(
            card.due,
            (state.due.timestamp() - col.created).div_euclid(86_400)
        );
        assert_eq!(card.reps, 3);
    }
}
