#!/usr/bin/env bash
# Regenerates the Anki fixtures in tests/fixtures/import/ with Anki's own code (the `anki` and
# `genanki` Python packages, see scripts/anki-venv.sh) under a fake clock (libfaketime, Debian's
# `faketime` package), so that Anki's scheduler studies the cards over 45 simulated days.
# The tests read the committed files; run this only to change them, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(scripts/anki-venv.sh)"
lib="$(find /usr/lib /usr/local/lib -name 'libfaketime.so.1' 2>/dev/null | head -n 1)"
if [ -z "$lib" ]; then
    echo "libfaketime not found: install it (apt-get install faketime)" >&2
    exit 1
fi
out=tests/fixtures/import
rm -rf "$out/.work"
TZ=UTC FAKETIME_NO_CACHE=1 FAKETIME="@2025-03-03 08:00:00" LD_PRELOAD="$lib" \
    "$python" scripts/anki_fixtures.py "$out"
rm -rf "$out/.work"
ls -l "$out"
