//! Planning the deck files of an import: which cards go into which file, and checking each
//! deck with the deck loader before anything is written.

use super::model::{Imported, ImportedCard, Skipped};
use crate::deck::{DeckFile, FileCard, Origin, parse_deck, slug, to_toml};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Where the decks go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Every card in one deck file (`-o FILE`); cards of several source decks are tagged with
    /// their deck's name.
    File(PathBuf),
    /// One deck file per source deck, in this folder (`--into DIR`, by default the user's deck
    /// folder).
    Dir(PathBuf),
}

/// A deck file to write: its header, and where each of its cards comes from (the index of the
/// source file and of the card in it). The cards themselves are only gathered when the deck is
/// checked ([`validate`]), one deck at a time.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) path: PathBuf,
    pub(crate) deck: DeckFile,
    pub(crate) from: Vec<(usize, usize)>,
    /// Whether each card is tagged with its source deck's name (one file for several decks).
    tag_decks: bool,
    /// Cards that more than one of the files brought (the same note, by its id, in two exports
    /// of one collection), each imported once.
    pub(crate) repeated: Vec<Repeated>,
}

/// A card found, by its id, in an earlier file of the same import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repeated {
    /// The card, as the user would recognise it.
    pub(crate) note: String,
    /// The files (indexes of the sources) that had it first and again.
    pub(crate) first: usize,
    pub(crate) again: usize,
    /// Whether the two differ; the later file's card is then the one imported.
    pub(crate) changed: bool,
}

impl Planned {
    /// The deck with its cards.
    pub(crate) fn deck_file(&self, imported: &[&Imported]) -> DeckFile {
        let mut deck = self.deck.clone();
        deck.cards = self
            .from
            .iter()
            .map(|&(s, c)| {
                let card = &imported[s].cards[c];
                let mut file_card = card.card.clone();
                if self.tag_decks && !file_card.tags.contains(&card.deck) {
                    file_card.tags.push(card.deck.clone());
                }
                file_card
            })
            .collect();
        deck
    }
}

/// Groups the imported cards into deck files. `sources` names each file for the decks'
/// `source` line.
pub(crate) fn plan(imported: &[&Imported], sources: &[String], target: &Target) -> Vec<Planned> {
    let source_line = format!("Imported by pmquiz from {}", sources.join(", "));
    // Source decks in order of first appearance, each with its cards.
    let mut decks: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (s, i) in imported.iter().enumerate() {
        for (c, card) in i.cards.iter().enumerate() {
            let at = *index.entry(card.deck.as_str()).or_insert_with(|| {
                decks.push((card.deck.as_str(), Vec::new()));
                decks.len() - 1
            });
            decks[at].1.push((s, c));
        }
    }
    let header = |id: String, name: String| DeckFile {
        id,
        name,
        description: String::new(),
        source: source_line.clone(),
        cards: Vec::new(),
    };
    match target {
        Target::File(path) => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "imported".to_string());
            let name = match decks.as_slice() {
                [(only, _)] => only.to_string(),
                _ => stem.clone(),
            };
            let mut from: Vec<(usize, usize)> = decks.iter().flat_map(|d| d.1.clone()).collect();
            let repeated = merge_repeated(&mut from, imported);
            vec![Planned {
                path: path.clone(),
                deck: header(slug(&stem), name),
                tag_decks: decks.len() > 1,
                from,
                repeated,
            }]
        }
        Target::Dir(dir) => {
            let mut used: HashSet<String> = HashSet::new();
            decks
                .into_iter()
                .map(|(name, mut from)| {
                    let repeated = merge_repeated(&mut from, imported);
                    let base = slug(name);
                    let mut id = base.clone();
                    let mut n = 2;
                    while used.contains(&id) {
                        id = format!("{base}-{n}");
                        n += 1;
                    }
                    used.insert(id.clone());
                    Planned {
                        path: dir.join(format!("{id}.toml")),
                        deck: header(id, name.to_string()),
                        from,
                        tag_decks: false,
                        repeated,
                    }
                })
                .collect()
        }
    }
}

