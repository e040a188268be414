//! The question generator: cards in, a session's questions out, every random choice taken from
//! the seeded generator it is given.
//!
//! A session is composed question by question. Each next item is drawn from those that best keep
//! the session balanced: a fact not asked yet (cards that share a `fact`, or one card in two
//! kinds, are asked once), then a question kind asked least so far; among those, items whose
//! tags were asked less are likelier. Small decks are searched whole; in large ones a bounded
//! random sample of items is weighed at each step, so that work stays proportional to the
//! questions asked.

use super::build::build;
use super::item::{Item, Variant, variants};
use super::pools::Pools;
use super::question::{Kind, Question};
use crate::deck::{Content, DeckSource, Slot};
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

/// Decks with at most this many items are searched whole for each next question.
const EXHAUSTIVE: usize = 512;
/// In larger decks, this many random items are weighed for each next question.
const PROBES: usize = 32;

/// A reviewable item of the session's decks, its card not built yet.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Index of the deck in the session's decks.
    deck: usize,
    slot: Slot,
}

fn items_of<D: DeckSource>(decks: &[D], filter: &Filter) -> Vec<Entry> {
    let mut items = Vec::new();
    for (d, deck) in decks.iter().enumerate() {
        items.extend(
            deck.slots(&filter.tags)
                .into_iter()
                .map(|slot| Entry { deck: d, slot }),
        );
    }
    items
}

/// The card (and row) of an item, built when first asked for.
fn resolve<D: DeckSource>(decks: &[D], entry: Entry) -> Option<Item<'_>> {
    let card = decks[entry.deck].card(entry.slot.card)?;
    let row = match (&card.content, entry.slot.row) {
        (Content::Table { rows, .. }, Some(r)) => Some(rows.get(r as usize)?),
        (Content::Table { .. }, None) => return None,
        (_, _) => None,
    };
    Some(Item {
        deck: entry.deck,
        card,
        row,
    })
}

/// Each deck's distractor pools, built when a question of that deck first needs them.
struct DeckPools<'d, D> {
    decks: &'d [D],
    pools: Vec<OnceCell<Pools<'d>>>,
}

impl<'d, D: DeckSource> DeckPools<'d, D> {
    fn new(decks: &'d [D]) -> Self {
        DeckPools {
            decks,
            pools: decks.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    fn of(&self, deck: usize) -> &Pools<'d> {
        self.pools[deck].get_or_init(|| Pools::new(&self.decks[deck]))
    }
}

/// What one item offers this session, worked out when it is first weighed.
struct Offer {
    /// Its variants of the session's kinds.
    variants: Vec<Variant>,
    facts: Vec<String>,
    tags: Vec<String>,
}

impl Offer {
    fn of<D: DeckSource>(item: &Item<'_>, pools: &DeckPools<'_, D>, filter: &Filter) -> Self {
        let mut found = Vec::new();
        variants(item, pools.of(item.deck), &mut found);
        found.retain(|v| filter.kinds.contains(&v.kind()));
        Offer {
            variants: found,
            facts: item.facts(pools.decks[item.deck].id()),
            tags: item.tags(),
        }
    }

    /// An item whose card could not be built offers nothing.
    fn nothing() -> Self {
        Offer {
            variants: Vec::new(),
            facts: Vec::new(),
            tags: Vec::new(),
        }
    }
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is in Kind::ALL")
}

/// What the session has asked so far.
#[derive(Default)]
struct Mix {
    kinds: [usize; Kind::ALL.len()],
    tags: HashMap<String, usize>,
    facts: HashSet<String>,
}

impl Mix {
    /// The allowed kinds, least asked first; ties in random order.
    fn kind_order(&self, allowed: &[Kind], rng: &mut impl Rng) -> Vec<Kind> {
        let mut order = allowed.to_vec();
        order.shuffle(rng);
        order.sort_by_key(|k| self.kinds[kind_index(*k)]);
        order
    }

    /// Where an offer stands, lower being better: a fact already asked is last, then how far
    /// down the kind order its best kind is.
    fn rank(&self, offer: &Offer, order: &[Kind]) -> (bool, usize) {
        let repeats = offer.facts.iter().any(|f| self.facts.contains(f));
        let kind = offer
            .variants
            .iter()
            .filter_map(|v| order.iter().position(|k| *k == v.kind()))
            .min()
            .unwrap_or(order.len());
        (repeats, kind)
    }

