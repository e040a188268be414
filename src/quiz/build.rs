//! Building the question of a chosen variant, one function per card kind: its prompt, what
//! counts as right, the wrong options drawn for it, and an explanation that reads right for it.

use super::item::{Item, Variant};
use super::pools::{Pools, Rights, draw};
use super::question::{Body, Question};
use super::text::{Folded, normalize, normalize_accented, reads_as_list, shape};
use crate::deck::{Answer, Cloze, Content, Row};
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

/// At most this many options in a multiple-choice question.
pub(super) const MAX_OPTIONS: usize = 4;
const GAP: &str = "_____";

/// A question's own parts, before the common fields are added.
struct Asked {
    prompt: String,
    body: Body,
    /// A first line of explanation that belongs to this question only.
    lead: Option<String>,
}

impl Asked {
    fn new(prompt: String, body: Body) -> Self {
        Asked {
            prompt,
            body,
            lead: None,
        }
    }
}

/// Builds the question `variant` asks of `item`, or `None` when it cannot be asked well (a
/// multiple-choice question without a wrong option that is really wrong).
pub(super) fn build(
    deck_id: &str,
    item: &Item<'_>,
    variant: Variant,
    pools: &Pools<'_>,
    rng: &mut impl Rng,
) -> Option<Question> {
    let card = item.card;
    let asked = match (&card.content, item.row) {
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
        ) => {
            let card = QaCard {
                question,
                answer,
                accept,
                wrong,
                keywords,
                list: *list,
                tags: &card.tags,
            };
            qa_question(&card, variant, pools, rng)?
        }
        (
            Content::Term {
                term,
                definition,
                examples,
                accept,
                ..
            },
            _,
        ) => term_question(term, definition, examples, accept, variant, pools, rng)?,
        (Content::Statement { text, answer }, _) => statement_question(text, *answer, variant),
        (
            Content::Cloze {
                cloze, any_order, ..
            },
            _,
        ) => cloze_question(cloze, *any_order, variant),
        (
            Content::Choice {
                question,
                options,
                answer,
            },
            _,
        ) => Asked::new(
            question.clone(),
            choice(options.clone(), &options[*answer], rng),
        ),
        (
            Content::Table {
                subjects, title, ..
            },
            Some(row),
        ) => row_question(title.as_deref(), subjects, row, variant, rng)?,
        (Content::Table { .. }, None) => unreachable!("tables are asked row by row"),
    };
    if matches!(&asked.body, Body::Choice { options, .. } if options.len() < 2) {
        return None;
    }
    let own = item
        .row
        .map_or(card.explain.as_ref(), |r| r.explain.as_ref());
    let explain = match (asked.lead, own) {
        (Some(lead), Some(own)) => Some(format!("{lead} {own}")),
        (lead, own) => lead.or_else(|| own.cloned()),
    };
    Some(Question {
        deck_id: deck_id.to_string(),
        card_id: item.card_id(),
        kind: variant.kind(),
        prompt: asked.prompt,
        body: asked.body,
        explain,
        tags: item.tags(),
    })
}

/// The options shuffled, with the index of the right one.
fn choice(mut options: Vec<String>, correct: &str, rng: &mut impl Rng) -> Body {
    options.shuffle(rng);
    let correct = options
        .iter()
        .position(|o| o == correct)
        .expect("the right option is present");
    Body::Choice { options, correct }
}

/// The fields of a `[[card]]`.
struct QaCard<'a> {
    question: &'a str,
    answer: &'a String,
    accept: &'a [String],
    wrong: &'a [String],
    keywords: &'a [String],
    list: Option<bool>,
    tags: &'a [String],
}

