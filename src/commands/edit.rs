//! The study screen's `e` key: open the current card in `$VISUAL` or `$EDITOR` at its line in
//! the deck file, then check the file and ask the card as it now reads.

use crate::deck::{Deck, DeckSource, Origin, card_lines};
use crate::library::OpenDeck;
use crate::library::load_file;
use crate::quiz::{Filter, Kind, Question, generate_for};
use crate::session::Session;
use crate::ui::Frontend;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::path::Path;
use std::process::Command;

/// Edits the card of `question` and updates the session's questions of that card that are still
/// to be asked. Problems (a built-in deck, no editor, a broken edit) become a notice on the
/// screen; the session goes on with the card as it was.
///
/// `decks` are the session's decks as loaded; `seed` makes the new question's choices
/// repeatable.
pub(super) fn edit(
    session: &mut Session,
    decks: &[OpenDeck],
    seed: u64,
    frontend: &mut dyn Frontend,
    question: &Question,
) -> anyhow::Result<()> {
    let Some(deck) = decks.iter().find(|d| d.id() == question.deck_id) else {
        frontend.notice(format!("Deck `{}` is not loaded.", question.deck_id));
        return Ok(());
    };
    let Origin::File(path) = deck.origin() else {
        frontend.notice(format!(
            "`{}` is built into pmquiz and cannot be edited; `pmquiz show {} --format json` shows its cards.",
            deck.id(),
            deck.id()
        ));
        return Ok(());
    };
    // The file as it is now: earlier edits in this session may have moved the card.
    let current = load_file(path).unwrap_or_else(|_| deck.to_deck());
    let card_id = card_of(&question.card_id);
    let index = current.cards.iter().position(|c| c.id == card_id);
    let line = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| index.and_then(|i| card_lines(&text).get(i).copied()))
        .unwrap_or(1);

    let mut outcome = Ok(());
    frontend.outside(&mut || outcome = run_editor(path, line))?;
    if let Err(message) = outcome {
        frontend.notice(message);
        return Ok(());
    }

    let edited = match load_file(path) {
        Ok(deck) => deck,
        Err(error) => {
            let first = error.to_string();
            let first = first.lines().next().unwrap_or_default().to_string();
            frontend.notice(format!(
                "The edit was not taken, the card is asked as it was: {first}"
            ));
            return Ok(());
        }
    };
    // The same id, or (an id derived from the text, which the edit changed) the same place.
    let (new_id, same_id) = match edited.cards.iter().find(|c| c.id == card_id) {
        Some(card) => (card.id.clone(), true),
        None => match index.and_then(|i| edited.cards.get(i)) {
            Some(card) if edited.cards.len() == current.cards.len() => (card.id.clone(), false),
            _ => {
                frontend.notice(format!(
                    "Card `{card_id}` is no longer in {}; it is asked as it was.",
                    path.display()
                ));
                return Ok(());
            }
        },
    };
    let row = question.card_id.split_once('/').map(|(_, row)| row);
    let wanted = match row {
        Some(row) => format!("{new_id}/{row}"),
        None => new_id.clone(),
    };
    let Some(fresh) = regenerate(&edited, &wanted, question.kind, seed) else {
        frontend.notice(format!(
            "Card `{new_id}` can no longer be asked; it is asked as it was this session."
        ));
        return Ok(());
    };
    let replaced = session.replace(&question.deck_id, &question.card_id, &fresh);
    frontend.notice(match (same_id, replaced) {
        (true, 0) => "Card saved; its new text is used from the next session.".to_string(),
        (true, _) => "Card saved and reloaded.".to_string(),
        (false, _) => format!(
            "Card saved. Its id was derived from its text and is now `{new_id}`: its history \
             starts again (give it an `id` to keep history across edits)."
        ),
    });
    Ok(())
}

/// `TABLE/ROW` → `TABLE`: the card a table row belongs to.
fn card_of(card_id: &str) -> &str {
    card_id.split_once('/').map_or(card_id, |(card, _)| card)
}

/// The card as a question of the same kind, or of any kind it can still be asked as.
fn regenerate(deck: &Deck, card_id: &str, kind: Kind, seed: u64) -> Option<Question> {
    let wanted = [(0, card_id.to_string())];
    let decks = std::slice::from_ref(deck);
    let same_kind = Filter {
        kinds: vec![kind],
        tags: Vec::new(),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    generate_for(decks, &wanted, 1, &same_kind, &mut rng)
        .pop()
        .or_else(|| generate_for(decks, &wanted, 1, &Filter::default(), &mut rng).pop())
}

/// Runs `$VISUAL`, else `$EDITOR`, else `vi` on `path` at `line` and waits for it.
fn run_editor(path: &Path, line: usize) -> Result<(), String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = Command::new(program)
        .args(words)
        .arg(format!("+{line}"))
        .arg(path)
        .status()
        .map_err(|e| {
            format!("Could not start the editor `{editor}`: {e} (set $VISUAL or $EDITOR)")
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "The editor `{editor}` failed ({status}); the card is asked as it was."
        ))
    }
}
