#!/usr/bin/env bash
# Measures pmquiz's whole-process performance targets and writes the results into
# docs/performance.md (between the bench-results markers).
#
#   scripts/bench.sh            full run: more iterations (about 5 minutes, plus a minute to
#                               generate the data)
#   scripts/bench.sh --quick    fewer iterations (about 2 minutes with data generation)
#   options: --data DIR   keep the generated data in DIR and reuse it on later runs
#            --no-doc     print the table only; leave docs/performance.md alone
#
# Needs hyperfine and GNU time (/usr/bin/time); run as root, the script installs them with
# apt-get. Every pmquiz command runs with --data-dir in a temporary directory (never the real
# user data) and PMQUIZ_NOW fixed, and with --no-save unless recording is what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
DOC=1
DATA=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --no-doc) DOC=0 ;;
        --data) DATA=${2:?--data needs a directory}; shift ;;
        --data=*) DATA=${1#--data=} ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ "$QUICK" = 1 ]; then
    FAST_RUNS=15; SLOW_RUNS=3; WARMUP=1; MEM_RUNS=3; RECORD_RUNS=1
else
    FAST_RUNS=50; SLOW_RUNS=10; WARMUP=3; MEM_RUNS=5; RECORD_RUNS=3
fi
RECORD_N=2000

# --- tools --------------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "bench.sh needs ${missing[*]}: install with 'sudo apt-get install -y ${missing[*]}'" \
             "(hyperfine is also 'cargo install hyperfine'), or run this script as root." >&2
        exit 1
    fi
fi

# --- build --------------------------------------------------------------------------------
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
echo "== building (release) into $TARGET"
cargo build --release --quiet --bin pmquiz --example bench_data --example record_latency \
    --example first_frame
PMQUIZ=$TARGET/release/pmquiz
EXAMPLES=$TARGET/release/examples

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pmquiz-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[ -n "$DATA" ] || DATA=$WORK/data
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
if [ ! -f "$DATA/history/pmquiz.db" ] || [ ! -f "$DATA/bench-100k.toml" ]; then
    echo "== generating decks and a 1 000 000-answer history in $DATA"
    rm -rf "$DATA/history"
    "$EXAMPLES/bench_data" "$DATA"
fi
# The Anki package of the import target: made once by Anki's own code (scripts/anki-venv.sh sets
# up the `anki` Python package; a few minutes) and kept with the data.
ANKI_PACKAGE=$DATA/bench-anki.apkg
if [ ! -f "$ANKI_PACKAGE" ]; then
    echo "== generating a 100 000-note Anki package with 1 000 000 review-log rows in $DATA"
    "$(scripts/anki-venv.sh)" scripts/anki_bench_package.py "$ANKI_PACKAGE.tmp"
    mv "$ANKI_PACKAGE.tmp" "$ANKI_PACKAGE"
fi
EMPTY=$WORK/empty-data   # data directory of the commands that need no history
mkdir -p "$EMPTY"
HISTORY=$DATA/history    # data directory with decks/bench-100k.toml and pmquiz.db

export PMQUIZ_NOW=2026-01-31T09:00:00Z
export NO_COLOR=1
unset PMQUIZ_DECKS PMQUIZ_DATA_DIR

# --- measuring ----------------------------------------------------------------------------
# Results: one line per measurement in $WORK/results:
#   name|what|target_s|target_mb|median_s|peak_mb|command
RESULTS=$WORK/results
: >"$RESULTS"

# median of numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure NAME WHAT TARGET_S TARGET_MB RUNS CMD...
# With PREPARE set (a command without shell syntax), it runs before every measured run.
measure() {
    local name=$1 what=$2 target_s=$3 target_mb=$4 runs=$5
    shift 5
    echo "== $what"
    local prepare=()
    [ -z "${PREPARE:-}" ] || prepare=(--prepare "$PREPARE")
    hyperfine -N --style basic --warmup "$WARMUP" --runs "$runs" -n "$name" "${prepare[@]}" \
        --export-csv "$WORK/$name.csv" "$*" | sed -n '/Time/,/Range/p'
    local med
    med=$(awk -F, 'NR == 2 { print $4 }' "$WORK/$name.csv")
    local i peaks=()
    for ((i = 0; i < MEM_RUNS; i++)); do
        [ -z "${PREPARE:-}" ] || $PREPARE
        /usr/bin/time -v -o "$WORK/$name.time" "$@" </dev/null >/dev/null 2>&1 || true
        peaks+=("$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$WORK/$name.time")")
    done
    local peak
    peak=$(printf '%s\n' "${peaks[@]}" | median)
    echo "   median $med s, peak memory $peak MB"
    echo "$name|$what|$target_s|$target_mb|$med|$peak|${PREPARE:+$PREPARE; }$*" >>"$RESULTS"
}

measure run_builtin "\`pmquiz run\` to the first question, built-in decks" 0.010 15 "$FAST_RUNS" \
    "$PMQUIZ" --data-dir "$EMPTY" run --count 10 --seed 1 --no-save
# The same in a real terminal: time from the start to the first question drawn by the
# full-screen view, on an 80x24 pseudo-terminal (examples/first_frame.rs); then Ctrl-C.
echo "== \`pmquiz run\` to the first drawn question of the full-screen view"
"$EXAMPLES/first_frame" "$PMQUIZ" "$EMPTY" "$FAST_RUNS" | tee "$WORK/frame.out" | sed 's/^/   /'
frame() { awk -v k="$1" '$1 == "first_frame_us" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$WORK/frame.out"; }
echo "run_screen|\`pmquiz run\` to the first drawn question, full-screen view on an 80x24 pseudo-terminal, built-in decks|0.010|15|$(frame p50 | awk '{ print $1 / 1e6 }')|$(frame peak_kb | awk '{ print $1 / 1024 }')|$EXAMPLES/first_frame PMQUIZ EMPTY $FAST_RUNS" >>"$RESULTS"
measure check_100k "\`pmquiz check\`, 100 000-card deck" 1 300 "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$EMPTY" check "$DATA/bench-100k.toml"
# Large decks are read from the deck cache once it holds them (the warm-up runs fill it), as on
# every start but the first after a deck is edited; the "deck not cached" rows empty the cache
# before every run.
measure run_100k "\`pmquiz run --count 50\` to the first question, 100 000-card deck" 1 "" "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$EMPTY" run --count 50 --seed 1 --no-save --deck "$DATA/bench-100k.toml"
measure review_1m "\`pmquiz review\` to the first question, 100 000 cards, 1 000 000 answers" 0.040 40 "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$HISTORY" review --seed 1 --no-save
# One card of the deck is edited before every run (scripts/bench-edit-card.sh changes one
# answer in the middle of the file): the cache entry is brought up to date from the changed block.
PREPARE="$ROOT/scripts/bench-edit-card.sh $HISTORY/decks/bench-100k.toml" measure review_1m_edit "first \`pmquiz review\` after one card of the deck is edited, 1 000 000 answers" 0.150 "" "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$HISTORY" review --seed 1 --no-save
measure stats_1m "\`pmquiz stats\`, 100 000 cards, 1 000 000 answers" 0.100 "" "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$HISTORY" stats
PREPARE="rm -rf $EMPTY/cache" measure run_100k_cold "\`pmquiz run --count 50\`, 100 000-card deck not cached (parsed, then cached)" "" "" "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$EMPTY" run --count 50 --seed 1 --no-save --deck "$DATA/bench-100k.toml"
PREPARE="rm -rf $HISTORY/cache" measure review_1m_cold "\`pmquiz review\`, 1 000 000 answers, deck not cached (parsed, then cached)" "" "" "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$HISTORY" review --seed 1 --no-save
# A fresh data directory for every run: the decks and the history are written anew.
PREPARE="rm -rf $WORK/import" measure import_apkg "\`pmquiz import --with-history\`, 100 000-note .apkg with 1 000 000 review-log rows" 3 300 "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$WORK/import" import "$ANKI_PACKAGE" --with-history
# Not targets: how checking scales with the deck size.
measure check_1k "\`pmquiz check\`, 1 000-card deck" "" "" "$FAST_RUNS" \
    "$PMQUIZ" --data-dir "$EMPTY" check "$DATA/bench-1k.toml"
measure check_10k "\`pmquiz check\`, 10 000-card deck" "" "" "$SLOW_RUNS" \
    "$PMQUIZ" --data-dir "$EMPTY" check "$DATA/bench-10k.toml"

echo "== recording one answer: p99 of $RECORD_N answers into the 1 000 000-answer history, $RECORD_RUNS run(s)"
p99s=() p999s=() maxes=() slow=() disk=()
field() { awk -v k="$1" -v line="${2:-record_latency_us}" '$1 == line { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$WORK/record.out"; }
for ((i = 0; i < RECORD_RUNS; i++)); do
    rm -rf "$WORK/record"
    mkdir -p "$WORK/record"
    cp -r "$HISTORY/." "$WORK/record/"
    sync # write the copy out first, so that its write-back does not slow the answers' syncs
    "$EXAMPLES/record_latency" "$WORK/record" "$RECORD_N" | tee "$WORK/record.out" | sed 's/^/   /'
    p99s+=("$(field p99 | awk '{ print $1 / 1e6 }')")
    p999s+=("$(field p999)")
    maxes+=("$(field max)")
    slow+=("$(field over_5ms)")
    disk+=("$(field p99 disk_fsync_us)")
done
rm -rf "$WORK/record"
RECORD_NOTE="Recording one answer (median of $RECORD_RUNS run(s)): p50 and p99 as in the table, p99.9 $(printf '%s\n' "${p999s[@]}" | median | awk '{ printf "%.1f ms", $1 / 1000 }'), maximum $(printf '%s\n' "${maxes[@]}" | median | awk '{ printf "%.1f ms", $1 / 1000 }'); $(printf '%s\n' "${slow[@]}" | median) of $RECORD_N answers took 5 ms or more. Every answer is synced to disk: the p99 of a bare \`fsync\` after appending 36 KiB on the same disk was $(printf '%s\n' "${disk[@]}" | median | awk '{ printf "%.1f ms", $1 / 1000 }') just before."
echo "record_p99|recording one answer (p99 of $RECORD_N, in process)|0.005||$(printf '%s\n' "${p99s[@]}" | median)||$EXAMPLES/record_latency DATA_DIR $RECORD_N" >>"$RESULTS"

# --- reporting ----------------------------------------------------------------------------
fmt_time() { awk -v s="$1" 'BEGIN { if (s == "") print "-"; else if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }
fmt_target() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%g ms", s * 1000; else printf "%g s", s }'; }
fmt_mb() { awk -v m="$1" 'BEGIN { if (m == "") print "-"; else printf "%.0f MB", m }'; }

TABLE=$WORK/table.md
{
    echo "| what | target | measured (median) | peak memory | verdict | margin |"
    echo "| --- | --- | --- | --- | --- | --- |"
    while IFS='|' read -r name what ts tm med peak cmd; do
        target="-"
        if [ -n "$ts" ]; then
            target="≤ $(fmt_target "$ts")"
            [ -z "$tm" ] || target="$target, ≤ $tm MB"
        fi
        verdict="-"
        margin="-"
        if [ -n "$ts" ]; then
            read -r verdict margin < <(awk -v ts="$ts" -v tm="$tm" -v m="$med" -v p="$peak" 'BEGIN {
                ok = (m <= ts); t = sprintf("time %.0f%% %s", (m <= ts ? (ts - m) / ts : (m - ts) / ts) * 100, m <= ts ? "under" : "over");
                if (tm != "") {
                    okm = (p <= tm); ok = ok && okm;
                    t = t sprintf(", memory %.0f%% %s", (okm ? (tm - p) / tm : (p - tm) / tm) * 100, okm ? "under" : "over");
                }
                printf "%s %s\n", (ok ? "met" : "MISSED"), t }')
        fi
        echo "| $what | $target | $(fmt_time "$med") | $(fmt_mb "$peak") | $verdict | $margin |"
    done <"$RESULTS"
} >"$TABLE"

CORES=$(nproc)
MEM=$(free -m | awk '/^Mem:/ { printf "%.1f GiB", $2 / 1024 }')
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || COMMIT="$COMMIT (with local changes)"
MODE=$([ "$QUICK" = 1 ] && echo "quick (--quick)" || echo full)
SECTION=$WORK/section.md
{
    echo "Measured on $(date -u +%Y-%m-%d) at commit $COMMIT, $MODE mode: $CORES cores${CPU:+ ($CPU)}, $MEM of memory,"
    echo "$(uname -sr), $(rustc --version), $(hyperfine --version)."
    echo "Times are medians of $FAST_RUNS runs (fast commands) or $SLOW_RUNS runs (the others) after $WARMUP"
    echo "warm-up runs; peak memory is the median maximum resident set size of $MEM_RUNS runs (\`/usr/bin/time -v\`);"
    echo "the p99 is the median of $RECORD_RUNS run(s) of $RECORD_N answers."
    echo
    cat "$TABLE"
    echo
    echo "$RECORD_NOTE"
    echo
    echo "Commands measured (\`DATA\` is the generated data, \`EMPTY\` an empty data directory;"
    echo "\`PMQUIZ_NOW=$PMQUIZ_NOW\`, standard input \`/dev/null\`):"
    echo
    echo '```sh'
    while IFS='|' read -r name what ts tm med peak cmd; do
        echo "$cmd" | sed -e "s#$PMQUIZ#pmquiz#" -e "s#$EXAMPLES/#target/release/examples/#" \
            -e "s#$HISTORY#DATA/history#g" -e "s#$DATA#DATA#g" -e "s#$EMPTY#EMPTY#g" \
            -e "s#$WORK/import#IMPORT#g" -e "s#$ROOT/##g"
    done <"$RESULTS"
    echo '```'
} >"$SECTION"

echo
cat "$SECTION"

if [ "$DOC" = 1 ]; then
    DOCFILE=$ROOT/docs/performance.md
    if [ -f "$DOCFILE" ] && grep -q '<!-- bench-results:start -->' "$DOCFILE"; then
        awk -v section="$SECTION" '
            /<!-- bench-results:start -->/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
            /<!-- bench-results:end -->/ { skip = 0 }
            !skip { print }' "$DOCFILE" >"$WORK/doc.md"
        cp "$WORK/doc.md" "$DOCFILE"
    else
        { echo "# Performance"; echo; echo "<!-- bench-results:start -->"; cat "$SECTION"; echo "<!-- bench-results:end -->"; } >"$DOCFILE"
    fi
    echo
    echo "Results written to docs/performance.md."
fi
