-- pmquiz review history, schema version 5: the phase a card was in when it was answered.
--
-- Applied by src/store.rs as migration 5. Never edited once released.

-- `new`, `learning`, `review` or `relearning`: the card's phase before this answer. Answers
-- recorded before version 3 have none (NULL).
ALTER TABLE answers ADD COLUMN phase TEXT
    CHECK (phase IS NULL OR phase IN ('new', 'learning', 'review', 'relearning'));

-- Answers to cards in review, per deck by time and kind: the retention the learner reaches
-- (stats).
CREATE INDEX answers_review_time ON answers (deck_id, answered_at, question_kind, correct)
    WHERE phase = 'review';
