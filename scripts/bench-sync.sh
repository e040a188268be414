#!/usr/bin/env bash
# Measures `pmquiz sync` on a history of 1 000 000 answers and writes the results into
# docs/performance.md (between the sync-bench markers):
#
#   - the first sync of another device's 1 000 000 answers (target: under 10 s);
#   - an incremental sync of 100 new answers with the 1 000 000 already known (target: under
#     50 ms);
#   - for the record, not targets: the first sync that sends a device's 1 000 000 answers, a
#     sync with nothing new, `sync --status`, `history export` and `history import`.
#
#   scripts/bench-sync.sh [--quick] [--data DIR] [--no-doc]
#     --quick     fewer runs
#     --data DIR  the data made by scripts/bench.sh's generator (DIR/history), made if missing
#     --no-doc    print the results only
#
# Needs hyperfine and GNU time (/usr/bin/time), and sqlite3 to compare the two devices'
# schedules; run as root, the script installs them with apt-get. Every command runs with
# --data-dir in a temporary directory and PMQUIZ_NOW fixed. The load of the machine (the
# one-minute load average) is recorded before and after: other work on the machine slows the
# figures down.
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
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-sync.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then FIRST_RUNS=1; INCR_RUNS=10; else FIRST_RUNS=3; INCR_RUNS=30; fi

missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "bench-sync.sh needs ${missing[*]}: install with 'sudo apt-get install -y ${missing[*]}'" >&2
        exit 1
    fi
fi

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
echo "== building (release) into $TARGET"
cargo build --release --quiet --bin pmquiz --example bench_data --example record_latency
PMQUIZ=$TARGET/release/pmquiz
EXAMPLES=$TARGET/release/examples

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pmquiz-bench-sync.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[ -n "$DATA" ] || DATA=$WORK/data
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
if [ ! -f "$DATA/history/pmquiz.db" ]; then
    echo "== generating a 1 000 000-answer history in $DATA"
    rm -rf "$DATA/history"
    "$EXAMPLES/bench_data" "$DATA"
fi

export PMQUIZ_NOW=2026-01-31T09:00:00Z
export NO_COLOR=1
unset PMQUIZ_DECKS PMQUIZ_DATA_DIR

load() { awk '{ print $1 }' /proc/loadavg; }
LOAD_BEFORE=$(load)

# Device A: the generated history (1 000 000 answers over 100 000 cards), a copy.
A=$WORK/a
FOLDER=$WORK/folder
mkdir -p "$FOLDER"
cp -r "$DATA/history" "$A"
rm -rf "$A/cache"
echo "== device A opens its history (the migration gives its answers ids) and sends them"
/usr/bin/time -f "%e %M %U %S" -o "$WORK/send.time" "$PMQUIZ" --data-dir "$A" sync "$FOLDER"
SEND=$(awk '{ print $1 }' "$WORK/send.time")
SEND_MB=$(awk '{ printf "%.0f", $2 / 1024 }' "$WORK/send.time")
SEND_CPU=$(awk '{ print $3 + $4 }' "$WORK/send.time")
LOG_MB=$(du -m "$FOLDER/pmquiz/"*.log | awk '{ s += $1 } END { print s }')

# name|what|target_s|median_s|peak_mb|cpu_s
RESULTS=$WORK/results
: >"$RESULTS"
median_of() { awk -F, 'NR == 2 { print $4 }' "$1"; }
cpu_of() { awk -F, 'NR == 2 { print $5 + $6 }' "$1"; }  # mean user + system time
peak_of() {  # peak memory (MB) of one more run of the command, after PREPARE
    [ -z "${PREPARE:-}" ] || $PREPARE
    /usr/bin/time -f "%M" -o "$WORK/peak" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%.0f", $1 / 1024 }' "$WORK/peak"
}
measure() {  # NAME WHAT TARGET RUNS CMD...
    local name=$1 what=$2 target=$3 runs=$4
    shift 4
    echo "== $what"
    local prepare=()
    [ -z "${PREPARE:-}" ] || prepare=(--prepare "$PREPARE")
    hyperfine -N --style basic --runs "$runs" "${prepare[@]}" --export-csv "$WORK/$name.csv" \
        "$*" | sed -n '/Time/,/Range/p'
    echo "$name|$what|$target|$(median_of "$WORK/$name.csv")|$(peak_of "$@")|$(cpu_of "$WORK/$name.csv")" >>"$RESULTS"
}

# hyperfine runs --prepare commands without a shell (-N): each preparation is a script.
prepare() {  # NAME COMMANDS: writes $WORK/NAME.sh and prints the command that runs it
    printf '%s\n' "set -e" "$2" "sync" >"$WORK/$1.sh"
    echo "bash $WORK/$1.sh"
}
B=$WORK/b
PREPARE=$(prepare fresh-b "rm -rf $B") measure first "first sync of another device's 1 000 000 answers (100 000 cards)" 10 "$FIRST_RUNS" \
    "$PMQUIZ" --data-dir "$B" sync "$FOLDER"
