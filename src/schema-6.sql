-- pmquiz review history, schema version 6: schedules set from outside a card's answers.
--
-- Applied by src/store.rs as migration 6. Never edited once released.

-- A card's schedule as something other than its answers decided it: `pmquiz import
-- --with-history` schedules a card as the other tool's own rules do (its days, its resets).
-- An event like the others: replaying a card's events starts again from the latest schedule
-- set, so every device that has the event gives the card that schedule, and answers after it
-- move it on.
CREATE TABLE schedule_sets (
    event_id    BLOB    PRIMARY KEY CHECK (length(event_id) = 16),
    device      INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    deck_id     TEXT    NOT NULL,
    card_id     TEXT    NOT NULL,
    phase       TEXT    NOT NULL CHECK (phase IN ('new', 'learning', 'review', 'relearning')),
    stability   REAL    NOT NULL,
    difficulty  REAL    NOT NULL,
    due         INTEGER NOT NULL,
    last_review INTEGER NOT NULL,
    reps        INTEGER NOT NULL CHECK (reps >= 0),
    lapses      INTEGER NOT NULL CHECK (lapses >= 0)
) WITHOUT ROWID;
CREATE INDEX schedule_sets_card ON schedule_sets (deck_id, card_id);
