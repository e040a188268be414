//! Where wrong options come from: the answers and term definitions of one deck, grouped so that
//! distractors can be drawn without scanning the deck, and the rules a wrong option must pass
//! (never the same as, part of, or containing a right answer; never a definition that also fits
//! the asked term).

use super::text::{Folded, normalize};
use crate::deck::{Content, Deck};
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use std::cell::OnceCell;
use std::collections::HashMap;

/// Answer texts of one deck.
///
/// Building it only collects references; normalized forms, which cost far more, are computed
/// when a question first needs them, so that a few questions from a large deck stay cheap.
pub(super) struct Pools<'d> {
    /// Answers of question/answer cards, with the card's tags.
    pub(super) answers: Vec<(&'d str, &'d [String])>,
    /// Every definition of a term card.
    terms: Vec<Definition<'d>>,
    /// Whether the question/answer cards have at least two different answers.
    pub(super) varied_answers: bool,
    /// Whether the term cards have at least two different terms.
    pub(super) varied_terms: bool,
    terms_index: OnceCell<TermIndex<'d>>,
}

/// One term card's definition.
#[derive(Clone, Copy)]
struct Definition<'d> {
    term: &'d str,
    text: &'d str,
    exclusive: bool,
    includes: &'d [String],
}

impl<'d> Pools<'d> {
    pub(super) fn new(deck: &'d Deck) -> Self {
        let mut pools = Pools {
            answers: Vec::new(),
            terms: Vec::new(),
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
                    term,
                    definition,
                    exclusive,
                    includes,
                    ..
                } => {
                    pools.terms.push(Definition {
                        term,
                        text: definition,
                        exclusive: *exclusive,
                        includes,
                    });
                    if !pools.varied_terms {
                        pools.varied_terms = differs(&mut first_term, term);
                    }
                }
                _ => {}
            }
        }
        pools
    }

    pub(super) fn term_index(&self) -> &TermIndex<'d> {
        self.terms_index.get_or_init(|| TermIndex::new(&self.terms))
    }
}

/// The distinct terms of a deck, the definitions each one has, and which terms take in others.
pub(super) struct TermIndex<'d> {
    /// Distinct terms, in order of appearance.
    pub(super) distinct: Vec<&'d str>,
    /// Index in `distinct` of each normalized term.
    position: HashMap<String, usize>,
    /// Each term's definitions, with whether each fits that term only.
    definitions: Vec<Vec<(&'d str, bool)>>,
    /// The same definitions normalized, once a question first asks about the term.
    normalized: Vec<OnceCell<Vec<String>>>,
    /// Terms related to each term: those it includes and those that include it, directly or
    /// through others.
    related: Vec<Vec<usize>>,
    /// Every definition, with its term's index.
    all: Vec<(usize, &'d str)>,
}

impl<'d> TermIndex<'d> {
    fn new(terms: &[Definition<'d>]) -> Self {
        let mut index = TermIndex {
            distinct: Vec::new(),
            position: HashMap::new(),
            definitions: Vec::new(),
            normalized: Vec::new(),
            related: Vec::new(),
            all: Vec::with_capacity(terms.len()),
        };
        for d in terms {
            let norm = normalize(d.term);
            let at = *index.position.entry(norm).or_insert_with(|| {
                index.distinct.push(d.term);
                index.definitions.push(Vec::new());
                index.normalized.push(OnceCell::new());
                index.distinct.len() - 1
            });
            index.definitions[at].push((d.text, d.exclusive));
            index.all.push((at, d.text));
        }
        // Direct inclusions, then their closure: a term includes what its included terms do.
        let n = index.distinct.len();
        let mut includes: Vec<Vec<usize>> = vec![Vec::new(); n];
        for d in terms {
            if d.includes.is_empty() {
                continue;
            }
            let at = index.position[&normalize(d.term)];
            for included in d.includes {
                if let Some(&j) = index.position.get(&normalize(included))
                    && j != at
                    && !includes[at].contains(&j)
                {
                    includes[at].push(j);
                }
            }
        }
        let mut related: Vec<Vec<usize>> = vec![Vec::new(); n];
        for start in 0..n {
            if includes[start].is_empty() {
                continue;
            }
            let mut stack = includes[start].clone();
            let mut seen = vec![false; n];
            seen[start] = true;
            while let Some(j) = stack.pop() {
                if std::mem::replace(&mut seen[j], true) {
                    continue;
                }
                for r in [(start, j), (j, start)] {
                    if !related[r.0].contains(&r.1) {
                        related[r.0].push(r.1);
                    }
                }
                stack.extend(&includes[j]);
            }
        }
        index.related = related;
        index
    }

    /// The index of a term, if the deck has it.
    pub(super) fn find(&self, term: &str) -> Option<usize> {
        self.position.get(&normalize(term)).copied()
    }

    fn normalized(&self, term: usize) -> &[String] {
        self.normalized[term].get_or_init(|| {
            self.definitions[term]
                .iter()
                .map(|(d, _)| normalize(d))
                .collect()
        })
    }

    /// Whether some card gives `term` this (normalized) definition.
    pub(super) fn has(&self, term: usize, definition: &str) -> bool {
        self.normalized(term).iter().any(|d| d == definition)
    }

    /// Whether the definition describes `term`, at least in part: it is one of the term's own,
    /// or a related term's that is not marked as fitting that term only. Such a definition is
    /// never offered as a wrong answer for the term, nor paired with it in a false statement.
    pub(super) fn fits(&self, term: usize, definition: &str) -> bool {
        self.has(term, definition)
            || self.related[term].iter().any(|&other| {
                self.normalized(other)
                    .iter()
                    .zip(&self.definitions[other])
                    .any(|(d, (_, exclusive))| d == definition && !exclusive)
            })
    }

    /// Every definition of the deck, with the term it belongs to.
    pub(super) fn all_definitions(&self) -> &[(usize, &'d str)] {
        &self.all
    }

    /// The definitions of one term.
    pub(super) fn definitions_of(&self, term: usize) -> impl Iterator<Item = &'d str> + '_ {
        self.definitions[term].iter().map(|(d, _)| *d)
    }
}

/// The right answers of a question, folded once, that every wrong option is checked against.
pub(super) struct Rights(Vec<Folded>);

impl Rights {
    pub(super) fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        Rights(texts.into_iter().map(Folded::new).collect())
    }

    /// Whether `option` may not stand as a wrong answer: it says what a right answer says, or
    /// part of it, or more.
    pub(super) fn reject(&self, option: &Folded) -> bool {
        self.0.iter().any(|r| r.overlaps(option))
    }
}

/// Draws up to `need` texts from `pool` that pass `ok`, each different from those in `taken`
/// (which it extends). Small pools are shuffled and scanned; large ones are probed at random a
/// bounded number of times.
pub(super) fn draw<'a, T: Copy>(
    pool: &[T],
    text: impl Fn(T) -> &'a str,
    ok: impl Fn(T, &Folded) -> bool,
    need: usize,
    taken: &mut Vec<Folded>,
    out: &mut Vec<String>,
    rng: &mut impl Rng,
) {
    let consider = |item: T, taken: &mut Vec<Folded>, out: &mut Vec<String>| {
        let t = text(item);
        let folded = Folded::new(t);
        if !folded.norm().is_empty()
            && ok(item, &folded)
            && !taken.iter().any(|x| x.overlaps(&folded))
        {
            taken.push(folded);
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
