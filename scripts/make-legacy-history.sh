#!/usr/bin/env bash
# Makes tests/fixtures/history/legacy.db: a review history recorded by pmquiz 0.1.0 (commit
# 870c06e), whose derived card ids were 32 bits, for the test that checks that such a history
# moves to the current 64-bit ids. Builds that commit in a temporary worktree.
#
# Usage: scripts/make-legacy-history.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach "$work/src" 870c06e >/dev/null
cargo build --quiet --release --manifest-path "$work/src/Cargo.toml" --target-dir "$work/target"
old="$work/target/release/pmquiz"

data="$work/data"
deck="$root/tests/fixtures/history/legacy.toml"
# Every card as a flashcard, graded Good: any line reveals the back, then `3`.
answers=$(for _ in $(seq 7); do printf '\n3\n'; done)
printf '%s\n' "$answers" |
    env -i PATH="$PATH" TZ=UTC NO_COLOR=1 PMQUIZ_DATA_DIR="$data" PMQUIZ_DECKS= \
        PMQUIZ_NOW=2026-01-31T09:00:00Z \
        "$old" run --deck "$deck" --kinds flash --count 7 --seed 1 --format json >/dev/null
test ! -e "$data/pmquiz.db-wal"
cp "$data/pmquiz.db" tests/fixtures/history/legacy.db
echo "wrote tests/fixtures/history/legacy.db"
