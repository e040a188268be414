//! `pmquiz new PATH`: write a commented starter deck that uses every card kind.

use super::OK;
use anyhow::Context as _;
use std::io::Write;
use std::path::Path;

/// The starter deck. A test checks that it passes `pmquiz check`.
pub(super) const STARTER: &str = include_str!("starter.toml");

pub(super) fn run(path: &Path) -> anyhow::Result<u8> {
    if path.extension().is_none_or(|e| e != "toml") {
        anyhow::bail!(
            "{} does not end in .toml; deck files need the .toml extension to be found",
            path.display()
        );
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "{} already exists; pmquiz new never overwrites a file: choose another path",
                path.display()
            ),
            _ => anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
        })?;
    file.write_all(STARTER.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "Wrote {}. Check it with `pmquiz check {0}`, try it with `pmquiz run --deck {0}`.",
        path.display()
    );
    Ok(OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Content, Origin, parse_deck};

    #[test]
    fn the_starter_deck_is_valid_and_uses_every_kind() {
        let deck = parse_deck(STARTER, "starter.toml", "starter", Origin::BuiltIn).expect("valid");
        let mut kinds: Vec<&str> = deck.cards.iter().map(|c| c.content.kind()).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(
            kinds,
            ["card", "choice", "cloze", "statement", "table", "term"]
        );
        // It shows the optional fields that change how answers are judged.
        let has = |f: &dyn Fn(&Content) -> bool| deck.cards.iter().any(|c| f(&c.content));
        assert!(has(
            &|c| matches!(c, Content::Card { keywords, .. } if !keywords.is_empty())
        ));
        assert!(has(&|c| matches!(
            c,
            Content::Card {
                list: Some(true),
                ..
            }
        )));
        assert!(has(&|c| matches!(
            c,
            Content::Cloze {
                any_order: Some(_),
                ..
            }
        )));
        assert!(deck.cards.iter().any(|c| !c.facts.is_empty()));
        assert!(deck.cards.iter().any(|c| !c.kinds.is_empty()));
        assert!(has(
            &|c| matches!(c, Content::Term { includes, exclusive: true, .. } if !includes.is_empty())
        ));
    }
}
