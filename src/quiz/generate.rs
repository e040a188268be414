//! The question generator: cards in, questions out, every random choice taken from the seeded
//! generator it is given. Work is linear in the deck size: an item list and answer pools are
//! built once, and distractors are drawn by random probing rather than by comparing all pairs.

use super::question::{Body, Kind, Question};
use super::text::{normalize, reads_as_list, word_count};
use crate::deck::{Card, Content, Deck, Row};
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

/// Which cards and question kinds a session may use.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Allowed question kinds; never empty.
    pub kinds: Vec<Kind>,
    /// When not empty, only cards carrying at least one of these tags.
    pub tags: Vec<String>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            kinds: Kind::ALL.to_vec(),
            tags: Vec::new(),
        }
    }
}

const MAX_OPTIONS: usize = 4;
/// Answers of more words than this are long: typed only with keywords or as a list.
const LONG_ANSWER_WORDS: usize = 4;
const GAP: &str = "_____";

/// One way of asking an item. Cheap to enumerate; the text is only built for chosen variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Flash {
        reverse: bool,
    },
    Mcq {
        reverse: bool,
    },
    Typed,
    Tf {
        truthful: bool,
    },
    Blank {
        example: usize,
    },
    /// Table: which subject does cell `cell` belong to?
    WhichSubject {
        cell: usize,
    },
    /// Table: what is subject `subject`'s value for the aspect?
    WhichValue {
        subject: usize,
    },
    /// Table: cell `cell` attributed to subject `claimed`.
    TableTf {
        cell: usize,
        claimed: usize,
    },
}

impl Variant {
    fn kind(self) -> Kind {
        match self {
            Variant::Flash { .. } => Kind::Flash,
            Variant::Mcq { .. } | Variant::WhichSubject { .. } | Variant::WhichValue { .. } => {
                Kind::Mcq
            }
            Variant::Typed => Kind::Typed,
            Variant::Tf { .. } | Variant::TableTf { .. } => Kind::Tf,
            Variant::Blank { .. } => Kind::Blank,
        }
    }
}

/// A reviewable item: a card, or one row of a table card.
#[derive(Clone, Copy)]
struct Item<'d> {
    deck: usize,
    card: &'d Card,
    row: Option<&'d Row>,
}

impl<'d> Item<'d> {
    fn card_id(&self) -> String {
        match self.row {
            Some(row) => format!("{}/{}", self.card.id, row.id),
            None => self.card.id.clone(),
        }
    }

    fn tags(&self) -> Vec<String> {
        let mut tags = self.row.map(|r| r.tags.clone()).unwrap_or_default();
        for t in &self.card.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags
    }

    fn explain(&self) -> Option<String> {
        self.row
            .and_then(|r| r.explain.clone())
            .or_else(|| self.card.explain.clone())
    }
}

/// Answer texts of one deck, grouped so distractors can be drawn without scanning the deck.
///
/// Building it only collects references; normalized forms, which cost far more, are computed
/// when a question first needs them, so that a few questions from a large deck stay cheap.
struct Pools<'d> {
    /// Answers of question/answer cards, with the card's tags.
    answers: Vec<(&'d str, &'d [String])>,
    /// `(term, definition)` of term cards.
    terms: Vec<(&'d str, &'d str)>,
    /// Every table cell.
    cells: Vec<&'d str>,
    /// Whether the question/answer cards have at least two different answers.
    varied_answers: bool,
    /// Whether the term cards have at least two different terms.
    varied_terms: bool,
    terms_index: OnceCell<TermIndex<'d>>,
}

/// The distinct terms of a deck and the definitions each one has.
struct TermIndex<'d> {
    /// Distinct terms, in order of appearance.
    distinct: Vec<&'d str>,
    /// The same terms, normalized.
    norms: Vec<String>,
    /// The definitions of each normalized term: as written, and normalized once a question
    /// first asks about that term.
    definitions: HashMap<String, (Vec<&'d str>, OnceCell<HashSet<String>>)>,
}