fn qa_question(
    card: &QaCard<'_>,
    variant: Variant,
    pools: &Pools<'_>,
    rng: &mut impl Rng,
) -> Option<Asked> {
    let answer = card.answer;
    let question = card.question.to_string();
    Some(match variant {
        Variant::Flash { .. } => Asked::new(
            question,
            Body::Flash {
                back: answer.clone(),
            },
        ),
        Variant::Typed => {
            let accepted: Vec<String> = std::iter::once(answer)
                .chain(card.accept)
                .cloned()
                .collect();
            let rejected = accent_twins(card.wrong, &accepted);
            let keywords = card
                .keywords
                .iter()
                .map(|k| k.split('|').map(|a| a.trim().to_string()).collect())
                .collect();
            let list = card.list.unwrap_or_else(|| reads_as_list(answer));
            Asked::new(
                question,
                Body::Typed {
                    accepted,
                    keywords,
                    list,
                    rejected,
                },
            )
        }
        Variant::Mcq { .. } => {
            let rights = Rights::new(
                std::iter::once(answer.as_str()).chain(card.accept.iter().map(String::as_str)),
            );
            let own = shape(answer);
            let mut taken = vec![Folded::new(answer)];
            let mut options = vec![answer.clone()];
            // Written wrong options that differ from a right answer in accents only (`ano` for
            // `año`) first: the author means another word, which folding would take for the
            // answer.
            let rights_written: Vec<String> = std::iter::once(answer)
                .chain(card.accept)
                .cloned()
                .collect();
            let twins = accent_twins(card.wrong, &rights_written);
            options.extend(twins.into_iter().take(MAX_OPTIONS - 1));
            // Then the other written wrong options: any that repeat a right answer, or list
            // another number of items than a list answer, are left out.
            let wrong: Vec<&str> = card.wrong.iter().map(String::as_str).collect();
            let fits_written = |w: &str, f: &Folded| {
                !rights.reject(f) && (own.items == 1 || shape(w).items == own.items)
            };
            let need = MAX_OPTIONS - options.len();
            draw(
                &wrong,
                |w| w,
                fits_written,
                need,
                &mut taken,
                &mut options,
                rng,
            );
            // Then other cards' answers of the same shape (items, hedging, length, yes/no),
            // those sharing a tag first.
            let alike = |a: &str, f: &Folded| !rights.reject(f) && shape(a) == own;
            let shares_tag = |a: Answer<'_>, f: &Folded| {
                a.tags.iter().any(|x| card.tags.iter().any(|t| t == x)) && alike(a.text, f)
            };
            let need = MAX_OPTIONS - options.len();
            draw(
                &pools.answers,
                |a| a.text,
                shares_tag,
                need,
                &mut taken,
                &mut options,
                rng,
            );
            let need = MAX_OPTIONS - options.len();
            draw(
                &pools.answers,
                |a| a.text,
                |a, f| alike(a.text, f),
                need,
                &mut taken,
                &mut options,
                rng,
            );
            Asked::new(question, choice(options, answer, rng))
        }
        _ => unreachable!("variant {variant:?} of a question card"),
    })
}

/// The wrong options of a card that fold to a right answer, accents set aside, though they are
/// written with other accents (`ano` for `año`): other words, which the deck format allows as
/// wrong options and which are wrong when typed.
fn accent_twins(wrong: &[String], rights: &[String]) -> Vec<String> {
    let folded: Vec<String> = rights.iter().map(|r| normalize(r)).collect();
    let written: Vec<String> = rights.iter().map(|r| normalize_accented(r)).collect();
    wrong
        .iter()
        .filter(|w| folded.contains(&normalize(w)) && !written.contains(&normalize_accented(w)))
        .cloned()
        .collect()
}

