//! A deck opened for a command: parsed from its file, or read in place from the deck cache.

use super::cache::CachedDeck;
use crate::deck::{Answer, Card, Deck, DeckSource, Origin, Slot, Term};
use std::borrow::Cow;

/// A deck as a command uses it. Both kinds answer every question of [`DeckSource`] the same
/// way; a cached deck builds only the cards asked for.
#[derive(Debug)]
pub enum OpenDeck {
    /// Parsed from its file (a small deck, a built-in one, or one not cached yet).
    Parsed(Deck),
    /// Read in place from its cache entry.
    Cached(Box<CachedDeck>),
}

impl OpenDeck {
    fn source(&self) -> &dyn DeckSource {
        match self {
            OpenDeck::Parsed(deck) => deck,
            OpenDeck::Cached(deck) => deck.as_ref(),
        }
    }

    /// The whole deck, every card built.
    pub fn into_deck(self) -> Deck {
        match self {
            OpenDeck::Parsed(deck) => deck,
            OpenDeck::Cached(deck) => deck.to_deck(),
        }
    }
}

impl From<Deck> for OpenDeck {
    fn from(deck: Deck) -> Self {
        OpenDeck::Parsed(deck)
    }
}

impl DeckSource for OpenDeck {
    fn id(&self) -> &str {
        self.source().id()
    }

    fn name(&self) -> &str {
        self.source().name()
    }

    fn description(&self) -> &str {
        self.source().description()
    }

    fn origin(&self) -> &Origin {
        self.source().origin()
    }

    fn card_count(&self) -> usize {
        self.source().card_count()
    }

    fn slots(&self, tags: &[String]) -> Vec<Slot> {
        self.source().slots(tags)
    }

    fn find(&self, review_ids: &[&str]) -> Vec<Option<Slot>> {
        self.source().find(review_ids)
    }

    fn card(&self, index: u32) -> Option<&Card> {
        self.source().card(index)
    }

    fn review_ids(&self) -> Vec<Cow<'_, str>> {
        self.source().review_ids()
    }

    fn answers(&self) -> Vec<Answer<'_>> {
        self.source().answers()
    }

    fn terms(&self) -> Vec<Term<'_>> {
        self.source().terms()
    }

    fn to_deck(&self) -> Deck {
        self.source().to_deck()
    }
}
