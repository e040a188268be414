//! Writing an Anki package: the collection's rows into a schema-11 SQLite file
//! (`collection.anki21`), zipped with an empty media map. The edge of [`super::anki`].

use super::anki::Collection;
use anyhow::Context as _;
use rusqlite::{Connection, params};
use std::io::{Read, Seek, Write};

/// Anki's schema 11, as `collection.anki21` of a package holds it.
const SCHEMA: &str = "
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL,
  scm integer NOT NULL, ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL,
  ls integer NOT NULL, conf text NOT NULL, models text NOT NULL, decks text NOT NULL,
  dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL,
  sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL,
  ord integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL,
  queue integer NOT NULL, due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL,
  reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL,
  odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL,
  ease integer NOT NULL, ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL,
  time integer NOT NULL, type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// Writes the package to `out` (a zip archive).
pub(crate) fn write(col: &Collection, out: &mut (impl Write + Seek)) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let db_path = dir.path().join("collection.anki21");
    {
        let mut conn = Connection::open(&db_path)?;
        conn.execute_batch(SCHEMA)?;
        let tx = conn.transaction()?;
        let now_s = col.now_ms / 1000;
        tx.execute(
            "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, '{}', ?3, ?4, ?5, '{}')",
            params![
                col.created,
                col.now_ms,
                col.models,
                col.decks,
                col.deck_config
            ],
        )?;
        {
            let mut note =
                tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')")?;
            for n in &col.notes {
                note.execute(params![
                    n.id,
                    n.guid,
                    n.notetype,
                    now_s,
                    n.tags,
                    n.fields,
                    n.sort_field
                ])?;
            }
            let mut card = tx.prepare(
                "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, 0, 0, '')",
            )?;
            for c in &col.cards {
                card.execute(params![
                    c.id, c.note, c.deck, c.ord, now_s, c.kind, c.queue, c.due, c.interval,
                    c.factor, c.reps, c.lapses, c.left
                ])?;
            }
            let mut revlog =
                tx.prepare("INSERT INTO revlog VALUES (?1, ?2, -1, ?3, ?4, ?5, ?6, ?7, ?8)")?;
            for r in &col.revlog {
                revlog.execute(params![
                    r.id,
                    r.card,
                    r.ease,
                    r.interval,
                    r.last_interval,
                    r.factor,
                    r.time,
                    r.kind
                ])?;
            }
        }
        tx.commit()?;
    }
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("collection.anki21", options)?;
    let mut db = std::fs::File::open(&db_path)?;
    let mut buf = Vec::new();
    db.read_to_end(&mut buf)?;
    zip.write_all(&buf)?;
    zip.start_file("media", options)?;
    zip.write_all(b"{}")?;
    zip.finish()?;
    Ok(())
}
