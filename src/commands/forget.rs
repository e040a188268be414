//! `pmquiz forget DECK [--card ID]`: clear a schedule after confirmation; the history stays.

use super::{Context, FAILURE, OK};
use crate::cli::ForgetArgs;
use crate::deck::{LoadError, resolve};
use crate::store::Store;
use std::io::IsTerminal;

pub fn run(cx: &Context, args: &ForgetArgs) -> anyhow::Result<u8> {
    // A deck that no longer exists can still have a schedule: accept its bare id.
    let deck_id = match resolve(&args.deck, &cx.deck_dirs) {
        Ok(deck) => deck.id,
        Err(LoadError::UnknownDeck { id, .. }) => id,
        Err(e) => return Err(e.into()),
    };
    let what = match &args.card {
        Some(card) => format!("the schedule of card `{card}` in deck `{deck_id}`"),
        None => format!("the schedule of every card in deck `{deck_id}`"),
    };
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            eprintln!(
                "error: `pmquiz forget` asks for confirmation; pass --yes to clear {what} without asking"
            );
            return Ok(FAILURE);
        }
        let sure = dialoguer::Confirm::new()
            .with_prompt(format!("Clear {what}? The answer history is kept."))
            .default(false)
            .interact_opt()?;
        if sure != Some(true) {
            println!("Nothing was changed.");
            return Ok(OK);
        }
    }
    let store = Store::open(&cx.data_dir)?;
    let n = store.forget(&deck_id, args.card.as_deref())?;
    let cards = if n == 1 { "card" } else { "cards" };
    println!(
        "Cleared the schedule of {n} {cards} in `{deck_id}`; they are new again. The answer history is kept."
    );
    Ok(OK)
}
