-- pmquiz review history, schema version 7: indexes that let `review` and `stats` read only what
-- they show.
--
-- Applied by src/store.rs as migration 7. Never edited once released.

-- Cards in learning or relearning of one deck, by due time: `review` asks these first, and
-- reads as many as its session holds rather than every card due.
CREATE INDEX cards_deck_steps ON cards (deck_id, due)
    WHERE phase IN ('learning', 'relearning');

-- The missed answers, per deck and card: the hardest cards of `stats` are counted from the
-- misses (about one answer in eight) rather than from every answer.
CREATE INDEX answers_misses ON answers (deck_id, card_id, correct) WHERE correct = 0;

-- Answers per deck by time, now with `correct`: the counts of the last 7 and 30 days are read
-- from the index alone.
DROP INDEX answers_deck_time;
CREATE INDEX answers_deck_time ON answers (deck_id, answered_at, correct);
