"""Makes the large Anki package of scripts/bench.sh with Anki's own code: 100 000 notes (Basic,
reversed and cloze, in ten decks) and 1 000 000 review-log rows, exported as current Anki does
(collection.anki21b, with scheduling).

Usage: python anki_bench_package.py OUT.apkg   (in the venv of scripts/anki-venv.sh)
"""

import os
import random
import sqlite3
import sys
import tempfile

NOTES = 100_000
REVIEWS = 1_000_000
DAY_MS = 86_400_000


def main():
    from anki.collection import Collection, ExportAnkiPackageOptions
    from anki.generic_pb2 import Empty
    from anki.import_export_pb2 import ExportLimit
    from anki.notes import Note

    out = os.path.abspath(sys.argv[1])
    rnd = random.Random(13)
    work = tempfile.mkdtemp()
    col = Collection(os.path.join(work, "collection.anki2"))
    models = [col.models.by_name(n) for n in ("Basic", "Basic (and reversed card)", "Cloze")]
    decks = [col.decks.id(f"Bench::Deck {i}") for i in range(10)]
    words = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "ηta", "theta", "iota",
             "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau"]
    requests = []
    from anki.collection import AddNoteRequest
    for i in range(NOTES):
        model = models[0] if i % 10 < 7 else models[1] if i % 10 < 9 else models[2]
        note = Note(col, model)
        text = " ".join(rnd.choice(words) for _ in range(6))
        if model["name"] == "Cloze":
            note["Text"] = f"Note {i}: {{{{c1::{text}}}}} and <b>{{{{c2::{rnd.choice(words)}}}}}</b>"
        else:
            note["Front"] = f"Question {i}: {text}?"
            note["Back"] = f"Answer <b>{i}</b><br>{' '.join(rnd.choice(words) for _ in range(4))}"
        note.tags = [f"tag{i % 20}"]
        requests.append(AddNoteRequest(note=note, deck_id=decks[i % 10]))
        if len(requests) == 10_000:
            col.add_notes(requests)
            requests = []
    if requests:
        col.add_notes(requests)
    cids = col.db.list("select id from cards order by id")
    # Review-log rows spread over the cards, each card's rows a day or more apart.
    per_card = REVIEWS // len(cids)
    extra = REVIEWS - per_card * len(cids)
    start = 1_700_000_000_000
    rows = []
    for n, cid in enumerate(cids):
        count = per_card + (1 if n < extra else 0)
        t = start + rnd.randrange(0, 30) * DAY_MS
        ivl = 0
        for k in range(count):
            ease = 3 if rnd.random() > 0.12 else 1
            kind = 0 if k == 0 else 1 if ease > 1 else 2
            new_ivl = max(1, ivl * 2 + 1) if ease > 1 else -600
            t += max(1, ivl) * DAY_MS + rnd.randrange(0, 3_600_000)
            rows.append((t * 1000, cid, -1, ease, new_ivl, ivl, 2500, 5000, kind))
            ivl = max(0, new_ivl)
    # Review-log ids are the review's time in milliseconds and unique: a clash moves a row by
    # a millisecond.
    rows.sort()
    used = set()
    unique = []
    for r in rows:
        rid = r[0] // 1000
        while rid in used:
            rid += 1
        used.add(rid)
        unique.append((rid, *r[1:]))
    # The rows go in with Python's own sqlite3, in one transaction: through Anki's database
    # proxy each row was a transaction of its own, an hour of disk syncs on a busy machine.
    path = col.path
    col.close()
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "values (?,?,?,?,?,?,?,?,?)", unique)
        # Cards that were reviewed are review cards.
        db.execute("update cards set type = 2, queue = 2, ivl = 30, due = 10 "
                   "where id in (select distinct cid from revlog)")
    db.close()
    col = Collection(path)
    col.export_anki_package(
        out_path=out,
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                         with_media=False, legacy=False),
        limit=ExportLimit(whole_collection=Empty()),
    )
    print(f"{out}: {NOTES} notes, {len(cids)} cards, "
          f"{col.db.scalar('select count() from revlog')} review-log rows")


if __name__ == "__main__":
    main()