    /// The chance an offer gets among equally ranked ones: smaller the more often its tags
    /// were asked, so that a session spreads over tags and still varies from seed to seed.
    fn weight(&self, offer: &Offer) -> u64 {
        let load: u64 = offer
            .tags
            .iter()
            .map(|t| self.tags.get(t).copied().unwrap_or(0) as u64)
            .sum();
        1_000_000 / (1 + load).pow(2)
    }

    fn record(&mut self, question: &Question, offer: &Offer) {
        self.kinds[kind_index(question.kind)] += 1;
        for tag in &offer.tags {
            *self.tags.entry(tag.clone()).or_insert(0) += 1;
        }
        self.facts.extend(offer.facts.iter().cloned());
    }
}

/// Asks `item` as the first kind of `order` it offers, a random variant of that kind; a
/// variant that cannot be built well gives way to the next.
fn ask<D: DeckSource>(
    item: &Item<'_>,
    offer: &Offer,
    order: &[Kind],
    pools: &DeckPools<'_, D>,
    rng: &mut impl Rng,
) -> Option<Question> {
    let mut left = offer.variants.clone();
    while let Some(kind) = order.iter().find(|k| left.iter().any(|v| v.kind() == **k)) {
        let of_kind: Vec<usize> = (0..left.len())
            .filter(|&j| left[j].kind() == *kind)
            .collect();
        let pick = of_kind[rng.random_range(0..of_kind.len())];
        let deck = pools.decks[item.deck].id();
        if let Some(question) = build(deck, item, left[pick], pools.of(item.deck), rng) {
            return Some(question);
        }
        left.remove(pick);
    }
    None
}

/// How many distinct questions the decks can yield under `filter`.
pub fn available_questions<D: DeckSource>(decks: &[D], filter: &Filter) -> usize {
    let pools: Vec<Pools<'_>> = decks.iter().map(Pools::new).collect();
    let mut buffer = Vec::new();
    items_of(decks, filter)
        .into_iter()
        .filter_map(|entry| resolve(decks, entry))
        .map(|item| {
            buffer.clear();
            variants(&item, &pools[item.deck], &mut buffer);
            buffer
                .iter()
                .filter(|v| filter.kinds.contains(&v.kind()))
                .count()
        })
        .sum()
}

/// Generates up to `count` questions, each from a different item, balanced over facts, kinds
/// and tags (see the module's notes). The same decks, filter, count and generator state always
/// give the same questions.
pub fn generate<D: DeckSource>(
    decks: &[D],
    filter: &Filter,
    count: usize,
    rng: &mut impl Rng,
) -> Vec<Question> {
    let items = items_of(decks, filter);
    let pools = DeckPools::new(decks);
    // Only the items weighed get an offer: a few hundred in a deck of any size.
    let mut offers: HashMap<usize, Offer> = HashMap::new();
    let mut unused: Vec<usize> = (0..items.len()).collect();
    let exhaustive = items.len() <= EXHAUSTIVE;
    let mut mix = Mix::default();
    let mut questions = Vec::with_capacity(count.min(items.len()));
    while questions.len() < count && !unused.is_empty() {
        let order = mix.kind_order(&filter.kinds, rng);
        let positions: Vec<usize> = if exhaustive {
            (0..unused.len()).collect()
        } else {
            rand::seq::index::sample(rng, unused.len(), PROBES.min(unused.len())).into_vec()
        };
        // The best ranked items, and how likely each is to be chosen.
        let mut best: Option<(bool, usize)> = None;
        // (position in `unused`, weight)
        let mut candidates: Vec<(usize, u64)> = Vec::new();
        // Positions to take out of `unused`: items that offer nothing of the session's kinds,
        // and the one chosen.
        let mut leaving = Vec::new();
        for pos in positions {
            let i = unused[pos];
            let offer = offers
                .entry(i)
                .or_insert_with(|| match resolve(decks, items[i]) {
                    Some(item) => Offer::of(&item, &pools, filter),
                    None => Offer::nothing(),
                });
            if offer.variants.is_empty() {
                leaving.push(pos);
                continue;
            }
            let rank = mix.rank(offer, &order);
            if best.is_none_or(|b| rank < b) {
                best = Some(rank);
                candidates.clear();
            }
            if best == Some(rank) {
                candidates.push((pos, mix.weight(offer)));
            }
        }
        let total: u64 = candidates.iter().map(|c| c.1).sum();
        let chosen = (total > 0).then(|| {
            let mut at = rng.random_range(0..total);
            let (pos, _) = candidates
                .iter()
                .find(|c| {
                    let hit = at < c.1;
                    at = at.saturating_sub(c.1);
                    hit
                })
                .expect("a draw below the total weight lands on a candidate");
            (*pos, unused[*pos])
        });
        leaving.extend(chosen.map(|(pos, _)| pos));
        // From the last position down, so that each removal leaves the others in place.
        leaving.sort_unstable_by(|a, b| b.cmp(a));
        for pos in leaving {
            if exhaustive {
                unused.remove(pos);
            } else {
                unused.swap_remove(pos);
            }
        }
        let Some((_, i)) = chosen else { continue };
        let offer = &offers[&i];
        let item = resolve(decks, items[i]).expect("an item with an offer has its card");
        if let Some(question) = ask(&item, offer, &order, &pools, rng) {
            mix.record(&question, offer);
            questions.push(question);
        }
    }
    questions
}

/// Generates one question for each `(deck index, card id)` given, in that order, at most
/// `limit` (for review), each of the kind asked least so far that the card offers. Ids no
/// longer in their deck are skipped.
pub fn generate_for<D: DeckSource>(
    decks: &[D],
    wanted: &[(usize, String)],
    limit: usize,
    filter: &Filter,
    rng: &mut impl Rng,
) -> Vec<Question> {
    let all = Filter {
        kinds: filter.kinds.clone(),
        tags: Vec::new(),
    };
    // Each deck looks its wanted ids up at once.
    let mut found: Vec<Option<Entry>> = vec![None; wanted.len()];
    for (d, deck) in decks.iter().enumerate() {
        let (at, ids): (Vec<usize>, Vec<&str>) = wanted
            .iter()
            .enumerate()
            .filter(|(_, (deck, _))| *deck == d)
            .map(|(i, (_, id))| (i, id.as_str()))
            .unzip();
        if ids.is_empty() {
            continue;
        }
        for (i, slot) in at.into_iter().zip(deck.find(&ids)) {
            found[i] = slot.map(|slot| Entry { deck: d, slot });
        }
    }
    // An item wanted twice is asked once.
    let mut seen = HashSet::new();
    let pools = DeckPools::new(decks);
    let mut mix = Mix::default();
    let mut questions = Vec::new();
    let items = found
        .into_iter()
        .flatten()
        .filter(|e| seen.insert((e.deck, e.slot)))
        .filter_map(|e| resolve(decks, e))
        .take(limit);
    for item in items {
        let offer = Offer::of(&item, &pools, &all);
        let order = mix.kind_order(&all.kinds, rng);
        if let Some(question) = ask(&item, &offer, &order, &pools, rng) {
            mix.record(&question, &offer);
            questions.push(question);
        }
    }
    questions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Origin, builtin_decks, parse_deck};
    use crate::quiz::build::MAX_OPTIONS;
    use crate::quiz::{Body, normalize_accented};
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    #[test]
    fn every_builtin_card_yields_a_question() {
        let decks = builtin_decks();
        let items = items_of(&decks, &Filter::default()).len();
        let questions = generate(&decks, &Filter::default(), usize::MAX, &mut rng(1));
        assert_eq!(questions.len(), items);
        let ids: HashSet<(String, String)> = questions
            .iter()
            .map(|q| (q.deck_id.clone(), q.card_id.clone()))
            .collect();
        assert_eq!(ids.len(), items);
    }

