#!/usr/bin/env bash
# Edits one card of a deck written by examples/bench_data.rs, in place: the answer of card
# c050004 (in the middle of the 100 000-card deck) changes on every call, alternating between
# two texts. scripts/bench.sh runs it before each run of "the first review after an edit".
set -euo pipefail
deck=${1:?usage: bench-edit-card.sh DECK}
if grep -q '^answer = "müşteri 50004"$' "$deck"; then
    sed -i 's/^answer = "müşteri 50004"$/answer = "müşteri 50004 (edited)"/' "$deck"
else
    sed -i 's/^answer = "müşteri 50004 (edited)"$/answer = "müşteri 50004"/' "$deck"
fi