/// Keeps one card of each id that more than one file brought into a deck (`from`, as in
/// [`Planned`]): two exports of one collection (an `.apkg` and a `.colpkg`, say) give the same
/// notes the same ids. The card stays where it first came; when the two differ, the later
/// file's card takes its place, as a later export holds the later edit. Cards of one file with
/// the same id are left for the deck loader to report.
fn merge_repeated(from: &mut Vec<(usize, usize)>, imported: &[&Imported]) -> Vec<Repeated> {
    let mut repeated = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(from.len());
    for &(s, c) in from.iter() {
        let card = &imported[s].cards[c];
        let Some(id) = card.card.id.as_deref() else {
            kept.push((s, c));
            continue;
        };
        match first.get(id) {
            Some(&at) if kept[at].0 != s => {
                let (was_s, was_c) = kept[at];
                let was = &imported[was_s].cards[was_c];
                let changed = !same_card(was, card);
                repeated.push(Repeated {
                    note: describe(&card.card),
                    first: was_s,
                    again: s,
                    changed,
                });
                if changed {
                    kept[at] = (s, c);
                }
            }
            _ => {
                first.entry(id).or_insert(kept.len());
                kept.push((s, c));
            }
        }
    }
    *from = kept;
    repeated
}

/// Whether two imported cards are the same: deck, tags, explanation and what they ask.
fn same_card(a: &ImportedCard, b: &ImportedCard) -> bool {
    let content = |c: &ImportedCard| serde_json::to_string(&c.card.content).ok();
    a.deck == b.deck
        && a.card.tags == b.card.tags
        && a.card.explain == b.card.explain
        && content(a) == content(b)
}

/// A planned deck rendered and checked by the deck loader: its text, the cards the loader
/// refused (dropped from the deck, with its message) and how many cards remain.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub(crate) text: String,
    pub(crate) dropped: Vec<Skipped>,
    pub(crate) cards: usize,
    /// The cards written, each with its id and where it comes from (as in [`Planned`]).
    pub(crate) written: Vec<(String, (usize, usize))>,
}

/// Renders a deck and reads it back with the deck loader. Cards the loader refuses are dropped
/// (and reported) and the rest rendered again, so that what is written always loads; `None`
/// when no card is left.
pub(crate) fn validate(planned: &Planned, imported: &[&Imported]) -> Option<Checked> {
    let mut deck = planned.deck_file(imported);
    let mut from = planned.from.clone();
    let mut dropped = Vec::new();
    let name = planned.path.display().to_string();
    loop {
        if deck.cards.is_empty() {
            return None;
        }
        let written = to_toml(&deck);
        match parse_deck(&written.text, &name, &deck.id, Origin::BuiltIn) {
            Ok(loaded) => {
                let written_ids = loaded
                    .cards
                    .iter()
                    .map(|c| c.id.clone())
                    .zip(from)
                    .collect();
                return Some(Checked {
                    text: written.text,
                    dropped,
                    cards: loaded.card_count(),
                    written: written_ids,
                });
            }
            Err(diagnostics) => {
                let mut bad: Vec<(usize, String)> = diagnostics
                    .iter()
                    .filter_map(|d| Some((written.card_at(d.line)?, d.message.clone())))
                    .collect();
                if bad.is_empty() {
                    // A problem outside the cards (the header): nothing can be written.
                    return None;
                }
                bad.sort_by_key(|b| std::cmp::Reverse(b.0));
                bad.dedup_by_key(|b| b.0);
                for (index, message) in bad {
                    let card = deck.cards.remove(index);
                    from.remove(index);
                    dropped.push(Skipped {
                        note: describe(&card),
                        reason: format!("pmquiz cannot use it: {message}"),
                    });
                }
            }
        }
    }
}