impl<'d> TermIndex<'d> {
    fn new(terms: &[(&'d str, &'d str)]) -> Self {
        let mut index = TermIndex {
            distinct: Vec::new(),
            norms: Vec::new(),
            definitions: HashMap::new(),
        };
        for &(term, definition) in terms {
            let norm = normalize(term);
            match index.definitions.get_mut(&norm) {
                Some((definitions, _)) => definitions.push(definition),
                None => {
                    index.distinct.push(term);
                    index.norms.push(norm.clone());
                    index
                        .definitions
                        .insert(norm, (vec![definition], OnceCell::new()));
                }
            }
        }
        index
    }

    /// Whether some term card pairs the term with the definition (both normalized).
    fn pairs(&self, term: &str, definition: &str) -> bool {
        self.definitions.get(term).is_some_and(|(written, norms)| {
            norms
                .get_or_init(|| written.iter().map(|d| normalize(d)).collect())
                .contains(definition)
        })
    }
}

impl<'d> Pools<'d> {
    fn new(deck: &'d Deck) -> Self {
        let mut pools = Pools {
            answers: Vec::new(),
            terms: Vec::new(),
            cells: Vec::new(),
            varied_answers: false,
            varied_terms: false,
            terms_index: OnceCell::new(),
        };
        // Normalizing every answer and term only to tell whether two differ is costly: stop at
        // the first difference.
        let mut first_answer: Option<String> = None;
        let mut first_term: Option<String> = None;
        let differs = |first: &mut Option<String>, text: &str| match first {
            None => {
                *first = Some(normalize(text));
                false
            }
            Some(first) => *first != normalize(text),
        };
        for card in &deck.cards {
            match &card.content {
                Content::Card { answer, .. } => {
                    pools.answers.push((answer, &card.tags));
                    if !pools.varied_answers {
                        pools.varied_answers = differs(&mut first_answer, answer);
                    }
                }
                Content::Term {
                    term, definition, ..
                } => {
                    pools.terms.push((term, definition));
                    if !pools.varied_terms {
                        pools.varied_terms = differs(&mut first_term, term);
                    }
                }
                Content::Table { rows, .. } => {
                    for row in rows {
                        pools.cells.extend(row.cells.iter().map(String::as_str));
                    }
                }
                _ => {}
            }
        }
        pools
    }

    fn term_index(&self) -> &TermIndex<'d> {
        self.terms_index.get_or_init(|| TermIndex::new(&self.terms))
    }
}

/// Draws up to `need` distinct texts from `pool` that pass `ok`, avoiding `taken` (normalized).
/// Small pools are shuffled and scanned; large ones are probed at random a bounded number of times.
fn draw<'a, T: Copy>(
    pool: &[T],
    text: impl Fn(T) -> &'a str,
    ok: impl Fn(T) -> bool,
    need: usize,
    taken: &mut Vec<String>,
    out: &mut Vec<String>,
    rng: &mut impl Rng,
) {
    let consider = |item: T, taken: &mut Vec<String>, out: &mut Vec<String>| {
        let t = text(item);
        let n = normalize(t);
        if ok(item) && !n.is_empty() && !taken.contains(&n) {
            taken.push(n);
            out.push(t.to_string());
        }
    };
    let start = out.len();
    if pool.len() <= 64 {
        let mut order: Vec<usize> = (0..pool.len()).collect();
        order.shuffle(rng);
        for i in order {
            if out.len() - start >= need {
                break;
            }
            consider(pool[i], taken, out);
        }
    } else {
        for _ in 0..need * 16 {
            if out.len() - start >= need {
                break;
            }
            consider(pool[rng.random_range(0..pool.len())], taken, out);
        }
    }
}

