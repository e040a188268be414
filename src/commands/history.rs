//! The review history as a session sees it: every answer recorded, and the first answer to each
//! question scheduled, as it is given.

use super::Context;
use super::study::Recorder;
use crate::cli::SessionArgs;
use crate::deck::{DeckSource, legacy_renames};
use crate::library::OpenDeck;
use crate::quiz::{Kind, Question};
use crate::schedule::{CardState, Phase, Rating, RatingMap, Scheduler, rating_of};
use crate::session::Attempt;
use crate::store::{AnswerRecord, Recorded, Store};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Records answers in the store and moves each card along its FSRS schedule.
pub(crate) struct History {
    store: Store,
    scheduler: Scheduler,
    rating_map: RatingMap,
    session_id: String,
    /// The clock for tests (`PMQUIZ_NOW`); otherwise the time of each answer.
    fixed_now: Option<DateTime<Utc>>,
    /// This session's answers, latest last.
    kept: Vec<Kept>,
}

impl History {
    pub(crate) fn new(cx: &Context, store: Store, opts: &SessionArgs) -> anyhow::Result<Self> {
        let scheduler = cx.session_scheduler(opts.retention)?;
        let now = cx.now()?;
        Ok(History {
            store,
            scheduler,
            rating_map: cx.config()?.rating_map.unwrap_or_default(),
            session_id: format!("{}-{}", now.timestamp_millis(), std::process::id()),
            fixed_now: cx.fixed_now()?,
            kept: Vec::new(),
        })
    }
}

/// An answer this session recorded, kept so that it can be undone or overridden.
struct Kept {
    kind: Kind,
    recorded: Recorded,
    answered_at: DateTime<Utc>,
}

impl History {
    /// The history the session records in.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    fn now(&self) -> DateTime<Utc> {
        self.fixed_now.unwrap_or_else(Utc::now)
    }

    /// How long from `now` until the card is due (zero for a card without a schedule).
    fn until(state: Option<&CardState>, now: DateTime<Utc>) -> Duration {
        state.map_or(Duration::ZERO, |s| {
            (s.due - now).to_std().unwrap_or(Duration::ZERO)
        })
    }
}

impl Recorder for History {
    /// The first attempt at a question is a review: recorded and scheduled in one transaction.
    /// A later attempt (learn mode, after a miss, seconds later) is practice: recorded, but the
    /// card's schedule stays as the first attempt left it.
    fn record(&mut self, question: &Question, attempt: &Attempt) -> anyhow::Result<Duration> {
        let now = self.now();
        // Only the recognition-hard map needs the card's phase; it is read again, with the
        // schedule, inside the write.
        let phase = match self.rating_map {
            RatingMap::Standard => Phase::Review,
            RatingMap::RecognitionHard => self
                .store
                .card_state(&question.deck_id, &question.card_id)?
                .map_or(Phase::New, |s| s.phase),
        };
        let rating = rating_of(
            self.rating_map,
            question.kind,
            phase,
            &attempt.outcome,
            attempt.elapsed,
        );
        let record = AnswerRecord {
            deck_id: question.deck_id.clone(),
            card_id: question.card_id.clone(),
            question_kind: question.kind.as_str().to_string(),
            correct: attempt.outcome.verdict.is_right(),
            rating,
            given: attempt.outcome.given.clone(),
            expected: question.expected(),
            answered_at: now,
            duration: attempt.elapsed,
            session_id: self.session_id.clone(),
        };
        let recorded = if attempt.first {
            let scheduler = &self.scheduler;
            self.store
                .review(&record, |previous| scheduler.review(previous, rating, now))?
        } else {
            self.store.practice(&record)?
        };
        let until = Self::until(recorded.next.as_ref(), now);
        self.kept.push(Kept {
            kind: question.kind,
            recorded,
            answered_at: now,
        });
        Ok(until)
    }

    fn preview(&mut self, question: &Question) -> anyhow::Result<[Duration; 4]> {
        let now = self.now();
        let previous = self
            .store
            .card_state(&question.deck_id, &question.card_id)?;
        Ok(Rating::ALL.map(|rating| {
            let next = self.scheduler.review(previous.as_ref(), rating, now);
            Self::until(Some(&next), now)
        }))
    }

    fn phase(&mut self, question: &Question) -> anyhow::Result<Phase> {
        Ok(self
            .store
            .card_state(&question.deck_id, &question.card_id)?
            .map_or(Phase::New, |state| state.phase))
    }

    fn undo(&mut self) -> anyhow::Result<()> {
        if let Some(last) = self.kept.pop() {
            let now = self.now();
            self.store
                .undo(last.recorded.event, last.recorded.previous.as_ref(), now)?;
        }
        Ok(())
    }

    fn override_last(&mut self, attempt: &Attempt) -> anyhow::Result<Duration> {
        let now = self.now();
        let last = self
            .kept
            .last_mut()
            .ok_or_else(|| anyhow::anyhow!("no answer recorded in this session to override"))?;
        let phase = last
            .recorded
            .previous
            .as_ref()
            .map_or(Phase::New, |s| s.phase);
        let rating = rating_of(
            self.rating_map,
            last.kind,
            phase,
            &attempt.outcome,
            attempt.elapsed,
        );
        let next = if last.recorded.practice {
            last.recorded.next.clone()
        } else {
            Some(
                self.scheduler
                    .review(last.recorded.previous.as_ref(), rating, last.answered_at),
            )
        };
        if let Some(state) = &next {
            self.store
                .override_answer(&last.recorded, rating, state, now)?;
        }
        last.recorded.next = next;
        Ok(Self::until(last.recorded.next.as_ref(), now))
    }
}

/// Opens the review history for sessions and statistics over `decks`, brought up to date for
/// them (see [`adopt_and_replay`]).
pub(crate) fn open_store(cx: &Context, decks: &[OpenDeck]) -> anyhow::Result<Store> {
    let store = Store::open(cx.data_dir()?)?;
    adopt_and_replay(cx, &store, decks)?;
    Ok(store)
}

/// History recorded under the card ids older pmquiz versions derived (32-bit) moves to the
/// current ids of the cards of `decks`.
///
/// Cards left for a replay (an answer recorded out of time order with another device's, or a
/// sync killed before it replayed) then get their schedules computed from their events.
pub(crate) fn adopt_and_replay(
    cx: &Context,
    store: &Store,
    decks: &[OpenDeck],
) -> anyhow::Result<()> {
    for deck in decks {
        let old = store.legacy_ids(deck.id())?;
        if !old.is_empty() {
            store.adopt_ids(deck.id(), &legacy_renames(&deck.to_deck(), &old))?;
        }
    }
    if store.pending_replays()? > 0 {
        store.replay_pending(&cx.scheduler()?)?;
    }
    Ok(())
}

/// Opens the review history to share it (sync, export, import), made ready by
/// [`ready_to_share`].
pub(crate) fn open_store_to_share(cx: &Context) -> anyhow::Result<Store> {
    let store = Store::open(cx.data_dir()?)?;
    ready_to_share(cx, &store)?;
    Ok(store)
}

/// Makes the history ready to share: history still recorded under the card ids older pmquiz
/// versions derived moves to the current ids of every available deck first, so that every
/// device names a card the same way. The decks are only loaded when there is such history.
pub(crate) fn ready_to_share(cx: &Context, store: &Store) -> anyhow::Result<()> {
    adopt_and_replay(cx, store, &[])?;
    if store.has_legacy_ids()? {
        adopt_and_replay(cx, store, &cx.decks_or_all(&[])?)?;
    }
    Ok(())
}
