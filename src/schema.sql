-- pmquiz review history, schema version 1.
--
-- Applied by src/store.rs as migration 1 to an empty database. Later schema
-- changes are added there as further numbered migrations; this file is never
-- edited once released. PRAGMA user_version holds the schema version.
--
-- Times are INTEGER milliseconds since the Unix epoch, UTC.

-- Every answer ever given: the review history. Never deleted by pmquiz.
CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    deck_id       TEXT    NOT NULL,
    card_id       TEXT    NOT NULL,
    question_kind TEXT    NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    given         TEXT    NOT NULL,
    expected      TEXT    NOT NULL,
    answered_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    session_id    TEXT    NOT NULL
);

-- Per-card history and miss counts; `correct` makes it a covering index
-- for the GROUP BY in the statistics query.
CREATE INDEX answers_card ON answers (deck_id, card_id, correct);
-- Answers in a time range, across decks.
CREATE INDEX answers_time ON answers (answered_at);
-- Answers of one deck in a time range (recent answers, study days).
CREATE INDEX answers_deck_time ON answers (deck_id, answered_at);

-- The current schedule of every card answered at least once. Deleting a row
-- makes the card new again; its history stays in `answers`.
CREATE TABLE cards (
    deck_id     TEXT    NOT NULL,
    card_id     TEXT    NOT NULL,
    phase       TEXT    NOT NULL CHECK (phase IN ('new', 'learning', 'review', 'relearning')),
    stability   REAL    NOT NULL,
    difficulty  REAL    NOT NULL,
    due         INTEGER NOT NULL,
    last_review INTEGER NOT NULL,
    reps        INTEGER NOT NULL CHECK (reps >= 0),
    lapses      INTEGER NOT NULL CHECK (lapses >= 0),
    PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;

-- Cards due by a time, across decks.
CREATE INDEX cards_due ON cards (due);
-- Cards of one deck due by a time.
CREATE INDEX cards_deck_due ON cards (deck_id, due);
