#!/usr/bin/env bash
# Fuzzes deck loading and question generation for a bounded time.
#
#   scripts/fuzz.sh                      the `deck` target for 60 seconds
#   scripts/fuzz.sh 300                  five minutes
#   scripts/fuzz.sh 300 -fork=2          extra arguments go to libFuzzer (here: two processes)
#   scripts/fuzz.sh --target answers 300 the `answers` target: questions judge their own answer
#                                        right
#   scripts/fuzz.sh --target blocks 300  the `blocks` target: large decks, parsed block by block,
#                                        give what the one-piece parse gives
#
# Known failures are kept in fuzz/regressions/TARGET/; replay one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/regressions/TARGET/FILE
#
# Installs cargo-fuzz from crates.io when it is missing. The toolchain is stable, so the
# sanitizer flags cargo-fuzz needs are enabled with RUSTC_BOOTSTRAP=1. The corpus starts from
# the built-in decks and the starter deck; it grows in fuzz/corpus/TARGET (not committed).
# A crash leaves its input in fuzz/artifacts/TARGET/ and makes this script fail; replay it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=deck
if [ "${1:-}" = --target ]; then
    TARGET=${2:?--target needs deck, answers or blocks}
    shift 2
fi
TIME=${1:-60}
[ $# -eq 0 ] || shift

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

CORPUS=fuzz/corpus/$TARGET
mkdir -p "$CORPUS" "fuzz/artifacts/$TARGET"
cp decks/*.toml "$CORPUS/"
cp src/commands/starter.toml "$CORPUS/starter.toml"

echo "== fuzzing the $TARGET target for $TIME s"
export RUSTC_BOOTSTRAP=1
cargo fuzz run "$TARGET" "$CORPUS" -- \
    -max_total_time="$TIME" \
    -dict=fuzz/deck.dict \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    "$@"
echo "== no crash in $TIME s; corpus: $(find "$CORPUS" -type f | wc -l) inputs in $CORPUS"
