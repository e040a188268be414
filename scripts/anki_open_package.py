"""Opens a package with Anki's own code, the way Anki's File > Import does, and prints what it
holds as JSON: used by tests/anki_roundtrip.rs on the packages pmquiz exports.

Usage: python anki_open_package.py PACKAGE.apkg   (in the venv of scripts/anki-venv.sh)
"""

import json
import os
import sys
import tempfile


def main():
    from anki.collection import (Collection, ImportAnkiPackageOptions,
                                 ImportAnkiPackageRequest)

    folder = tempfile.mkdtemp()
    col = Collection(os.path.join(folder, "collection.anki2"))
    request = ImportAnkiPackageRequest(
        package_path=os.path.abspath(sys.argv[1]),
        options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False),
    )
    log = col.import_anki_package(request).log
    notes = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        notetype = note.note_type()
        notes.append({
            "guid": note.guid,
            "notetype": notetype["name"],
            "fields": dict(zip([f["name"] for f in notetype["flds"]], note.fields)),
            "tags": note.tags,
            "cards": len(note.card_ids()),
            "decks": sorted({col.decks.name(col.get_card(c).did) for c in note.card_ids()}),
        })
    queues = {}
    for queue, count in col.db.all("select queue, count() from cards group by queue"):
        queues[str(queue)] = count
    print(json.dumps({
        "imported": len(log.new),
        "notes": notes,
        "cards": col.card_count(),
        "queues": queues,
        "revlog": col.db.scalar("select count() from revlog"),
        "revlog_types": dict((str(t), n) for t, n in col.db.all("select type, count() from revlog group by type")),
    }, ensure_ascii=False, sort_keys=True))
    col.close()


if __name__ == "__main__":
    main()
