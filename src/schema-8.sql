-- pmquiz review history, schema version 8: two indexes that no query reads.
--
-- Applied by src/store.rs as migration 8. Never edited once released.

-- Answers by time across every deck, and cards by due time across every deck. Every query of
-- answers by time, and of cards by due time, names its decks and reads `answers_deck_time`
-- and `cards_deck_due` (or `cards_deck_steps`) instead: `EXPLAIN QUERY PLAN` of each statement
-- pmquiz ran in its whole test suite showed neither index in any plan. Each answer recorded
-- still wrote a page of both, and an import of a big history built both.
DROP INDEX IF EXISTS answers_time;
DROP INDEX IF EXISTS cards_due;
