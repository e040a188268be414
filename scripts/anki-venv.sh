#!/usr/bin/env bash
# Creates (once) the Python virtual environment with Anki's own backend (`anki`) and `genanki`,
# used to make the Anki fixtures (scripts/anki-fixtures.sh) and by the round-trip test that opens
# pmquiz's exported packages with Anki (tests/anki_roundtrip.rs). Prints the venv's python.
#
# Usage: scripts/anki-venv.sh [VENV_DIR]   (default: target/anki-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-target/anki-venv}"
# Versions the fixtures were made with; change them together with the fixtures.
packages=(anki==26.9.3 genanki==0.13.1)

if ! "$venv/bin/python" -c 'import anki, genanki' >/dev/null 2>&1; then
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
fi
echo "$(cd "$venv" && pwd)/bin/python"
