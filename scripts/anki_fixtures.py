"""Makes the Anki fixtures of pmquiz's import tests with Anki's own code.

Run through scripts/anki-fixtures.sh, which provides the virtual environment (the `anki` and
`genanki` packages from PyPI) and the fake clock (libfaketime) that lets Anki's scheduler study
the cards over several weeks in a few seconds.

Writes into the folder given as the first argument:
  anki-latest.apkg        a deck package as current Anki exports it (collection.anki21b,
                          zstd-compressed, schema 18, protobuf media map), with scheduling
  anki-legacy.apkg        the same, exported for older Anki (collection.anki21, schema 11)
  anki-collection.colpkg  the whole collection as a collection package (collection.anki21b)
  genanki.apkg            a package made by genanki (collection.anki2, schema 11, no history)
  anki-notes.txt          Anki's text export of the notes, with guid, note type, deck and tags
  anki-notes-plain.txt    Anki's text export of the notes without HTML or extra columns
  anki-due.json           what Anki's own scheduler reports as due on a fixed date, per card
"""

import base64
import hashlib
import json
import os
import sys
import time

DAY = 86_400
# The collection is created on this day (UTC); the study days follow it.
START = "2025-03-03 08:00:00"
START_TS = 1740988800  # 2025-03-03T08:00:00Z
STUDY_DAYS = 45
# The day after the last study day plus a few: the date the due cards are compared on.
CHECK_DAY = STUDY_DAYS + 4


MORE_CAPITALS = [
    ("Norway", "Oslo"), ("Poland", "Warsaw"), ("Greece", "Athens"), ("Austria", "Vienna"),
    ("Hungary", "Budapest"), ("Ireland", "Dublin"), ("Finland", "Helsinki"),
    ("Canada", "Ottawa"), ("Mexico", "Mexico City"), ("Cuba", "Havana"),
    ("Argentina", "Buenos Aires"), ("Colombia", "Bogotá"), ("Morocco", "Rabat"),
    ("Ghana", "Accra"), ("Ethiopia", "Addis Ababa"), ("India", "New Delhi"),
    ("Thailand", "Bangkok"), ("Vietnam", "Hanoi"), ("Mongolia", "Ulaanbaatar"),
    ("Nepal", "Kathmandu"), ("Iran", "Tehran"), ("Turkey", "Ankara"),
    ("New Zealand", "Wellington"), ("Fiji", "Suva"),
]


def set_clock(ts):
    """Moves libfaketime's clock (read again on every call: FAKETIME_NO_CACHE=1)."""
    os.environ["FAKETIME"] = "@" + time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))


def guid(text):
    """A stable guid in Anki's style (base91-like characters included), so that the fixtures
    keep their ids when regenerated."""
    digest = hashlib.sha256(text.encode()).digest()[:8]
    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
    n = int.from_bytes(digest, "big")
    out = ""
    while n:
        n, r = divmod(n, len(chars))
        out += chars[r]
    return out


def stable(text, modulo):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % modulo


def rating_for(card, note, day, attempt):
    """A learner's answer, fixed by the card and the day: mostly Good, some Again, Hard, Easy."""
    r = stable(f"{note.guid}/{card.ord}/{day}/{attempt}/{card.reps}", 100)
    if card.type == 0:  # new
        return 1 if r < 25 else 4 if r > 90 else 3
    if card.type in (1, 3):  # learning, relearning
        return 1 if r < 15 else 2 if r < 25 else 3
    return 1 if r < 12 else 2 if r < 22 else 4 if r > 90 else 3


