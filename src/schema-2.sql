-- pmquiz review history, schema version 2: practice answers, and the card ids that pmquiz
-- derived from 32-bit hashes until this version.
--
-- Applied by src/store.rs as migration 2. Never edited once released.

-- Answers that did not move a card's schedule: a question asked again in the same session
-- (learn mode) after a miss. Same columns as `answers`, without a rating.
CREATE TABLE practice (
    id            INTEGER PRIMARY KEY,
    deck_id       TEXT    NOT NULL,
    card_id       TEXT    NOT NULL,
    question_kind TEXT    NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    given         TEXT    NOT NULL,
    expected      TEXT    NOT NULL,
    answered_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    session_id    TEXT    NOT NULL
);

-- Practice of one deck in a time range (statistics).
CREATE INDEX practice_deck_time ON practice (deck_id, answered_at);

-- Card ids in the history that look like the ids pmquiz used to derive from a card's text
-- (`KIND-` and 8 hex digits; table rows `table-` and 8 hex digits, `/ROW`). Derived ids now
-- have 16 hex digits; when a deck is next used, the cards it still has are matched to their
-- old ids and their history moves to the new ones (src/store.rs, Store::adopt_ids). What
-- remains here belongs to cards no longer in their deck.
CREATE TABLE legacy_ids (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;

INSERT OR IGNORE INTO legacy_ids (deck_id, card_id)
    SELECT DISTINCT deck_id, card_id FROM answers
    WHERE card_id GLOB '*-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]' OR card_id GLOB 'table-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/*';
INSERT OR IGNORE INTO legacy_ids (deck_id, card_id)
    SELECT deck_id, card_id FROM cards
    WHERE card_id GLOB '*-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]' OR card_id GLOB 'table-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/*';
