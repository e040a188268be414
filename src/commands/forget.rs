//! `pmquiz forget DECK [--card ID]`: clear a schedule after confirmation; the history stays.

use super::history::open_store;
use super::{Context, FAILURE, OK};
use crate::cli::ForgetArgs;
use crate::deck::{DeckSource, plural};
use crate::library::LoadError;
use std::io::IsTerminal;

pub(super) fn run(cx: &Context, args: &ForgetArgs) -> anyhow::Result<u8> {
    // A deck that no longer exists can still have a schedule: accept its bare id.
    let (deck, deck_id) = match cx.deck(&args.deck) {
        Ok(deck) => {
            let id = deck.id().to_string();
            (Some(deck), id)
        }
        Err(e) => match e.downcast::<LoadError>() {
            Ok(LoadError::UnknownDeck { id, .. }) => (None, id),
            Ok(other) => return Err(other.into()),
            Err(e) => return Err(e),
        },
    };
    let cards: Option<Vec<String>> = deck.as_ref().map(|d| {
        d.review_ids()
            .into_iter()
            .map(std::borrow::Cow::into_owned)
            .collect()
    });
    let what = match &args.card {
        Some(card) => format!("the schedule of card `{card}` in deck `{deck_id}`"),
        None => format!("the schedule of every card in deck `{deck_id}`"),
    };
    let interactive = std::io::stdin().is_terminal();
    if !args.yes && !interactive {
        eprintln!(
            "error: `pmquiz forget` asks for confirmation; pass --yes to clear {what} without asking"
        );
        return Ok(FAILURE);
    }

    let store = open_store(cx, deck.as_slice())?;
    let scheduled = store.card_states(&deck_id)?;
    if cards.is_none() && scheduled.is_empty() {
        anyhow::bail!("no deck and no schedule with id `{deck_id}`; see `pmquiz decks`");
    }
    if let Some(card) = &args.card {
        let in_deck = cards.as_ref().is_some_and(|c| c.contains(card));
        if !in_deck && !scheduled.contains_key(card) {
            anyhow::bail!(
                "deck `{deck_id}` has no card `{card}`; `pmquiz show {deck_id}` lists the card ids"
            );
        }
    }

    if !args.yes {
        // The question is printed as a line of its own, which the terminal wraps as it likes;
        // the prompt that dialoguer redraws stays short enough for one line of any screen.
        println!("This clears {what}; the answer history is kept.");
        let sure = dialoguer::Confirm::new()
            .with_prompt("Clear it?")
            .default(false)
            .interact_opt()?;
        if sure != Some(true) {
            println!("Nothing was changed.");
            return Ok(OK);
        }
    }
    let n = store.forget(&deck_id, args.card.as_deref(), cx.now()?)?;
    println!(
        "Cleared the schedule of {} in `{deck_id}`: {} new again. The answer history is kept.",
        plural(n, "card"),
        if n == 1 { "it is" } else { "they are" }
    );
    Ok(OK)
}