def build_collection(path):
    from anki.collection import Collection

    col = Collection(path)
    col.set_config("fsrs", True)
    geo = col.decks.id("Geography")
    capitals = col.decks.id("Geography::Capitals")
    chem = col.decks.id("Science::Chemistry")
    langs = col.decks.id("Languages")

    # Note types are found by their fields and templates, not their names: rename two stock ones.
    basic = col.models.by_name("Basic")
    reversed_ = col.models.by_name("Basic (and reversed card)")
    reversed_["name"] = "Vocabulary both ways"
    col.models.update_dict(reversed_)
    optional = col.models.by_name("Basic (optional reversed card)")
    typed = col.models.by_name("Basic (type in the answer)")
    typed["name"] = "Spelling"
    col.models.update_dict(typed)
    cloze = col.models.by_name("Cloze")

    # A note type of the user's own, with two templates: imported from its first template.
    mm = col.models
    facts = mm.new("Country facts")
    for name in ("Country", "Capital", "Population"):
        mm.add_field(facts, mm.new_field(name))
    t = mm.new_template("Capital")
    t["qfmt"] = "What is the capital of {{Country}}?"
    t["afmt"] = "{{FrontSide}}<hr id=answer>{{Capital}}"
    mm.add_template(facts, t)
    t = mm.new_template("Population")
    t["qfmt"] = "How many people live in {{Country}}?"
    t["afmt"] = "{{FrontSide}}<hr id=answer>{{Population}}"
    mm.add_template(facts, t)
    mm.add_dict(facts)
    facts = mm.by_name("Country facts")

    media = {
        "paris.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
        "tokyo.mp3": b"ID3 not really an mp3",
        "italy.png": b"\x89PNG not really a png",
    }
    for name, data in media.items():
        col.media.write_data(name, data)

    def add(model, deck, fields, tags=()):
        note = col.new_note(model)
        for k, v in fields.items():
            note[k] = v
        note.guid = guid(model["name"] + "/" + next(iter(fields.values())))
        note.tags = list(tags)
        col.add_note(note, deck)
        return note

    add(basic, capitals, {"Front": "What is the capital of <b>France</b>?",
                          "Back": 'Paris<br><img src="paris.jpg">'}, ["geo::europe", "capitals"])
    add(basic, capitals, {"Front": "Capital of Japan?", "Back": "Tokyo [sound:tokyo.mp3]"},
        ["geo::asia", "capitals"])
    add(basic, capitals, {"Front": "Capital of Peru?",
                          "Back": "Lima&nbsp;&mdash; on the <i>coast</i>"}, ["capitals"])
    add(basic, capitals, {"Front": "Capital of Kenya?", "Back": "<div>Nairobi</div>"}, ["capitals"])
    add(basic, capitals, {"Front": "Capital of Chile?", "Back": "Santiago"}, ["capitals"])
    add(basic, capitals, {"Front": "Capital of Egypt?", "Back": "Cairo"}, ["capitals"])
    for country, capital in MORE_CAPITALS:
        add(basic, capitals, {"Front": f"Capital of {country}?", "Back": capital}, ["capitals"])
    # Nothing but media on one side: skipped, with the reason.
    add(basic, capitals, {"Front": "Flag of Italy", "Back": '<img src="italy.png">'})

    add(reversed_, geo, {"Front": "Isthmus",
                         "Back": "A narrow strip of land joining two larger land areas"}, ["terms"])
    add(reversed_, geo, {"Front": "Archipelago", "Back": "A group of islands"}, ["terms"])
    add(optional, geo, {"Front": "Fjord", "Back": "A long, narrow sea inlet between cliffs",
                        "Add Reverse": "y"}, ["terms"])
    add(optional, geo, {"Front": "Delta",
                        "Back": "A landform where a river splits before the sea"}, ["terms"])

    add(typed, chem, {"Front": "Chemical symbol for gold", "Back": "Au"})
    add(typed, chem, {"Front": "Chemical symbol for sodium", "Back": "Na"})
    add(cloze, chem, {"Text": "{{c1::Water::liquid}} is made of {{c2::hydrogen}} and "
                              "{{c2::oxygen::element}}.",
                      "Back Extra": "H<sub>2</sub>O"}, ["chemistry"])
    add(cloze, chem, {"Text": "The {{c1::<b>mitochondrion</b>}} is the powerhouse of the cell."})
    add(cloze, chem, {"Text": "{{c1::Canberra is the capital of {{c2::Australia}}}}."})
    add(cloze, chem, {"Text": "Table salt is {{c1::sodium}} chloride, NaCl.<br>"
                              "It dissolves in {{c2::water}}."})

    add(facts, langs, {"Country": "Spain", "Capital": "Madrid", "Population": "48 million"})
    add(facts, langs, {"Country": "Portugal", "Capital": "Lisbon", "Population": "10 million"})
    return col


