-- pmquiz review history, schema version 4: events with identity, for `pmquiz sync`.
--
-- Every answer, practice answer, forget, undo and override is an event with a globally unique
-- id (a UUID v7: 48 bits of time in milliseconds, then 74 bits that make it unique, stored as
-- 16 bytes) and the device that made it. Applied by src/store.rs as migration 4. Never edited
-- once released.

-- Every device this history has events of. Numbered here; `id` is the device's UUID.
CREATE TABLE devices (
    num  INTEGER PRIMARY KEY,
    id   BLOB    NOT NULL UNIQUE CHECK (length(id) = 16),
    -- The device's name as its logs give it (its host name); '' until known.
    name TEXT    NOT NULL DEFAULT ''
);

-- Which device this data directory is: one row.
CREATE TABLE this_device (
    num INTEGER NOT NULL
);

-- This device: number 1, a random UUID version 4.
INSERT INTO devices (num, id) VALUES (1, unhex(printf('%08x%04x4%03x%04x%012x',
    random() & 0xffffffff, random() & 0xffff, random() & 0xfff,
    0x8000 | (random() & 0x3fff), random() & 0xffffffffffff)));
INSERT INTO this_device (num) VALUES (1);

-- The answers of versions 1 to 3, each with an event id and this device. An id is a UUID v7
-- of the answer's time whose next 40 bits are the row number (so answers given in the same
-- millisecond keep their order) and whose last 34 bits are random.
CREATE TABLE answers_v4 (
    id            INTEGER PRIMARY KEY,
    event_id      BLOB    NOT NULL CHECK (length(event_id) = 16),
    device        INTEGER NOT NULL,
    deck_id       TEXT    NOT NULL,
    card_id       TEXT    NOT NULL,
    question_kind TEXT    NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    given         TEXT    NOT NULL,
    expected      TEXT    NOT NULL,
    answered_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    session_id    TEXT    NOT NULL,
    overridden    INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1))
);
INSERT INTO answers_v4 (id, event_id, device, deck_id, card_id, question_kind, correct, rating,
                        given, expected, answered_at, duration_ms, session_id, overridden)
    SELECT id,
           unhex(printf('%012x7%03x%016x',
               min(max(answered_at, 0), 0xffffffffffff),
               (id >> 28) & 0xfff,
               -9223372036854775808 | ((id & 0xfffffff) << 34) | (random() & 0x3ffffffff))),
           1, deck_id, card_id, question_kind, correct, rating, given, expected, answered_at,
           duration_ms, session_id, overridden
    FROM answers;
DROP TABLE answers;
ALTER TABLE answers_v4 RENAME TO answers;
CREATE UNIQUE INDEX answers_event ON answers (event_id);
CREATE INDEX answers_card ON answers (deck_id, card_id, correct);
CREATE INDEX answers_time ON answers (answered_at);
CREATE INDEX answers_deck_time ON answers (deck_id, answered_at);

CREATE TABLE practice_v4 (
    id            INTEGER PRIMARY KEY,
    event_id      BLOB    NOT NULL CHECK (length(event_id) = 16),
    device        INTEGER NOT NULL,
    deck_id       TEXT    NOT NULL,
    card_id       TEXT    NOT NULL,
    question_kind TEXT    NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    given         TEXT    NOT NULL,
    expected      TEXT    NOT NULL,
    answered_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    session_id    TEXT    NOT NULL,
    overridden    INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1))
);
-- The same ids as answers, with bit 39 of the row number set: an answer and a practice answer
-- with the same row number in the same millisecond still get different ids.
INSERT INTO practice_v4 (id, event_id, device, deck_id, card_id, question_kind, correct, given,
                         expected, answered_at, duration_ms, session_id, overridden)
    SELECT id,
           unhex(printf('%012x7%03x%016x',
               min(max(answered_at, 0), 0xffffffffffff),
               ((id | 0x8000000000) >> 28) & 0xfff,
               -9223372036854775808 | ((id & 0xfffffff) << 34) | (random() & 0x3ffffffff))),
           1, deck_id, card_id, question_kind, correct, given, expected, answered_at,
           duration_ms, session_id, overridden
    FROM practice;
DROP TABLE practice;
ALTER TABLE practice_v4 RENAME TO practice;
CREATE UNIQUE INDEX practice_event ON practice (event_id);
CREATE INDEX practice_deck_time ON practice (deck_id, answered_at);

-- `pmquiz forget`: a card (card_id) or every card of a deck (card_id NULL) made new again.
CREATE TABLE forgets (
    event_id BLOB    PRIMARY KEY CHECK (length(event_id) = 16),
    device   INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    deck_id  TEXT    NOT NULL,
    card_id  TEXT
) WITHOUT ROWID;
CREATE INDEX forgets_card ON forgets (deck_id, card_id);

-- Answers taken back. The answer's row is deleted; its id stays here, so that the answer is
-- not added again when it arrives from another device.
CREATE TABLE undos (
    event_id BLOB    PRIMARY KEY CHECK (length(event_id) = 16),
    device   INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    target   BLOB    NOT NULL
) WITHOUT ROWID;
CREATE INDEX undos_target ON undos (target);

-- Answers judged wrong that the learner counted as right after all (the study screen's "I was
-- right"). The answer's row is changed (`correct`, `overridden`, `rating`); the event stays
-- here, so that the answer is changed too when it arrives from another device later.
CREATE TABLE overrides (
    event_id BLOB    PRIMARY KEY CHECK (length(event_id) = 16),
    device   INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    target   BLOB    NOT NULL,
    -- The answer's new rating; NULL for a practice answer, which has none.
    rating   INTEGER CHECK (rating BETWEEN 1 AND 4)
) WITHOUT ROWID;
CREATE INDEX overrides_target ON overrides (target);

-- A card answered, then forgotten, before this version has no schedule but has answers:
-- record that forget (just after its last answer), so that replaying the card's events gives
-- the schedule it has.
INSERT INTO forgets (event_id, device, at, deck_id, card_id)
    SELECT unhex(printf('%012x7%03x%016x',
               min(max(last + 1, 0), 0xffffffffffff),
               random() & 0xfff,
               -9223372036854775808 | (random() & 0x3fffffffffffffff))),
           1, last + 1, deck_id, card_id
    FROM (SELECT deck_id, card_id, max(answered_at) AS last FROM answers
          GROUP BY deck_id, card_id) AS answered
    WHERE NOT EXISTS (SELECT 1 FROM cards
                      WHERE cards.deck_id = answered.deck_id AND cards.card_id = answered.card_id);

-- Cards whose schedule must be computed again from their events: written with the events
-- that touch them, in the same transaction, and cleared by the replay. A sync killed between
-- the two finds them here.
CREATE TABLE replay_pending (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;

-- This device's log in each sync folder it has written to: how many bytes of it were
-- written, and the greatest event id the history held then (every event of this device up
-- to it is in the log).
CREATE TABLE sync_logs (
    folder   TEXT    NOT NULL PRIMARY KEY,
    length   INTEGER NOT NULL,
    exported BLOB
) WITHOUT ROWID;

-- How far each other log of a sync folder has been read: up to `offset` (bytes of whole
-- records). `last_start` and `last_crc` are the start and checksum of the last record read;
-- when they no longer match, the file was replaced and is read again from the start.
CREATE TABLE sync_reads (
    folder     TEXT    NOT NULL,
    file       TEXT    NOT NULL,
    offset     INTEGER NOT NULL,
    last_start INTEGER,
    last_crc   INTEGER,
    PRIMARY KEY (folder, file)
) WITHOUT ROWID;