fn term_question(
    term: &str,
    definition: &str,
    examples: &[Cloze],
    accept: &[String],
    variant: Variant,
    pools: &Pools<'_>,
    rng: &mut impl Rng,
) -> Option<Asked> {
    // Only the questions that offer other terms or definitions need the deck's term index:
    // building it normalizes every term card of the deck.
    let index = || {
        let index = pools.term_index();
        let me = index
            .find(term)
            .expect("a term card's term is in its deck's index");
        (index, me, Folded::new(definition))
    };
    Some(match variant {
        Variant::Flash { reverse: false } => Asked::new(
            format!("What is {term}?"),
            Body::Flash {
                back: definition.to_string(),
            },
        ),
        Variant::Flash { reverse: true } => Asked::new(
            format!("Which term does this define?\n{definition}"),
            Body::Flash {
                back: term.to_string(),
            },
        ),
        Variant::Mcq { reverse: false } => {
            let (index, me, def) = index();
            // Wrong options: definitions that do not describe this term even in part, and
            // that neither repeat nor contain one of its own definitions.
            let rights = Rights::new(index.definitions_of(me));
            let mut taken = vec![def.clone()];
            let mut options = vec![definition.to_string()];
            draw(
                index.all_definitions(),
                |(_, d)| d,
                |(t, _), f| t != me && !index.fits(me, f.norm()) && !rights.reject(f),
                MAX_OPTIONS - 1,
                &mut taken,
                &mut options,
                rng,
            );
            Asked::new(
                format!("Which of these describes {term}?"),
                choice(options, definition, rng),
            )
        }
        Variant::Mcq { reverse: true } => {
            let (index, _, def) = index();
            // Wrong options: terms this definition does not describe, even in part.
            let rights =
                Rights::new(std::iter::once(term).chain(accept.iter().map(String::as_str)));
            let mut taken: Vec<Folded> = vec![Folded::new(term)];
            let mut options = vec![term.to_string()];
            let others: Vec<usize> = (0..index.distinct.len()).collect();
            draw(
                &others,
                |t| index.distinct[t],
                |t, f| !index.fits(t, def.norm()) && !rights.reject(f),
                MAX_OPTIONS - 1,
                &mut taken,
                &mut options,
                rng,
            );
            Asked::new(
                format!("Which term does this define?\n{definition}"),
                choice(options, term, rng),
            )
        }
        Variant::Typed => {
            let accepted = std::iter::once(term)
                .chain(accept.iter().map(String::as_str))
                .map(str::to_string)
                .collect();
            Asked::new(
                format!("Type the term this defines:\n{definition}"),
                Body::Typed {
                    accepted,
                    keywords: Vec::new(),
                    list: false,
                    rejected: Vec::new(),
                },
            )
        }
        Variant::Tf { truthful } => {
            let (index, me, def) = index();
            let mut claimed = me;
            if !truthful {
                // A term this definition does not describe, even in part: probe a bounded
                // number of random terms rather than scanning them all.
                let n = index.distinct.len();
                let unfit = |t: usize| !index.fits(t, def.norm());
                let found = if n <= 64 {
                    let fitting: Vec<usize> = (0..n).filter(|&t| unfit(t)).collect();
                    (!fitting.is_empty()).then(|| fitting[rng.random_range(0..fitting.len())])
                } else {
                    (0..64).map(|_| rng.random_range(0..n)).find(|&t| unfit(t))
                };
                if let Some(t) = found {
                    claimed = t;
                }
            }
            let answer = index.has(claimed, def.norm());
            let shown = if claimed == me {
                term
            } else {
                index.distinct[claimed]
            };
            Asked {
                prompt: format!("True or false? This describes {shown}:\n{definition}"),
                body: Body::TrueFalse { answer },
                lead: (!answer).then(|| format!("That is a definition of {term}.")),
            }
        }
        Variant::Blank { example } => {
            let cloze = &examples[example];
            // The term may be hidden in several places: one answer fills them all.
            let mut blanks = cloze.blanks();
            if blanks.windows(2).all(|w| w[0] == w[1]) {
                blanks.truncate(1);
            }
            // A usage sentence alone often fits several terms: the definition says which.
            Asked::new(
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
    })
}

fn statement_question(text: &str, answer: bool, variant: Variant) -> Asked {
    let prompt = format!("True or false?\n{text}");
    match variant {
        Variant::Flash { .. } => Asked::new(
            prompt,
            Body::Flash {
                back: if answer { "True" } else { "False" }.to_string(),
            },
        ),
        _ => Asked::new(prompt, Body::TrueFalse { answer }),
    }
}

fn cloze_question(cloze: &Cloze, any_order: Option<bool>, variant: Variant) -> Asked {
    match variant {
        Variant::Flash { .. } => Asked::new(
            format!("Recall the missing words:\n{}", cloze.with_gaps(GAP)),
            Body::Flash {
                back: cloze.filled(),
            },
        ),
        _ => Asked::new(
            format!("Fill in the blank:\n{}", cloze.with_gaps(GAP)),
            Body::Blank {
                blanks: cloze.blanks(),
                any_order: cloze.interchangeable(any_order),
            },
        ),
    }
}

fn row_question(
    title: Option<&str>,
    subjects: &[String],
    row: &Row,
    variant: Variant,
    rng: &mut impl Rng,
) -> Option<Asked> {
    let aspect = row.aspect.to_lowercase();
    let cells: Vec<Folded> = row.cells.iter().map(|c| Folded::new(c)).collect();
    let mut asked = match variant {
        Variant::Flash { .. } => {
            let back = subjects
                .iter()
                .zip(&row.cells)
                .map(|(s, c)| format!("{s}: {c}"))
                .collect::<Vec<_>>()
                .join("\n");
            let heading = title.unwrap_or("Compare");
            Asked::new(format!("{heading}: {}?", row.aspect), Body::Flash { back })
        }
        Variant::WhichSubject { cell } => {
            // Wrong options: subjects whose cell of this row says something else.
            let mut options = vec![subjects[cell].clone()];
            let mut taken = vec![Folded::new(&subjects[cell])];
            let others: Vec<usize> = (0..subjects.len()).collect();
            draw(
                &others,
                |j| subjects[j].as_str(),
                |j, _| !cells[j].overlaps(&cells[cell]),
                MAX_OPTIONS - 1,
                &mut taken,
                &mut options,
                rng,
            );
            Asked::new(
                format!("{}: {}\nWhich one is this?", row.aspect, row.cells[cell]),
                choice(options, &subjects[cell], rng),
            )
        }
        Variant::WhichValue { subject } => {
            // Wrong options: the other subjects' cells of the same row only, so that every
            // option answers this aspect, and none that says what the right one says.
            let right = &row.cells[subject];
            let rights = Rights::new([right.as_str()]);
            let mut options = vec![right.clone()];
            let mut taken = vec![cells[subject].clone()];
            let others: Vec<&str> = row.cells.iter().map(String::as_str).collect();
            draw(
                &others,
                |c| c,
                |_, f| !rights.reject(f),
                MAX_OPTIONS - 1,
                &mut taken,
                &mut options,
                rng,
            );
            Asked::new(
                format!("Which describes the {aspect} of {}?", subjects[subject]),
                choice(options, right, rng),
            )
        }
        Variant::TableTf { cell, claimed } => {
            let answer = cells[cell].norm() == cells[claimed].norm();
            Asked::new(
                format!(
                    "True or false? {} of {}: {}",
                    row.aspect, subjects[claimed], row.cells[cell]
                ),
                Body::TrueFalse { answer },
            )
        }
        _ => unreachable!("variant {variant:?} of a table row"),
    };
    // Without an explanation of its own, a row's question is explained by the whole row.
    if row.explain.is_none() {
        let summary: Vec<String> = subjects
            .iter()
            .zip(&row.cells)
            .map(|(s, c)| format!("{s}: {c}"))
            .collect();
        asked.lead = Some(format!("{}.", summary.join("; ")));
    }
    Some(asked)
}