def study_deck(col, held_back, day, now, attempt):
    """Answers the selected deck's cards until none is left for the day."""
    from anki.consts import QUEUE_TYPE_LRN

    idle = 0
    while idle < 8:
        card = col.sched.getCard()
        if card is None or card.id in held_back:
            if card is not None:
                col.sched.suspend_cards([card.id])
                continue
            # Learning cards come back after their step: wait for them.
            if col.db.scalar(f"select count() from cards where queue = {QUEUE_TYPE_LRN}"):
                now += 600
                set_clock(now)
                idle += 1
                continue
            break
        note = card.note()
        attempt += 1
        now += 20
        set_clock(now)
        card.timer_started = time.time() - 7
        col.sched.answerCard(card, rating_for(card, note, day, attempt))
    return now, attempt


def study(col):
    """Studies the collection day by day with Anki's own v3 scheduler and FSRS."""
    held_back = set(col.find_cards('"Capital of Egypt?"'))  # stays new
    for day in range(STUDY_DAYS):
        now = START_TS + day * DAY + 3600
        set_clock(now)
        # Events of other kinds, on fixed days.
        if day == 10:
            # A filtered deck without rescheduling ("cram"): revlog rows of type 3.
            did = col.decks.new_filtered("Cram")
            deck = col.decks.get(did)
            deck["resched"] = False
            deck["terms"][0] = ['deck:"Geography::Capitals"', 100, 0]
            col.decks.save(deck)
            col.sched.rebuild_filtered_deck(did)
            for _ in range(3):
                card = col.sched.getCard()
                if card is None:
                    break
                now += 20
                set_clock(now)
                col.sched.answerCard(card, 3)
            col.sched.empty_filtered_deck(did)
            col.decks.remove([did])
        if day == 14:
            # Set due date by hand: a revlog row of type 4 (manual).
            cids = col.find_cards('"Capital of Chile?"')
            col.sched.set_due_date(cids, "5")
        if day == 20:
            # Reset a card to new ("forget"): a manual row with ease factor 0.
            cids = col.find_cards('"Capital of Kenya?"')
            col.sched.schedule_cards_as_new(cids)
        if day in (25, 27):
            # Desired retention changed (to 0.85, then back to 0.9) with "reschedule cards on
            # change": revlog rows of type 5.
            configs = col.decks.get_deck_configs_for_update(col.decks.id("Geography"))
            from anki.deck_config_pb2 import UpdateDeckConfigsRequest as UpdateDeckConfigs
            conf = configs.all_config[0].config
            conf.config.desired_retention = 0.85 if day == 25 else 0.9
            req = UpdateDeckConfigs(
                target_deck_id=col.decks.id("Geography"),
                configs=[conf],
                fsrs=True,
                fsrs_reschedule=True,
            )
            col.decks.update_deck_configs(req)
        # Some days are skipped, as learners do.
        if stable(f"skip/{day}", 100) < 25 and day not in (0, 1, STUDY_DAYS - 1):
            continue
        attempt = 0
        for top in ("Geography", "Science", "Languages"):
            col.decks.select(col.decks.id(top))
            now, attempt = study_deck(col, held_back, day, now, attempt)
    col.sched.unsuspend_cards(list(held_back))
    return now