fn items_of<'d>(decks: &'d [Deck], filter: &Filter) -> Vec<Item<'d>> {
    let mut items = Vec::new();
    for (d, deck) in decks.iter().enumerate() {
        for card in &deck.cards {
            let rows: Vec<Option<&Row>> = match &card.content {
                Content::Table { rows, .. } => rows.iter().map(Some).collect(),
                _ => vec![None],
            };
            for row in rows {
                let item = Item { deck: d, card, row };
                if filter.tags.is_empty() || item.tags().iter().any(|t| filter.tags.contains(t)) {
                    items.push(item);
                }
            }
        }
    }
    items
}

fn variants(item: &Item<'_>, pools: &Pools<'_>, out: &mut Vec<Variant>) {
    match (&item.card.content, item.row) {
        (Content::Card { typed: true, .. }, _) => out.push(Variant::Typed),
        (
            Content::Card {
                answer,
                wrong,
                keywords,
                list,
                ..
            },
            _,
        ) => {
            out.push(Variant::Flash { reverse: false });
            if !wrong.is_empty() || pools.varied_answers {
                out.push(Variant::Mcq { reverse: false });
            }
            // A long answer is only typed when the card says how to judge it.
            if word_count(answer) <= LONG_ANSWER_WORDS
                || !keywords.is_empty()
                || list.unwrap_or_else(|| reads_as_list(answer))
            {
                out.push(Variant::Typed);
            }
        }
        (
            Content::Term {
                examples, reverse, ..
            },
            _,
        ) => {
            // Another distinct term means other definitions and other terms to offer.
            let other_terms = pools.varied_terms;
            out.push(Variant::Flash { reverse: false });
            if other_terms {
                out.push(Variant::Mcq { reverse: false });
            }
            if *reverse {
                out.push(Variant::Flash { reverse: true });
                if other_terms {
                    out.push(Variant::Mcq { reverse: true });
                }
                out.push(Variant::Typed);
            }
            out.push(Variant::Tf { truthful: true });
            if other_terms {
                out.push(Variant::Tf { truthful: false });
            }
            out.extend((0..examples.len()).map(|example| Variant::Blank { example }));
        }
        (Content::Statement { .. }, _) => {
            out.push(Variant::Tf { truthful: true });
            out.push(Variant::Flash { reverse: false });
        }
        (Content::Cloze { .. }, _) => {
            out.push(Variant::Blank { example: 0 });
            out.push(Variant::Flash { reverse: false });
        }
        (Content::Choice { .. }, _) => {
            out.push(Variant::Mcq { reverse: false });
            out.push(Variant::Flash { reverse: false });
        }
        (Content::Table { subjects, .. }, Some(row)) => {
            out.push(Variant::Flash { reverse: false });
            let norms: Vec<String> = row.cells.iter().map(|c| normalize(c)).collect();
            for cell in 0..subjects.len() {
                if norms.iter().any(|n| *n != norms[cell]) {
                    out.push(Variant::WhichSubject { cell });
                }
                out.push(Variant::WhichValue { subject: cell });
                for claimed in 0..subjects.len() {
                    if claimed == cell || norms[cell] != norms[claimed] {
                        out.push(Variant::TableTf { cell, claimed });
                    }
                }
            }
        }
        (Content::Table { .. }, None) => {}
    }
}

/// How many distinct questions the decks can yield under `filter`.
pub fn available_questions(decks: &[Deck], filter: &Filter) -> usize {
    let pools: Vec<Pools<'_>> = decks.iter().map(Pools::new).collect();
    let mut buffer = Vec::new();
    items_of(decks, filter)
        .iter()
        .map(|item| {
            buffer.clear();
            variants(item, &pools[item.deck], &mut buffer);
            buffer
                .iter()
                .filter(|v| filter.kinds.contains(&v.kind()))
                .count()
        })
        .sum()
}

