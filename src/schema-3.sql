-- pmquiz review history, schema version 3: answers judged wrong that the learner counted as
-- right (the study screen's `o` key, "I was right").
--
-- Applied by src/store.rs as migration 3. Never edited once released.

-- 1 when the answer was judged wrong and the learner overrode the check: `correct` is then 1
-- and `rating` the one a right answer gets.
ALTER TABLE answers ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1));
ALTER TABLE practice ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1));
