//! Properties of the question generator over generated decks: every multiple-choice question has
//! distinct options and exactly one right one, true/false statements are true exactly when the
//! facts say so, the requested count is honoured, a seed fixes the questions, and the deck
//! parser never panics.

use pmquiz::deck::{Content, Deck, Origin, parse_deck};
use pmquiz::quiz::{Body, Filter, Kind, Question, generate, normalize};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::collections::HashSet;

// ---------------------------------------------------------------------------------------------
// Generated decks, written as TOML text
// ---------------------------------------------------------------------------------------------

/// Words chosen to collide: several normalize to the same text (case, accents, punctuation,
/// spacing), so distinctness is tested where it is hard.
const WORDS: &[&str] = &[
    "alpha",
    "Alpha",
    "ALPHA.",
    "beta",
    "Beta!",
    "gamma",
    "delta",
    "café",
    "Cafe",
    "épée",
    "x",
    "Lean",
    "TQM",
    "six sigma",
    "Six  Sigma",
    "end-to-end",
];
const TERMS: &[&str] = &[
    "Production management",
    "Operation management",
    "Lean",
    "lean.",
];
const CELLS: &[&str] = &["Meow", "meow", "Bark", "Kittens", "Puppies", "Both", "None"];
const SUBJECTS: &[&str] = &["Cats", "Dogs", "Cattle", "Birds", "Fish"];
const TAGS: &[&str] = &["a", "b", "c"];
/// Fact names: cards that share one are the same fact.
const FACTS: &[&str] = &["f1", "f2", "f3"];

#[derive(Debug, Clone)]
enum Gen {
    Card {
        question: String,
        answer: String,
        accept: Vec<String>,
        wrong: Vec<String>,
    },
    Term {
        term: String,
        definition: String,
        accept: Vec<String>,
        examples: Vec<String>,
        reverse: bool,
        /// Another term of TERMS this one includes (kept only when it differs).
        includes: Option<&'static str>,
        exclusive: bool,
    },
    Statement {
        text: String,
        answer: bool,
    },
    Cloze {
        text: String,
    },
    Choice {
        question: String,
        options: Vec<String>,
        answer: usize,
    },
    Table {
        subjects: Vec<String>,
        rows: Vec<(String, Vec<String>)>,
    },
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..=3).prop_map(|w| w.join(" "))
}

fn card() -> impl Strategy<Value = Gen> {
    (
        text(),
        text(),
        prop::collection::vec(text(), 0..=2),
        prop::collection::vec(text(), 0..=3),
    )
        .prop_map(|(question, answer, accept, wrong)| {
            // The loader rejects a wrong option that is also an accepted answer.
            let accepted: HashSet<String> = std::iter::once(&answer)
                .chain(&accept)
                .map(|a| normalize(a))
                .collect();
            let wrong = wrong
                .into_iter()
                .filter(|w| !accepted.contains(&normalize(w)))
                .collect();
            Gen::Card {
                question,
                answer,
                accept,
                wrong,
            }
        })
}

fn term() -> impl Strategy<Value = Gen> {
    (
        prop::sample::select(TERMS),
        text(),
        prop::collection::vec(text(), 0..=1),
        prop::collection::vec((any::<bool>(), text()), 0..=2),
        any::<bool>(),
        prop::option::weighted(0.3, prop::sample::select(TERMS)),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(term, definition, accept, examples, reverse, includes, exclusive)| {
                let examples = examples
                    .into_iter()
                    .map(|(marked, words)| {
                        if marked {
                            format!("{words} {{{{{words}}}}} here")
                        } else {
                            format!("{words} {} here", term.to_uppercase())
                        }
                    })
                    .collect();
                Gen::Term {
                    term: term.to_string(),
                    definition,
                    accept,
                    examples,
                    reverse,
                    includes: includes.filter(|i| normalize(i) != normalize(term)),
                    exclusive,
                }
            },
        )
}