/// Generates up to `count` questions, each from a different card, in random order. The same
/// decks, filter, count and generator state always give the same questions.
pub fn generate(
    decks: &[Deck],
    filter: &Filter,
    count: usize,
    rng: &mut impl Rng,
) -> Vec<Question> {
    let mut items = items_of(decks, filter);
    // Every item can be a flashcard; otherwise keep only items the allowed kinds can ask, so
    // that the count is honoured whenever enough cards exist.
    if !filter.kinds.contains(&Kind::Flash) {
        let pools: Vec<Pools<'_>> = decks.iter().map(Pools::new).collect();
        let mut buffer = Vec::new();
        items.retain(|item| {
            buffer.clear();
            variants(item, &pools[item.deck], &mut buffer);
            buffer.iter().any(|v| filter.kinds.contains(&v.kind()))
        });
    }
    let chosen: Vec<usize> = if count >= items.len() {
        let mut all: Vec<usize> = (0..items.len()).collect();
        all.shuffle(rng);
        all
    } else {
        rand::seq::index::sample(rng, items.len(), count).into_vec()
    };
    ask(decks, &items, &chosen, filter, rng)
}

/// Generates one question for each `(deck index, card id)` given, in that order, at most
/// `limit` (for review). Ids no longer in their deck are skipped.
pub fn generate_for(
    decks: &[Deck],
    wanted: &[(usize, String)],
    limit: usize,
    filter: &Filter,
    rng: &mut impl Rng,
) -> Vec<Question> {
    let all = Filter {
        kinds: filter.kinds.clone(),
        tags: Vec::new(),
    };
    let items = items_of(decks, &all);
    // Look the wanted ids up from the items without building an id per item: a table row's id
    // `TABLE/ROW` is split instead (ids never contain `/`).
    let position: HashMap<(usize, &str, Option<&str>), usize> = wanted
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (deck, id))| match id.split_once('/') {
            Some((card, row)) => ((*deck, card, Some(row)), i),
            None => ((*deck, id.as_str(), None), i),
        })
        .collect();
    let mut found: Vec<Option<usize>> = vec![None; wanted.len()];
    for (i, item) in items.iter().enumerate() {
        let key = (
            item.deck,
            item.card.id.as_str(),
            item.row.map(|r| r.id.as_str()),
        );
        if let Some(&w) = position.get(&key) {
            found[w] = Some(i);
        }
    }
    let chosen: Vec<usize> = found.into_iter().flatten().take(limit).collect();
    ask(decks, &items, &chosen, filter, rng)
}