    #[test]
    fn choice_cards_are_never_flashcards_and_statements_only_when_asked() {
        let src = "[deck]\nname = \"d\"\n[[choice]]\nquestion = \"Which of these?\"\noptions = [\"a\", \"b\"]\nanswer = \"a\"\n[[statement]]\ntext = \"S\"\nanswer = true\n[[statement]]\ntext = \"T\"\nanswer = false\nkinds = [\"tf\", \"flash\"]\n";
        let deck = parse_deck(src, "d.toml", "d", Origin::BuiltIn).unwrap();
        let pools = Pools::new(&deck);
        let decks = [deck.clone()];
        let kinds: Vec<Vec<Kind>> = items_of(&decks, &Filter::default())
            .into_iter()
            .map(|entry| {
                let mut v = Vec::new();
                variants(&resolve(&decks, entry).unwrap(), &pools, &mut v);
                v.iter().map(|v| v.kind()).collect()
            })
            .collect();
        assert_eq!(
            kinds,
            [vec![Kind::Mcq], vec![Kind::Tf], vec![Kind::Tf, Kind::Flash]]
        );
    }

    #[test]
    fn explanations_read_right_for_the_question_asked() {
        let src = "[deck]\nname = \"d\"\n[[term]]\nterm = \"Lean\"\ndefinition = \"Cutting waste.\"\nexplain = \"Lean comes from Toyota.\"\n[[term]]\nterm = \"TQM\"\ndefinition = \"Quality in every step.\"\n[[table]]\nsubjects = [\"Cats\", \"Dogs\"]\n[[table.row]]\naspect = \"Sound\"\ncells = [\"Meow\", \"Bark\"]\n";
        let deck = parse_deck(src, "d.toml", "d", Origin::BuiltIn).unwrap();
        let filter = Filter {
            kinds: vec![Kind::Tf],
            tags: vec![],
        };
        let mut seen_false = false;
        for seed in 0..40 {
            for q in generate(std::slice::from_ref(&deck), &filter, 3, &mut rng(seed)) {
                match (&q.body, q.card_id.as_str()) {
                    (Body::TrueFalse { answer: false }, _)
                        if q.prompt.contains("This describes TQM:\nCutting waste.") =>
                    {
                        // Paired with the wrong term: the explanation first says whose it is.
                        assert_eq!(
                            q.explain.as_deref(),
                            Some("That is a definition of Lean. Lean comes from Toyota.")
                        );
                        seen_false = true;
                    }
                    (_, id) if id.contains('/') => {
                        assert_eq!(q.explain.as_deref(), Some("Cats: Meow; Dogs: Bark."))
                    }
                    _ => {}
                }
            }
        }
        assert!(seen_false);
    }