fn cloze() -> impl Strategy<Value = Gen> {
    prop::collection::vec((text(), text(), prop::option::of(text())), 1..=3).prop_map(|parts| {
        let text = parts
            .iter()
            .map(|(before, answer, alt)| match alt {
                Some(alt) => format!("{before} {{{{{answer}|{alt}}}}}"),
                None => format!("{before} {{{{{answer}}}}}"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        Gen::Cloze { text }
    })
}

fn choice() -> impl Strategy<Value = Gen> {
    (
        text(),
        prop::collection::vec(text(), 2..=8),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(question, candidates, index)| {
            // Options must differ after normalization.
            let mut seen = HashSet::new();
            let mut options: Vec<String> = candidates
                .into_iter()
                .filter(|o| seen.insert(normalize(o)))
                .collect();
            let mut n = 0;
            while options.len() < 2 {
                n += 1;
                options.push(format!("option {n}"));
            }
            let answer = index.index(options.len());
            Gen::Choice {
                question,
                options,
                answer,
            }
        })
}

fn table() -> impl Strategy<Value = Gen> {
    prop::sample::subsequence(SUBJECTS, 2..=4)
        .prop_flat_map(|subjects| {
            let n = subjects.len();
            let row = (
                text(),
                prop::collection::vec(prop::sample::select(CELLS), n..=n),
            );
            (Just(subjects), prop::collection::vec(row, 1..=3))
        })
        .prop_map(|(subjects, rows)| Gen::Table {
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .into_iter()
                .map(|(aspect, cells)| (aspect, cells.iter().map(|c| c.to_string()).collect()))
                .collect(),
        })
}

fn any_card() -> impl Strategy<Value = Gen> {
    prop_oneof![
        3 => card(),
        3 => term(),
        1 => prop_oneof![
            (text(), any::<bool>()).prop_map(|(text, answer)| Gen::Statement { text, answer })
        ],
        1 => cloze(),
        1 => choice(),
        2 => table(),
    ]
}

/// A TOML string literal.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Writes the cards as a deck file. Every card gets an explicit id (`c0`, `c1`, …) and every
/// table row too (`r0`, …), so generated duplicates of text do not make duplicate ids. Unless
/// `shared_definitions`, each definition is made unique by adding the card's number, so two
/// different terms never share a definition.
fn deck_toml(cards: &[(Gen, Vec<&str>, Option<&str>)], shared_definitions: bool) -> String {
    let mut out = String::from("[deck]\nid = \"gen\"\nname = \"Generated\"\n");
    // `includes` may only name terms the deck has.
    let terms: Vec<String> = cards
        .iter()
        .filter_map(|(c, _, _)| match c {
            Gen::Term { term, .. } => Some(normalize(term)),
            _ => None,
        })
        .collect();
    for (i, (card, tags, fact)) in cards.iter().enumerate() {
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        let mut common = format!("id = \"c{i}\"\ntags = {}\n", list(&tags));
        if let Some(fact) = fact {
            common += &format!("fact = {}\n", q(fact));
        }
        let body = match card {
            Gen::Card {
                question,
                answer,
                accept,
                wrong,
            } => format!(
                "[[card]]\n{common}question = {}\nanswer = {}\naccept = {}\nwrong = {}\n",
                q(question),
                q(answer),
                list(accept),
                list(wrong)
            ),
            Gen::Term {
                term,
                definition,
                accept,
                examples,
                reverse,
                includes,
                exclusive,
            } => {
                let includes: Vec<String> = includes
                    .iter()
                    .filter(|t| terms.contains(&normalize(t)))
                    .map(|t| t.to_string())
                    .collect();
                format!(
                    "[[term]]\n{common}term = {}\ndefinition = {}\naccept = {}\nexamples = {}\nreverse = {reverse}\nincludes = {}\nexclusive = {exclusive}\n",
                    q(term),
                    q(&if shared_definitions {
                        definition.clone()
                    } else {
                        format!("{definition} {i}")
                    }),
                    list(accept),
                    list(examples),
                    list(&includes)
                )
            }
            Gen::Statement { text, answer } => {
                format!(
                    "[[statement]]\n{common}text = {}\nanswer = {answer}\n",
                    q(text)
                )
            }
            Gen::Cloze { text } => format!("[[cloze]]\n{common}text = {}\n", q(text)),
            Gen::Choice {
                question,
                options,
                answer,
            } => format!(
                "[[choice]]\n{common}question = {}\noptions = {}\nanswer = {}\n",
                q(question),
                list(options),
                q(&options[*answer])
            ),
            Gen::Table { subjects, rows } => {
                let mut t = format!("[[table]]\n{common}subjects = {}\n", list(subjects));
                for (j, (aspect, cells)) in rows.iter().enumerate() {
                    t.push_str(&format!(
                        "\n[[table.row]]\nid = \"r{j}\"\naspect = {}\ncells = {}\n",
                        q(aspect),
                        list(cells)
                    ));
                }
                t
            }
        };
        out.push('\n');
        out.push_str(&body);
    }
    out
}

fn deck_strategy() -> impl Strategy<Value = (String, Deck)> {
    decks(false)
}

/// Decks in which different terms may have the same definition.
fn decks_with_shared_definitions() -> impl Strategy<Value = (String, Deck)> {
    decks(true)
}

fn decks(shared_definitions: bool) -> impl Strategy<Value = (String, Deck)> {
    prop::collection::vec(
        (
            any_card(),
            prop::sample::subsequence(TAGS, 0..=2),
            prop::option::weighted(0.3, prop::sample::select(FACTS)),
        ),
        1..=12,
    )
    .prop_map(move |cards| {
        let text = deck_toml(&cards, shared_definitions);
        let deck = parse_deck(&text, "gen.toml", "gen", Origin::BuiltIn).unwrap_or_else(|errors| {
            let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!(
                "a generated valid deck was rejected:\n{}\n---\n{text}",
                shown.join("\n")
            )
        });
        (text, deck)
    })
}

/// Reviewable items: each card, or each row of a table.
fn item_count(deck: &Deck) -> usize {
    deck.review_ids().len()
}

fn kinds_strategy() -> impl Strategy<Value = Vec<Kind>> {
    prop::sample::subsequence(Kind::ALL.to_vec(), 1..=5)
}

// ---------------------------------------------------------------------------------------------
// What is right, according to the deck
// ---------------------------------------------------------------------------------------------

/// The card a question was made from, and the table row index when it is a row.
fn source<'d>(deck: &'d Deck, question: &Question) -> (&'d pmquiz::deck::Card, Option<usize>) {
    let (card_id, row_id) = match question.card_id.split_once('/') {
        Some((card, row)) => (card, Some(row)),
        None => (question.card_id.as_str(), None),
    };
    let card = deck
        .cards
        .iter()
        .find(|c| c.id == card_id)
        .unwrap_or_else(|| panic!("question from an unknown card: {question:?}"));
    let row = row_id.map(|row_id| match &card.content {
        Content::Table { rows, .. } => rows
            .iter()
            .position(|r| r.id == row_id)
            .expect("row of the table"),
        _ => panic!("a row id on a card that is not a table"),
    });
    (card, row)
}

/// Normalized `(term, definition)` pairs of the deck.
fn term_pairs(deck: &Deck) -> HashSet<(String, String)> {
    deck.cards
        .iter()
        .filter_map(|c| match &c.content {
            Content::Term {
                term, definition, ..
            } => Some((normalize(term), normalize(definition))),
            _ => None,
        })
        .collect()
}

/// Normalized terms that `includes` relates, both ways and through others: a definition of one
/// that is not marked `exclusive` describes the other in part.
fn related_terms(deck: &Deck) -> HashSet<(String, String)> {
    let mut related: HashSet<(String, String)> = HashSet::new();
    for card in &deck.cards {
        if let Content::Term { term, includes, .. } = &card.content {
            for i in includes {
                related.insert((normalize(term), normalize(i)));
            }
        }
    }
    // Inclusion is transitive.
    loop {
        let more: Vec<(String, String)> = related
            .iter()
            .flat_map(|(a, b)| {
                related
                    .iter()
                    .filter(move |(c, _)| c == b)
                    .map(move |(_, d)| (a.clone(), d.clone()))
            })
            .filter(|(a, d)| a != d && !related.contains(&(a.clone(), d.clone())))
            .collect();
        if more.is_empty() {
            break;
        }
        related.extend(more);
    }
    let reversed: Vec<(String, String)> = related
        .iter()
        .map(|(a, b)| (b.clone(), a.clone()))
        .collect();
    related.extend(reversed);
    related
}

/// Whether a definition describes a term at least in part (both normalized): the term has it,
/// or a related term has it without marking it `exclusive`.
fn fits(deck: &Deck, term: &str, definition: &str) -> bool {
    let related = related_terms(deck);
    deck.cards.iter().any(|c| match &c.content {
        Content::Term {
            term: t,
            definition: d,
            exclusive,
            ..
        } => {
            normalize(d) == definition
                && (normalize(t) == term
                    || (!exclusive && related.contains(&(term.to_string(), normalize(t)))))
        }
        _ => false,
    })
}

/// Two normalized texts that say the same, spaces aside, or one of which contains the other's
/// words: never a right and a wrong option of one question.
fn overlaps(a: &str, b: &str) -> bool {
    let contains = |hay: &str, needle: &str| format!(" {hay} ").contains(&format!(" {needle} "));
    a.replace(' ', "") == b.replace(' ', "") || contains(a, b) || contains(b, a)
}

/// What is wrong with `shown_option` as a wrong option of this multiple-choice question, if
/// anything: it overlaps a right answer, describes the asked term in part, or (for a chart
/// question) comes from another row.
fn bad_wrong_option(deck: &Deck, question: &Question, shown_option: &str) -> Option<String> {
    let (card, row) = source(deck, question);
    let option = normalize(shown_option);
    let rights: Vec<String> = match &card.content {
        Content::Card { answer, accept, .. } => std::iter::once(answer)
            .chain(accept)
            .map(|a| normalize(a))
            .collect(),
        Content::Term {
            term,
            definition,
            accept,
            ..
        } => {
            if question.prompt.starts_with("Which of these describes ") {
                if fits(deck, &normalize(term), &option) {
                    return Some(format!("`{shown_option}` describes {term} in part"));
                }
                term_pairs(deck)
                    .into_iter()
                    .filter(|(t, _)| *t == normalize(term))
                    .map(|(_, d)| d)
                    .collect()
            } else {
                if fits(deck, &option, &normalize(definition)) {
                    return Some(format!("the definition describes `{shown_option}` in part"));
                }
                std::iter::once(term)
                    .chain(accept)
                    .map(|a| normalize(a))
                    .collect()
            }
        }
        Content::Table { rows, subjects, .. } => {
            let row = &rows[row.expect("a table question names its row")];
            if question.prompt.ends_with("\nWhich one is this?") {
                return None;
            }
            if !row.cells.iter().any(|c| c == shown_option) {
                return Some(format!("`{shown_option}` is not a cell of row {}", row.id));
            }
            let aspect = row.aspect.to_lowercase();
            subjects
                .iter()
                .zip(&row.cells)
                .filter(|(s, _)| question.prompt == format!("Which describes the {aspect} of {s}?"))
                .map(|(_, c)| normalize(c))
                .collect()
        }
        _ => Vec::new(),
    };
    rights
        .iter()
        .find(|r| overlaps(r, &option))
        .map(|r| format!("`{shown_option}` overlaps the right answer `{r}`"))
}

/// Whether the deck's facts make `option` a right answer to this multiple-choice question.
fn is_right(deck: &Deck, question: &Question, shown_option: &str) -> bool {
    let (card, row) = source(deck, question);
    let pairs = term_pairs(deck);
    let option = normalize(shown_option);
    match &card.content {
        Content::Card { answer, accept, .. } => std::iter::once(answer)
            .chain(accept)
            .any(|a| normalize(a) == option),
        Content::Choice {
            options, answer, ..
        } => normalize(&options[*answer]) == option,
        Content::Term {
            term,
            definition,
            accept,
            ..
        } => {
            if question.prompt.starts_with("Which of these describes ") {
                // Any definition of this term is right.
                pairs.contains(&(normalize(term), option))
            } else {
                assert!(
                    question
                        .prompt
                        .starts_with("Which term does this define?\n"),
                    "{question:?}"
                );
                // Any term that has this definition is right, and so are its accepted spellings.
                pairs.contains(&(option.clone(), normalize(definition)))
                    || accept.iter().any(|a| normalize(a) == option)
            }
        }
        Content::Table { subjects, rows, .. } => {
            let row = &rows[row.expect("a table question names its row")];
            let aspect = row.aspect.to_lowercase();
            if let Some(shown) = question
                .prompt
                .strip_prefix(&format!("{}: ", row.aspect))
                .and_then(|rest| rest.strip_suffix("\nWhich one is this?"))
            {
                // Subjects are told apart by their exact text.
                subjects
                    .iter()
                    .zip(&row.cells)
                    .any(|(s, c)| s == shown_option && normalize(c) == normalize(shown))
            } else {
                let asked: Vec<&String> = subjects
                    .iter()
                    .zip(&row.cells)
                    .filter(|(s, _)| {
                        question.prompt == format!("Which describes the {aspect} of {s}?")
                    })
                    .map(|(_, c)| c)
                    .collect();
                assert!(!asked.is_empty(), "unexpected table question {question:?}");
                asked.iter().any(|c| normalize(c) == option)
            }
        }
        other => panic!("a {} card asked as multiple choice", other.kind()),
    }
}

/// Whether a true/false statement is true, according to the deck.
fn truth(deck: &Deck, question: &Question) -> bool {
    let (card, row) = source(deck, question);
    match &card.content {
        Content::Statement { answer, .. } => *answer,
        Content::Term { .. } => {
            let rest = question
                .prompt
                .strip_prefix("True or false? This describes ")
                .expect("term statement");
            let (claimed, definition) = rest.split_once(":\n").expect("term and definition");
            let (claimed, definition) = (normalize(claimed), normalize(definition));
            let has = term_pairs(deck).contains(&(claimed.clone(), definition.clone()));
            assert!(
                has || !fits(deck, &claimed, &definition),
                "a statement that is true in part: {question:?}"
            );
            has
        }
        Content::Table { subjects, rows, .. } => {
            let row = &rows[row.expect("a table statement names its row")];
            let lead = format!("True or false? {} of ", row.aspect);
            let rest = question
                .prompt
                .strip_prefix(&lead)
                .expect("table statement");
            let readings: Vec<bool> = subjects
                .iter()
                .zip(&row.cells)
                .filter_map(|(s, own)| {
                    let shown = rest.strip_prefix(&format!("{s}: "))?;
                    Some(normalize(own) == normalize(shown))
                })
                .collect();
            assert!(!readings.is_empty(), "no subject in {question:?}");
            assert!(
                readings.iter().all(|r| *r == readings[0]),
                "ambiguous statement {question:?}"
            );
            readings[0]
        }
        other => panic!("a {} card asked as true/false", other.kind()),
    }
}

fn check_question(deck: &Deck, question: &Question) -> Result<(), TestCaseError> {
    match &question.body {
        Body::Choice { options, correct } => {
            prop_assert_eq!(question.kind, Kind::Mcq);
            prop_assert!(*correct < options.len(), "{:?}", question);
            prop_assert!(options.len() <= 8, "{:?}", question);
            let normalized: HashSet<String> = options.iter().map(|o| normalize(o)).collect();
            prop_assert_eq!(
                normalized.len(),
                options.len(),
                "options distinct: {:?}",
                question
            );
            let right_options: Vec<usize> = options
                .iter()
                .enumerate()
                .filter(|(_, o)| is_right(deck, question, o))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(
                right_options,
                vec![*correct],
                "exactly one right option, the marked one: {:?}",
                question
            );
            for (i, option) in options.iter().enumerate() {
                if i != *correct
                    && let Some(problem) = bad_wrong_option(deck, question, option)
                {
                    prop_assert!(false, "{}: {:?}", problem, question);
                }
            }
        }
        Body::TrueFalse { answer } => {
            prop_assert_eq!(question.kind, Kind::Tf);
            prop_assert_eq!(*answer, truth(deck, question), "{:?}", question);
        }
        Body::Blank { blanks, .. } => {
            prop_assert_eq!(question.kind, Kind::Blank);
            prop_assert!(!blanks.is_empty());
            prop_assert!(
                blanks
                    .iter()
                    .all(|b| !b.is_empty() && !b[0].trim().is_empty())
            );
            prop_assert_eq!(
                question.prompt.matches("_____").count(),
                blanks.len(),
                "one gap per blank: {:?}",
                question
            );
        }
        Body::Typed { accepted, .. } => {
            prop_assert_eq!(question.kind, Kind::Typed);
            prop_assert!(!accepted.is_empty());
        }
        Body::Flash { back } => {
            prop_assert_eq!(question.kind, Kind::Flash);
            prop_assert!(!back.trim().is_empty());
        }
    }
    Ok(())
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Deterministic runs: a fixed seed, and no regression files written into the source tree.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x0070_6d71_7569_7a00),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn every_question_is_consistent_with_the_deck(
        (_text, deck) in deck_strategy(),
        kinds in kinds_strategy(),
        seed in any::<u64>(),
    ) {
        let filter = Filter { kinds: kinds.clone(), tags: Vec::new() };
        let decks = [deck];
        let questions = generate(&decks, &filter, 100, &mut rng(seed));
        let mut ids = HashSet::new();
        for question in &questions {
            prop_assert!(kinds.contains(&question.kind), "{:?}", question);
            prop_assert!(ids.insert(question.card_id.clone()), "one question per card: {:?}", question);
            prop_assert_eq!(&question.deck_id, "gen");
            check_question(&decks[0], question)?;
        }
    }

    #[test]
    fn the_requested_count_is_honoured_when_there_are_enough_cards(
        (_text, deck) in deck_strategy(),
        count in 0usize..20,
        seed in any::<u64>(),
    ) {
        let available = item_count(&deck);
        let decks = [deck];
        let questions = generate(&decks, &Filter::default(), count, &mut rng(seed));
        prop_assert_eq!(questions.len(), count.min(available));
    }

    #[test]
    fn only_cards_with_a_requested_tag_are_asked(
        (_text, deck) in deck_strategy(),
        tag in prop::sample::select(TAGS),
        seed in any::<u64>(),
    ) {
        let filter = Filter { kinds: Kind::ALL.to_vec(), tags: vec![tag.to_string()] };
        let tagged = deck.cards.iter().filter(|c| c.tags.iter().any(|t| t == tag)).count();
        let decks = [deck];
        let questions = generate(&decks, &filter, 100, &mut rng(seed));
        for question in &questions {
            prop_assert!(question.tags.iter().any(|t| t == tag), "{:?}", question);
        }
        prop_assert_eq!(questions.is_empty(), tagged == 0);
    }

    #[test]
    fn the_same_seed_gives_the_same_questions(
        (_text, deck) in deck_strategy(),
        kinds in kinds_strategy(),
        count in 1usize..15,
        seed in any::<u64>(),
    ) {
        let filter = Filter { kinds, tags: Vec::new() };
        let decks = [deck];
        let first = generate(&decks, &filter, count, &mut rng(seed));
        let second = generate(&decks, &filter, count, &mut rng(seed));
        prop_assert_eq!(first, second);
    }

    #[test]
    fn a_generated_deck_survives_a_round_trip_through_its_text(
        (text, deck) in deck_strategy(),
    ) {
        let again = parse_deck(&text, "gen.toml", "gen", Origin::BuiltIn).expect("valid");
        prop_assert_eq!(again.review_ids(), deck.review_ids());
    }
}

/// The fact keys of each item of a deck, by review id: its own `fact` (a row's, else its
/// table's), or the item itself (named with its deck, so that it is unique across decks).
fn facts_by_item(deck: &Deck) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for card in &deck.cards {
        match &card.content {
            Content::Table { rows, .. } => {
                for row in rows {
                    let id = format!("{}/{}", card.id, row.id);
                    let facts = if !row.facts.is_empty() {
                        row.facts.clone()
                    } else if !card.facts.is_empty() {
                        card.facts.clone()
                    } else {
                        vec![format!("\u{1f}{}/{id}", deck.id)]
                    };
                    out.push((id, facts));
                }
            }
            _ => {
                let facts = if card.facts.is_empty() {
                    vec![format!("\u{1f}{}/{}", deck.id, card.id)]
                } else {
                    card.facts.clone()
                };
                out.push((card.id.clone(), facts));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_session_asks_each_fact_once_while_the_deck_has_others(
        (_text, deck) in deck_strategy(),
        seed in any::<u64>(),
    ) {
        let facts = facts_by_item(&deck);
        let distinct: HashSet<&String> = facts.iter().flat_map(|(_, f)| f).collect();
        let decks = [deck];
        let questions = generate(&decks, &Filter::default(), distinct.len(), &mut rng(seed));
        prop_assert_eq!(questions.len(), distinct.len());
        let mut asked: HashSet<&String> = HashSet::new();
        for question in &questions {
            let (_, of) = facts.iter().find(|(id, _)| *id == question.card_id).expect("an item");
            for fact in of {
                prop_assert!(asked.insert(fact), "fact {} asked twice: {:?}", fact, questions);
            }
        }
    }
}

/// Over 60 default sessions of 10 questions on the built-in decks, every kind of question is
/// between 12% and 30% of the 600.
#[test]
fn the_default_mix_of_kinds_is_balanced() {
    let decks = pmquiz::deck::builtin_decks();
    let mut by_kind: std::collections::BTreeMap<Kind, usize> = Default::default();
    for seed in 0..60 {
        for question in generate(&decks, &Filter::default(), 10, &mut rng(seed)) {
            *by_kind.entry(question.kind).or_default() += 1;
        }
    }
    let total: usize = by_kind.values().sum();
    assert_eq!(total, 600);
    for kind in Kind::ALL {
        let share = by_kind.get(&kind).copied().unwrap_or(0) as f64 / total as f64;
        assert!(
            (0.12..=0.30).contains(&share),
            "{kind}: {share:.3} of {by_kind:?}"
        );
    }
}

/// Sessions on the built-in decks never ask a fact twice: the decks have far more than a
/// session's worth.
#[test]
fn built_in_sessions_ask_each_fact_once() {
    let decks = pmquiz::deck::builtin_decks();
    let facts: Vec<(String, Vec<String>)> = decks
        .iter()
        .flat_map(|d| {
            facts_by_item(d)
                .into_iter()
                .map(move |(id, f)| (format!("{}/{id}", d.id), f))
        })
        .collect();
    for seed in 0..30 {
        for count in [10, 30] {
            let questions = generate(&decks, &Filter::default(), count, &mut rng(seed));
            let mut asked = HashSet::new();
            for q in &questions {
                let id = format!("{}/{}", q.deck_id, q.card_id);
                let (_, of) = facts.iter().find(|(i, _)| *i == id).expect("an item");
                for fact in of {
                    assert!(
                        asked.insert(fact.clone()),
                        "seed {seed}, {count} questions: fact {fact} asked twice"
                    );
                }
            }
        }
    }
}

// Known generator bugs, kept as properties to run with `cargo test -- --ignored`.
proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn multiple_choice_questions_offer_a_real_choice(
        (_text, deck) in deck_strategy(),
        seed in any::<u64>(),
    ) {
        let filter = Filter { kinds: vec![Kind::Mcq], tags: Vec::new() };
        let decks = [deck];
        for question in generate(&decks, &filter, 100, &mut rng(seed)) {
            if let Body::Choice { options, .. } = &question.body {
                prop_assert!(options.len() >= 2, "at least two options: {:?}", question);
            }
        }
    }


    #[test]
    fn multiple_choice_has_one_right_option_when_terms_share_definitions(
        (_text, deck) in decks_with_shared_definitions(),
        seed in any::<u64>(),
    ) {
        let filter = Filter { kinds: vec![Kind::Mcq], tags: Vec::new() };
        let decks = [deck];
        for question in generate(&decks, &filter, 100, &mut rng(seed)) {
            check_question(&decks[0], &question)?;
        }
    }
}

/// Pieces of deck files, to build texts that get past the TOML parser and into validation.
const FRAGMENTS: &[&str] = &[
    "[deck]\n",
    "name = \"n\"\n",
    "id = \"x\"\n",
    "id = \"bad id\"\n",
    "tags = [\"a\", 1]\n",
    "[[card]]\n",
    "question = \"q\"\n",
    "answer = \"a\"\n",
    "answer = 3\n",
    "answer = true\n",
    "accept = [\"\", \"é\"]\n",
    "wrong = [\"a\"]\n",
    "[[term]]\n",
    "term = \"T\"\n",
    "definition = \"d\"\n",
    "examples = [\"t here\", \"{{\", \"}}{{x}}\", \"{{|}}\"]\n",
    "reverse = \"no\"\n",
    "[[statement]]\n",
    "text = \"s\"\n",
    "text = \"{{a|b}} and {{c}}\"\n",
    "text = \"ÿ {{ü\"\n",
    "text = \"\\\"{{}}\\\"\"\n",
    "text = '''\n{{x}}\n'''\n",
    "[[cloze]]\n",
    "[[choice]]\n",
    "options = [\"a\", \"A.\", \"b\"]\n",
    "options = []\n",
    "[[table]]\n",
    "subjects = [\"s\", \"t\"]\n",
    "subjects = [\"s\"]\n",
    "[[table.row]]\n",
    "aspect = \"Aspect é\"\n",
    "cells = [\"1\", \"2\"]\n",
    "cells = [\"1\"]\n",
    "row = 5\n",
    "card = 5\n",
    "qestion = \"typo\"\n",
    "\t\u{feff}é = 1\n",
    "= \n",
    "\"\n",
    "\r\n",
];

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|f| f.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
        let _ = parse_deck(&text, "fuzz.toml", "fuzz", Origin::BuiltIn);
    }

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_deck(&text, "fuzz.toml", "fuzz", Origin::BuiltIn);
    }

    #[test]
    fn parsing_deck_like_text_never_panics_and_valid_decks_generate(
        text in fragments(),
        seed in any::<u64>(),
    ) {
        match parse_deck(&text, "fuzz.toml", "fuzz", Origin::BuiltIn) {
            Ok(deck) => {
                prop_assert!(!deck.cards.is_empty());
                let decks = [deck];
                let questions = generate(&decks, &Filter::default(), 50, &mut rng(seed));
                for question in &questions {
                    check_question(&decks[0], question)?;
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    // Every diagnostic points inside the text and renders.
                    prop_assert!(e.line >= 1 && e.column >= 1 && e.marker.start < e.marker.end);
                    prop_assert!(e.line <= text.lines().count().max(1) + 1, "{:?}", e);
                    let shown = e.to_string();
                    let headline = format!("fuzz.toml:{}:{}: error: ", e.line, e.column);
                    prop_assert!(shown.starts_with(&headline), "{}", shown);
                    prop_assert!(shown.contains("= help: "), "{}", shown);
                }
            }
        }
    }
}