def due_report(col):
    """The due date of every card as Anki's scheduler holds it, and which are due on the check
    day (at noon), by Anki's own search."""
    now = START_TS + CHECK_DAY * DAY + 4 * 3600
    set_clock(now)
    due_now = set(col.find_cards("is:due"))
    cards = []
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        if card.queue in (2, 3):  # review, or learning across days: `due` is a day number
            due_day = card.due
        elif card.queue == 1:  # learning within a day: `due` is a Unix time
            due_day = (card.due - col.crt) // DAY
        else:
            due_day = None
        cards.append({
            "guid": note.guid,
            "ord": card.ord,
            "notetype": note.note_type()["name"],
            "type": card.type,
            "queue": card.queue,
            "due_day": due_day,
            "due": cid in due_now,
            "stability": card.memory_state.stability if card.memory_state else None,
            "difficulty": card.memory_state.difficulty if card.memory_state else None,
        })
    cards.sort(key=lambda c: (c["guid"], c["ord"]))
    return {
        "collection_created": col.crt,
        "check_time": now,
        "check_day": CHECK_DAY,
        "cards": cards,
    }


def export_all(col, out):
    from anki.collection import ExportAnkiPackageOptions
    from anki.import_export_pb2 import ExportLimit
    from anki.generic_pb2 import Empty

    everything = ExportLimit(whole_collection=Empty())
    col.export_anki_package(
        out_path=os.path.join(out, "anki-latest.apkg"),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                         with_media=True, legacy=False),
        limit=everything,
    )
    col.export_anki_package(
        out_path=os.path.join(out, "anki-legacy.apkg"),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                         with_media=True, legacy=True),
        limit=everything,
    )
    # Anki's text export of notes, with every header column it offers.
    col.export_note_csv(out_path=os.path.join(out, "anki-notes.txt"), limit=everything,
                        with_html=True, with_tags=True, with_deck=True, with_notetype=True,
                        with_guid=True)
    # The same notes as plain text, as "Notes in Plain Text" without HTML gives them.
    col.export_note_csv(out_path=os.path.join(out, "anki-notes-plain.txt"), limit=everything,
                        with_html=False, with_tags=False, with_deck=False, with_notetype=False,
                        with_guid=False)
    # Exporting the whole collection closes it: last.
    col.export_collection_package(os.path.join(out, "anki-collection.colpkg"),
                                  include_media=True, legacy=False)


def genanki_package(out):
    import genanki

    basic = genanki.Model(
        1607392319, "Simple",
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}])
    both = genanki.Model(
        1607392320, "Two ways",
        fields=[{"name": "Word"}, {"name": "Meaning"}],
        templates=[{"name": "Forward", "qfmt": "{{Word}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}"},
                   {"name": "Backward", "qfmt": "{{Meaning}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Word}}"}])
    cloze = genanki.Model(
        998877661, "My cloze",
        fields=[{"name": "Text"}, {"name": "Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Extra}}"}],
        model_type=genanki.Model.CLOZE)
    parent = genanki.Deck(2059400110, "Spanish")
    child = genanki.Deck(2059400111, "Spanish::Verbs")
    parent.add_note(genanki.Note(model=basic, fields=["Hello", "Hola"], tags=["greetings"]))
    parent.add_note(genanki.Note(model=basic, fields=["Thank you", "Gracias &amp; de nada"]))
    parent.add_note(genanki.Note(model=both, fields=["perro", "dog"], tags=["animals"]))
    child.add_note(genanki.Note(model=both, fields=["comer", "to eat"], tags=["verbs"]))
    child.add_note(genanki.Note(
        model=cloze, fields=["Yo {{c1::hablo}} español y {{c2::como::comer}} paella.", ""]))
    package = genanki.Package([parent, child])
    package.write_to_file(os.path.join(out, "genanki.apkg"))


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, ".work")
    os.makedirs(work, exist_ok=True)
    set_clock(START_TS)
    col = build_collection(os.path.join(work, "collection.anki2"))
    study(col)
    report = due_report(col)
    export_all(col, out)
    col.close()
    with open(os.path.join(out, "anki-due.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")
    genanki_package(out)


if __name__ == "__main__":
    main()