# B as the last measured run left it, with every answer of A, after a sync that found nothing
# new (as it is between two syncs).
"$PMQUIZ" --data-dir "$B" sync "$FOLDER" >/dev/null
cp -r "$B" "$WORK/b-known"
ROWS=$(sqlite3 "$B/pmquiz.db" "SELECT count(*) FROM cards")
DIFF_A=$(sqlite3 "$B/pmquiz.db" "ATTACH '$A/pmquiz.db' AS a;
    SELECT count(*) FROM (SELECT * FROM cards EXCEPT SELECT * FROM a.cards)")

echo "== device A records 100 answers and sends them"
"$EXAMPLES/record_latency" "$A" 100 >/dev/null
"$PMQUIZ" --data-dir "$A" sync "$FOLDER" >/dev/null
PREPARE=$(prepare known-b "rm -rf $B; cp -r $WORK/b-known $B") measure incremental "incremental sync: 100 new answers, 1 000 000 known" 0.050 "$INCR_RUNS" \
    "$PMQUIZ" --data-dir "$B" sync "$FOLDER"
"$PMQUIZ" --data-dir "$B" sync "$FOLDER" >/dev/null
PREPARE="" measure nothing "sync with nothing new, 1 000 000 answers known" "" "$INCR_RUNS" \
    "$PMQUIZ" --data-dir "$B" sync "$FOLDER"
measure status "\`sync --status\`, 1 000 000 answers known" "" "$INCR_RUNS" \
    "$PMQUIZ" --data-dir "$B" sync "$FOLDER" --status
measure export "\`history export\` of 1 000 000 answers" "" "$FIRST_RUNS" \
    "$PMQUIZ" --data-dir "$B" history export "$WORK/export.pmquiz"
C=$WORK/c
PREPARE=$(prepare fresh-c "rm -rf $C") measure import "\`history import\` of 1 000 000 answers into an empty history" "" "$FIRST_RUNS" \
    "$PMQUIZ" --data-dir "$C" history import "$WORK/export.pmquiz"
LOAD_AFTER=$(load)
# C imported B's export: both replayed the same answers with the same settings.
DIFF_C=$(sqlite3 "$B/pmquiz.db" "ATTACH '$C/pmquiz.db' AS c;
    SELECT (SELECT count(*) FROM (SELECT * FROM cards EXCEPT SELECT * FROM c.cards))
         + (SELECT count(*) FROM (SELECT * FROM c.cards EXCEPT SELECT * FROM cards))")

fmt_time() { awk -v s="$1" 'BEGIN { if (s == "") print "-"; else if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }
TABLE=$WORK/table.md
{
    echo "| what | target | measured (median) | CPU time (user + system) | peak memory | verdict |"
    echo "| --- | --- | --- | --- | --- | --- |"
    echo "| device A's first sync, sending its 1 000 000 answers (one run) | - | $(fmt_time "$SEND") | $(fmt_time "$SEND_CPU") | $SEND_MB MB | - |"
    while IFS='|' read -r name what target med peak cpu; do
        verdict="-"; t="-"
        if [ -n "$target" ]; then
            t="≤ $(fmt_time "$target")"
            verdict=$(awk -v m="$med" -v t="$target" 'BEGIN { if (m <= t) printf "met, %.0f%% under", (t - m) / t * 100; else printf "MISSED, %.0f%% over", (m - t) / t * 100 }')
        fi
        echo "| $what | $t | $(fmt_time "$med") | $(fmt_time "$cpu") | $peak MB | $verdict |"
    done <"$RESULTS"
} >"$TABLE"

MODE=$([ "$QUICK" = 1 ] && echo "quick (--quick)" || echo full)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || COMMIT="$COMMIT (with local changes)"
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
SECTION=$WORK/section.md
{
    echo "Measured on $(date -u +%Y-%m-%d) at commit $COMMIT, $MODE mode, by \`scripts/bench-sync.sh\`:"
    echo "$(nproc) cores${CPU:+ ($CPU)}, $(uname -sr), $(hyperfine --version). Load average (one"
    echo "minute) $LOAD_BEFORE before and $LOAD_AFTER after: the machine was shared with other work,"
    echo "which slows these figures down (the CPU time, the mean over the runs, much less so). Medians"
    echo "of $FIRST_RUNS run(s) (first syncs, export, import) or $INCR_RUNS runs (the others); peak memory of"
    echo "one more run."
    echo
    cat "$TABLE"
    echo
    echo "The folder held device A's log of $LOG_MB MB. Schedules (the \`cards\` rows, compared with"
    echo "\`sqlite3\` and \`EXCEPT\`): B, which synced, and C, which imported B's export, replayed the"
    echo "same answers with the same settings, and $DIFF_C of their $ROWS rows differ. $DIFF_A of B's rows"
    echo "differ from A's, which the generator computed counting days as 24-hour periods, where a"
    echo "replay counts the learner's days (their time zone, days starting at 4 am)."
} >"$SECTION"
echo
cat "$SECTION"

if [ "$DOC" = 1 ]; then
    DOCFILE=$ROOT/docs/performance.md
    if grep -q '<!-- sync-bench:start -->' "$DOCFILE"; then
        awk -v section="$SECTION" '
            /<!-- sync-bench:start -->/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
            /<!-- sync-bench:end -->/ { skip = 0 }
            !skip { print }' "$DOCFILE" >"$WORK/doc.md"
        cp "$WORK/doc.md" "$DOCFILE"
        echo
        echo "Results written to docs/performance.md."
    else
        echo "docs/performance.md has no sync-bench markers; results not written" >&2
    fi
fi