/// A card's first words, to name it in messages.
fn describe(card: &FileCard) -> String {
    use crate::deck::Content;
    let text = match &card.content {
        Content::Card { question, .. } | Content::Choice { question, .. } => question.clone(),
        Content::Term { term, .. } => term.clone(),
        Content::Statement { text, .. } => text.clone(),
        Content::Cloze { cloze, .. } => cloze.filled(),
        Content::Table { subjects, .. } => subjects.join(" / "),
    };
    let first = text.lines().next().unwrap_or_default();
    let mut short: String = first.chars().take(40).collect();
    if short.len() < first.len() {
        short.push('…');
    }
    format!("\"{short}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::{ImportedCard, qa_card};
    use std::path::PathBuf;

    fn card(deck: &str, q: &str) -> ImportedCard {
        ImportedCard {
            deck: deck.to_string(),
            card: FileCard {
                id: None,
                tags: Vec::new(),
                explain: None,
                content: qa_card(q.to_string(), "a".to_string(), false),
            },
            anki_cards: Vec::new(),
        }
    }

    fn imported(cards: Vec<ImportedCard>) -> Imported {
        Imported {
            cards,
            ..Imported::default()
        }
    }

    #[test]
    fn one_file_per_deck_or_one_file_with_deck_tags() {
        let i = imported(vec![
            card("Geo::Capitals", "q1"),
            card("Geo", "q2"),
            card("Geo::Capitals", "q3"),
        ]);
        let sources = vec!["x.apkg".to_string()];
        let per_deck = plan(&[&i], &sources, &Target::Dir(PathBuf::from("out")));
        assert_eq!(per_deck.len(), 2);
        assert_eq!(per_deck[0].path, PathBuf::from("out/geo-capitals.toml"));
        assert_eq!(per_deck[0].deck.name, "Geo::Capitals");
        assert_eq!(per_deck[0].deck_file(&[&i]).cards.len(), 2);
        assert_eq!(per_deck[0].from, [(0, 0), (0, 2)]);
        assert_eq!(per_deck[1].from, [(0, 1)]);
        let one = plan(&[&i], &sources, &Target::File(PathBuf::from("all.toml")));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].deck.id, "all");
        // Cards are grouped by source deck, each tagged with it.
        assert_eq!(one[0].from, [(0, 0), (0, 2), (0, 1)]);
        assert_eq!(one[0].deck_file(&[&i]).cards[2].tags, ["Geo"]);
    }

    #[test]
    fn a_note_in_two_files_is_imported_once_as_the_later_file_has_it() {
        let with_id = |deck: &str, q: &str, id: &str| {
            let mut c = card(deck, q);
            c.card.id = Some(id.to_string());
            c
        };
        // Two exports of one collection: n2 edited in the later one, n4 only in the later
        // one, and a card without an id in both (nothing says it is the same note).
        let older = imported(vec![
            with_id("D", "one", "n1"),
            with_id("D", "two", "n2"),
            with_id("E", "three", "n3"),
            card("D", "plain"),
        ]);
        let newer = imported(vec![
            with_id("D", "one", "n1"),
            with_id("D", "two, edited", "n2"),
            with_id("E", "three", "n3"),
            with_id("D", "four", "n4"),
            card("D", "plain"),
        ]);
        let sources = vec!["old.apkg".to_string(), "new.colpkg".to_string()];
        let per_deck = plan(
            &[&older, &newer],
            &sources,
            &Target::Dir(PathBuf::from("out")),
        );
        assert_eq!(per_deck.len(), 2);
        // Each card where it first came, n2 from the later file; the plain cards are left to
        // the loader.
        assert_eq!(per_deck[0].from, [(0, 0), (1, 1), (0, 3), (1, 3), (1, 4)]);
        assert_eq!(per_deck[1].from, [(0, 2)]);
        let repeat = |note: &str, changed| Repeated {
            note: format!("\"{note}\""),
            first: 0,
            again: 1,
            changed,
        };
        assert_eq!(
            per_deck[0].repeated,
            [repeat("one", false), repeat("two, edited", true)]
        );
        assert_eq!(per_deck[1].repeated, [repeat("three", false)]);
        // One file for every deck: the same, deck by deck.
        let one = plan(
            &[&older, &newer],
            &sources,
            &Target::File(PathBuf::from("all.toml")),
        );
        assert_eq!(
            one[0].from,
            [(0, 0), (1, 1), (0, 3), (1, 3), (1, 4), (0, 2)]
        );
        assert_eq!(one[0].repeated.len(), 3);
        // The same id twice in one file is not a repeat: the loader reports it.
        let twice = imported(vec![with_id("D", "a", "n1"), with_id("D", "b", "n1")]);
        let p = plan(&[&twice], &sources[..1], &Target::Dir(PathBuf::from("out")));
        assert_eq!(p[0].from, [(0, 0), (0, 1)]);
        assert!(p[0].repeated.is_empty());
    }

    #[test]
    fn cards_the_loader_refuses_are_dropped_and_reported() {
        let i = imported(vec![
            card("D", "same"),
            card("D", "other"),
            card("D", "same"),
        ]);
        let p = plan(
            &[&i],
            &["x.csv".to_string()],
            &Target::File(PathBuf::from("d.toml")),
        );
        let checked = validate(&p[0], &[&i]).expect("cards remain");
        assert_eq!(checked.cards, 2);
        assert_eq!(checked.dropped.len(), 1);
        let kept: Vec<(usize, usize)> = checked.written.iter().map(|w| w.1).collect();
        assert_eq!(kept, [(0, 0), (0, 1)]);
        assert!(
            checked.dropped[0].reason.contains("duplicate card id"),
            "{:?}",
            checked.dropped
        );
        parse_deck(&checked.text, "d.toml", "d", Origin::BuiltIn).expect("valid");
    }
}