fn ask(
    decks: &[Deck],
    items: &[Item<'_>],
    chosen: &[usize],
    filter: &Filter,
    rng: &mut impl Rng,
) -> Vec<Question> {
    let mut pools: Vec<Option<Pools<'_>>> = decks.iter().map(|_| None).collect();
    let mut questions = Vec::with_capacity(chosen.len());
    let mut buffer = Vec::new();
    for &i in chosen {
        let item = &items[i];
        let pools = pools[item.deck].get_or_insert_with(|| Pools::new(&decks[item.deck]));
        buffer.clear();
        variants(item, pools, &mut buffer);
        buffer.retain(|v| filter.kinds.contains(&v.kind()));
        if buffer.is_empty() {
            continue;
        }
        // Choose the kind first so that cards with many variants of one kind do not crowd out
        // the others, then a variant of that kind. A multiple-choice question that finds no
        // wrong option is dropped and another variant is tried.
        while !buffer.is_empty() {
            let mut kinds: Vec<Kind> = buffer.iter().map(|v| v.kind()).collect();
            kinds.sort();
            kinds.dedup();
            let kind = kinds[rng.random_range(0..kinds.len())];
            let of_kind: Vec<usize> = (0..buffer.len())
                .filter(|&j| buffer[j].kind() == kind)
                .collect();
            let pick = of_kind[rng.random_range(0..of_kind.len())];
            let question = build(&decks[item.deck], item, buffer[pick], pools, rng);
            if matches!(&question.body, Body::Choice { options, .. } if options.len() < 2) {
                buffer.remove(pick);
                continue;
            }
            questions.push(question);
            break;
        }
    }
    questions
}

/// Whether an answer is a yes/no reply, so that it only meets other yes/no replies as options.
fn answer_shape(answer: &str) -> bool {
    let first = answer
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    ["yes", "no", "not"].contains(&first.to_lowercase().as_str())
}

fn choice(options: Vec<String>, correct: &str, rng: &mut impl Rng) -> Body {
    let mut options = options;
    options.shuffle(rng);
    let correct = options
        .iter()
        .position(|o| o == correct)
        .expect("the right option is present");
    Body::Choice { options, correct }
}

fn build(
    deck: &Deck,
    item: &Item<'_>,
    variant: Variant,
    pools: &Pools<'_>,
    rng: &mut impl Rng,
) -> Question {
    let (prompt, body) = match (&item.card.content, item.row) {
        (
            Content::Card {
                question,
                answer,
                accept,
                wrong,
                keywords,
                list,
                ..
            },
            _,
        ) => match variant {
            Variant::Flash { .. } => (
                question.clone(),
                Body::Flash {
                    back: answer.clone(),
                },
            ),
            Variant::Typed => {
                let accepted = std::iter::once(answer).chain(accept).cloned().collect();
                let keywords = keywords
                    .iter()
                    .map(|k| k.split('|').map(|a| a.trim().to_string()).collect())
                    .collect();
                let list = list.unwrap_or_else(|| reads_as_list(answer));
                (
                    question.clone(),
                    Body::Typed {
                        accepted,
                        keywords,
                        list,
                    },
                )
            }
            _ => {
                let mut taken: Vec<String> = std::iter::once(answer)
                    .chain(accept)
                    .map(|a| normalize(a))
                    .collect();
                let mut options = vec![answer.clone()];
                let wrong: Vec<&str> = wrong.iter().map(String::as_str).collect();
                draw(
                    &wrong,
                    |w| w,
                    |_| true,
                    MAX_OPTIONS - 1,
                    &mut taken,
                    &mut options,
                    rng,
                );
                // Other cards' answers: only those of the same shape (a yes/no answer among
                // yes/no answers), sharing a tag first.
                let tags = &item.card.tags;
                let shape = answer_shape(answer);
                let alike = |(a, _): (&str, &[String])| answer_shape(a) == shape;
                let shares_tag =
                    |(a, t): (&str, &[String])| alike((a, t)) && t.iter().any(|x| tags.contains(x));
                let need = MAX_OPTIONS - options.len();
                draw(
                    &pools.answers,
                    |a| a.0,
                    shares_tag,
                    need,
                    &mut taken,
                    &mut options,
                    rng,
                );
                let need = MAX_OPTIONS - options.len();
                draw(
                    &pools.answers,
                    |a| a.0,
                    alike,
                    need,
                    &mut taken,
                    &mut options,
                    rng,
                );
                (question.clone(), choice(options, answer, rng))
            }
        },
        (
            Content::Term {
                term,
                definition,
                examples,
                accept,
                ..
            },
            _,
        ) => {
            let own = normalize(term);
            match variant {
                Variant::Flash { reverse: false } => (
                    format!("What is {term}?"),
                    Body::Flash {
                        back: definition.clone(),
                    },
                ),
                Variant::Flash { reverse: true } => (
                    format!("Which term does this define?\n{definition}"),
                    Body::Flash { back: term.clone() },
                ),
                Variant::Mcq { reverse: false } => {
                    let mut taken = vec![normalize(definition)];
                    let mut options = vec![definition.clone()];
                    // A definition that this term also has (on another card) is not wrong.
                    let index = pools.term_index();
                    let other = |(t, d): (&str, &str)| {
                        normalize(t) != own && !index.pairs(&own, &normalize(d))
                    };
                    draw(
                        &pools.terms,
                        |p| p.1,
                        other,
                        MAX_OPTIONS - 1,
                        &mut taken,
                        &mut options,
                        rng,
                    );
                    (
                        format!("Which of these describes {term}?"),
                        choice(options, definition, rng),
                    )
                }
                Variant::Mcq { reverse: true } => {
                    let mut taken: Vec<String> = std::iter::once(term)
                        .chain(accept)
                        .map(|a| normalize(a))
                        .collect();
                    let mut options = vec![term.clone()];
                    // A term that also has this definition (on another card) is not wrong.
                    let def = normalize(definition);
                    let index = pools.term_index();
                    let other = |t: &str| !index.pairs(&normalize(t), &def);
                    draw(
                        &index.distinct,
                        |t| t,
                        other,
                        MAX_OPTIONS - 1,
                        &mut taken,
                        &mut options,
                        rng,
                    );
                    (
                        format!("Which term does this define?\n{definition}"),
                        choice(options, term, rng),
                    )
                }
                Variant::Typed => {
                    let accepted = std::iter::once(term).chain(accept).cloned().collect();
                    (
                        format!("Type the term this defines:\n{definition}"),
                        Body::Typed {
                            accepted,
                            keywords: Vec::new(),
                            list: false,
                        },
                    )
                }
                Variant::Tf { truthful } => {
                    let def = normalize(definition);
                    let mut claimed = term.as_str();
                    if !truthful {
                        // A term that does not have this definition: probe a bounded number of
                        // random terms rather than scanning them all.
                        let index = pools.term_index();
                        let n = index.distinct.len();
                        let lacks = |i: usize| !index.pairs(&index.norms[i], &def);
                        let found = if n <= 64 {
                            let fitting: Vec<usize> = (0..n).filter(|&i| lacks(i)).collect();
                            (!fitting.is_empty())
                                .then(|| fitting[rng.random_range(0..fitting.len())])
                        } else {
                            (0..64).map(|_| rng.random_range(0..n)).find(|&i| lacks(i))
                        };
                        if let Some(i) = found {
                            claimed = index.distinct[i];
                        }
                    }
                    let answer = normalize(claimed) == own
                        || pools.term_index().pairs(&normalize(claimed), &def);
                    (
                        format!("True or false? This describes {claimed}:\n{definition}"),
                        Body::TrueFalse { answer },
                    )
                }
                Variant::Blank { example } => {
                    let cloze = &examples[example];
                    // The term may be hidden in several places: one answer fills them all.
                    let mut blanks = cloze.blanks();
                    if blanks.windows(2).all(|w| w[0] == w[1]) {
                        blanks.truncate(1);
                    }
                    // A usage sentence alone often fits several terms: the definition says which.
                    (
                        format!(
                            "Fill in the blank:\n{}\nHint: {definition}",
                            cloze.with_gaps(GAP)
                        ),
                        Body::Blank {
                            blanks,
                            any_order: Vec::new(),
                        },
                    )
                }
                _ => unreachable!("variant {variant:?} of a term card"),
            }
        }
        (Content::Statement { text, answer }, _) => match variant {
            Variant::Flash { .. } => (
                format!("True or false?\n{text}"),
                Body::Flash {
                    back: if *answer { "True" } else { "False" }.to_string(),
                },
            ),
            _ => (
                format!("True or false?\n{text}"),
                Body::TrueFalse { answer: *answer },
            ),
        },
        (
            Content::Cloze {
                cloze, any_order, ..
            },
            _,
        ) => match variant {
            Variant::Flash { .. } => (
                format!("Recall the missing words:\n{}", cloze.with_gaps(GAP)),
                Body::Flash {
                    back: cloze.filled(),
                },
            ),
            _ => (
                format!("Fill in the blank:\n{}", cloze.with_gaps(GAP)),
                Body::Blank {
                    blanks: cloze.blanks(),
                    any_order: cloze.interchangeable(*any_order),
                },
            ),
        },
        (
            Content::Choice {
                question,
                options,
                answer,
            },
            _,
        ) => match variant {
            Variant::Flash { .. } => (
                question.clone(),
                Body::Flash {
                    back: options[*answer].clone(),
                },
            ),
            _ => {
                let correct = options[*answer].clone();
                (question.clone(), choice(options.clone(), &correct, rng))
            }
        },
        (
            Content::Table {
                subjects, title, ..
            },
            Some(row),
        ) => {
            let aspect = row.aspect.to_lowercase();
            let heading = title.as_deref().unwrap_or("Compare");
            match variant {
                Variant::Flash { .. } => {
                    let back = subjects
                        .iter()
                        .zip(&row.cells)
                        .map(|(s, c)| format!("{s}: {c}"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    (format!("{heading}: {}?", row.aspect), Body::Flash { back })
                }
                Variant::WhichSubject { cell } => {
                    let mut options = vec![subjects[cell].clone()];
                    let mut taken = vec![normalize(&subjects[cell])];
                    let same = normalize(&row.cells[cell]);
                    let pool: Vec<usize> = (0..subjects.len()).collect();
                    let differs = |j: usize| normalize(&row.cells[j]) != same;
                    draw(
                        &pool,
                        |j| subjects[j].as_str(),
                        differs,
                        MAX_OPTIONS - 1,
                        &mut taken,
                        &mut options,
                        rng,
                    );
                    (
                        format!("{}: {}\nWhich one is this?", row.aspect, row.cells[cell]),
                        choice(options, &subjects[cell].clone(), rng),
                    )
                }
                Variant::WhichValue { subject } => {
                    let right = row.cells[subject].clone();
                    let mut options = vec![right.clone()];
                    let mut taken = vec![normalize(&right)];
                    let cells: Vec<&str> = row.cells.iter().map(String::as_str).collect();
                    draw(
                        &cells,
                        |c| c,
                        |_| true,
                        MAX_OPTIONS - 1,
                        &mut taken,
                        &mut options,
                        rng,
                    );
                    let need = MAX_OPTIONS - options.len();
                    draw(
                        &pools.cells,
                        |c| c,
                        |_| true,
                        need,
                        &mut taken,
                        &mut options,
                        rng,
                    );
                    (
                        format!("Which describes the {aspect} of {}?", subjects[subject]),
                        choice(options, &right, rng),
                    )
                }
                Variant::TableTf { cell, claimed } => {
                    let answer = normalize(&row.cells[cell]) == normalize(&row.cells[claimed]);
                    (
                        format!(
                            "True or false? {} of {}: {}",
                            row.aspect, subjects[claimed], row.cells[cell]
                        ),
                        Body::TrueFalse { answer },
                    )
                }
                _ => unreachable!("variant {variant:?} of a table row"),
            }
        }
        (Content::Table { .. }, None) => unreachable!("tables are asked row by row"),
    };
    debug_assert_eq!(variant.kind(), kind_of(&body));
    Question {
        deck_id: deck.id.clone(),
        card_id: item.card_id(),
        kind: variant.kind(),
        prompt,
        body,
        explain: item.explain(),
        tags: item.tags(),
    }
}

fn kind_of(body: &Body) -> Kind {
    match body {
        Body::Flash { .. } => Kind::Flash,
        Body::Choice { .. } => Kind::Mcq,
        Body::TrueFalse { .. } => Kind::Tf,
        Body::Blank { .. } => Kind::Blank,
        Body::Typed { .. } => Kind::Typed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Origin, builtin_decks, parse_deck};
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    #[test]
    fn every_builtin_card_yields_a_question() {
        let decks = builtin_decks();
        let pools: Vec<Pools<'_>> = decks.iter().map(Pools::new).collect();
        for item in items_of(&decks, &Filter::default()) {
            let mut v = Vec::new();
            variants(&item, &pools[item.deck], &mut v);
            assert!(v.len() >= 2, "{} yields {v:?}", item.card_id());
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_session() {
        let decks = builtin_decks();
        let a = generate(&decks, &Filter::default(), 30, &mut rng(7));
        let b = generate(&decks, &Filter::default(), 30, &mut rng(7));
        let c = generate(&decks, &Filter::default(), 30, &mut rng(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 30);
    }

    #[test]
    fn multiple_choice_has_one_right_distinct_option() {
        let decks = builtin_decks();
        let filter = Filter {
            kinds: vec![Kind::Mcq],
            tags: vec![],
        };
        for seed in 0..20 {
            for q in generate(&decks, &filter, 100, &mut rng(seed)) {
                let Body::Choice { options, correct } = &q.body else {
                    panic!("{q:?}")
                };
                assert!(options.len() >= 2 && options.len() <= MAX_OPTIONS, "{q:?}");
                let mut norm: Vec<String> = options.iter().map(|o| normalize(o)).collect();
                norm.sort();
                norm.dedup();
                assert_eq!(norm.len(), options.len(), "{q:?}");
                assert!(*correct < options.len());
            }
        }
    }

    #[test]
    fn false_statements_from_terms_are_really_false() {
        let decks = builtin_decks();
        let filter = Filter {
            kinds: vec![Kind::Tf],
            tags: vec!["definitions".into()],
        };
        let defs: Vec<(String, String)> = decks[1]
            .cards
            .iter()
            .filter_map(|c| match &c.content {
                Content::Term {
                    term, definition, ..
                } => Some((term.clone(), definition.clone())),
                _ => None,
            })
            .collect();
        for seed in 0..20 {
            for q in generate(&decks, &filter, 10, &mut rng(seed)) {
                let Body::TrueFalse { answer } = q.body else {
                    panic!()
                };
                let (claimed, definition) = q.prompt["True or false? This describes ".len()..]
                    .split_once(":\n")
                    .unwrap();
                let truth = defs.iter().any(|(t, d)| t == claimed && d == definition);
                assert_eq!(answer, truth, "{}", q.prompt);
            }
        }
    }

    #[test]
    fn tags_and_kinds_filter_the_session() {
        let decks = builtin_decks();
        let filter = Filter {
            kinds: vec![Kind::Typed],
            tags: vec!["faq".into()],
        };
        let qs = generate(&decks, &filter, 50, &mut rng(1));
        assert!(!qs.is_empty());
        assert!(
            qs.iter()
                .all(|q| q.kind == Kind::Typed && q.tags.contains(&"faq".to_string()))
        );
    }

    #[test]
    fn review_asks_the_wanted_cards_in_order_and_skips_removed_ones() {
        let decks = builtin_decks();
        let wanted = vec![
            (2, "faq-03".to_string()),
            (0, "chart/focus".to_string()),
            (2, "no-such-card".to_string()),
        ];
        let qs = generate_for(&decks, &wanted, 10, &Filter::default(), &mut rng(1));
        let ids: Vec<&str> = qs.iter().map(|q| q.card_id.as_str()).collect();
        assert_eq!(ids, ["faq-03", "chart/focus"]);
        let qs = generate_for(&decks, &wanted, 1, &Filter::default(), &mut rng(1));
        let ids: Vec<&str> = qs.iter().map(|q| q.card_id.as_str()).collect();
        assert_eq!(ids, ["faq-03"]);
    }

    #[test]
    fn a_small_deck_offers_fewer_options() {
        let src =
            "[deck]\nname = \"d\"\n[[card]]\nquestion = \"Q\"\nanswer = \"A\"\nwrong = [\"B\"]\n";
        let deck = parse_deck(src, "d.toml", "d", Origin::BuiltIn).unwrap();
        let filter = Filter {
            kinds: vec![Kind::Mcq],
            tags: vec![],
        };
        let qs = generate(std::slice::from_ref(&deck), &filter, 1, &mut rng(3));
        let Body::Choice { options, .. } = &qs[0].body else {
            panic!()
        };
        assert_eq!(options.len(), 2);
    }
}
