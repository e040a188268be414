//! Where wrong options come from: the answers and term definitions of one deck, grouped so that
//! distractors can be drawn without scanning the deck, and the rules a wrong option must pass
//! (never the same as, part of, or containing a right answer; never a definition that also fits
//! the asked term).

use super::text::{Folded, normalize};
use crate::deck::{Answer, DeckSource, Term};
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

/// Answer texts of one deck.
///
/// Building it only collects references; normalized forms, which cost far more, are computed
/// when a question first needs them, so that a few questions from a large deck stay cheap.
pub(super) struct Pools<'d> {
    /// Answers of question/answer cards, with the card's tags.
    pub(super) answers: Vec<Answer<'d>>,
    /// Every definition of a term card.
    terms: Vec<Term<'d>>,
    /// Whether the question/answer cards have at least two different answers.
    pub(super) varied_answers: bool,
    /// Whether the term cards have at least two different terms.
    pub(super) varied_terms: bool,
    terms_index: OnceCell<TermIndex<'d>>,
}

impl<'d> Pools<'d> {
    pub(super) fn new(deck: &'d impl DeckSource) -> Self {
        let answers = deck.answers();
        let terms = deck.terms();
        // Normalizing every answer and term only to tell whether two differ is costly: stop at
        // the first difference.
        let varied_answers = varied(answers.iter().map(|a| Cow::Owned(normalize(a.text))));
        let varied_terms = varied(terms.iter().map(normalized_term));
        Pools {
            answers,
            terms,
            varied_answers,
            varied_terms,
            terms_index: OnceCell::new(),
        }
    }

    pub(super) fn term_index(&self) -> &TermIndex<'d> {
        self.terms_index.get_or_init(|| TermIndex::new(&self.terms))
    }
}

/// Whether the texts are not all the same; reads them only until two differ.
fn varied<'a>(mut texts: impl Iterator<Item = Cow<'a, str>>) -> bool {
    let Some(first) = texts.next() else {
        return false;
    };
    texts.any(|t| t != first)
}

/// A term normalized: as the deck keeps it, or normalized now.
fn normalized_term<'d>(term: &Term<'d>) -> Cow<'d, str> {
    match term.normalized {
        Some(norm) => Cow::Borrowed(norm),
        None => Cow::Owned(normalize(term.term)),
    }
}

/// The distinct terms of a deck, the definitions each one has, and which terms take in others.
pub(super) struct TermIndex<'d> {
    /// Distinct terms, in order of appearance.
    pub(super) distinct: Vec<&'d str>,
    /// Index in `distinct` of each normalized term.
    position: HashMap<Cow<'d, str>, usize>,
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
    fn new(terms: &[Term<'d>]) -> Self {
        let mut index = TermIndex {
            distinct: Vec::new(),
            position: HashMap::new(),
            definitions: Vec::new(),
            normalized: Vec::new(),
            related: Vec::new(),
            all: Vec::with_capacity(terms.len()),
        };
        // Where each term card's term is in `distinct`.
        let mut at_of = Vec::with_capacity(terms.len());
        for d in terms {
            let at = *index.position.entry(normalized_term(d)).or_insert_with(|| {
                index.distinct.push(d.term);
                index.definitions.push(Vec::new());
                index.normalized.push(OnceCell::new());
                index.distinct.len() - 1
            });
            index.definitions[at].push((d.definition, d.exclusive));
            index.all.push((at, d.definition));
            at_of.push(at);
        }
        // Direct inclusions, then their closure: a term includes what its included terms do.
        let n = index.distinct.len();
        let mut includes: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (d, &at) in terms.iter().zip(&at_of) {
            for included in d.includes.iter() {
                if let Some(&j) = index.position.get(normalize(included).as_str())
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
        self.position.get(normalize(term).as_str()).copied()
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