    #[test]
    fn a_card_is_asked_only_as_the_kinds_it_names() {
        let src = "[deck]\nname = \"d\"\n[[card]]\nquestion = \"Q\"\nanswer = \"A\"\nwrong = [\"B\"]\nkinds = [\"typed\"]\n";
        let deck = parse_deck(src, "d.toml", "d", Origin::BuiltIn).unwrap();
        for seed in 0..10 {
            let qs = generate(
                std::slice::from_ref(&deck),
                &Filter::default(),
                1,
                &mut rng(seed),
            );
            assert_eq!(qs[0].kind, Kind::Typed);
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
                let mut norm: Vec<String> = options.iter().map(|o| normalize_accented(o)).collect();
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
    fn a_wrong_option_that_differs_in_accents_only_is_offered_and_refused_when_typed() {
        let card = "[deck]\nname = \"es\"\n[[card]]\nquestion = \"year?\"\nanswer = \"año\"\n";
        // A wrong option that is the answer but for case and punctuation is still refused.
        let same = format!("{card}wrong = [\"ano\", \"Año.\"]\n");
        assert!(parse_deck(&same, "d.toml", "d", Origin::BuiltIn).is_err());
        let src = format!("{card}wrong = [\"ano\"]\n");
        let deck = parse_deck(&src, "d.toml", "d", Origin::BuiltIn).unwrap();
        let decks = std::slice::from_ref(&deck);
        let mcq = Filter {
            kinds: vec![Kind::Mcq],
            tags: vec![],
        };
        let Body::Choice { options, correct } = &generate(decks, &mcq, 1, &mut rng(1))[0].body
        else {
            panic!()
        };
        assert_eq!(options.len(), 2);
        assert_eq!(options[*correct], "año");
        assert!(options.contains(&"ano".to_string()), "{options:?}");
        let typed = Filter {
            kinds: vec![Kind::Typed],
            tags: vec![],
        };
        let q = &generate(decks, &typed, 1, &mut rng(1))[0];
        let Body::Typed { rejected, .. } = &q.body else {
            panic!()
        };
        assert_eq!(rejected, &["ano"]);
        let judged = crate::quiz::check(q, &crate::quiz::Response::Text("ano".into()));
        assert_eq!(judged.verdict, crate::quiz::Verdict::Wrong);
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
