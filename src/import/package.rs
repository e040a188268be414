//! Reading Anki's files: `.apkg` and `.colpkg` packages (zip archives holding
//! `collection.anki2`, `collection.anki21` or the zstd-compressed `collection.anki21b`, and a
//! media map) and bare collection files. This is the edge: it unpacks the collection to a
//! temporary file, opens it with SQLite and hands plain values to [`super::anki`].
//!
//! Nothing here trusts the archive: entries are read with a size cap, an entry that unpacks to
//! more than its header says is refused, and unknown package or schema versions are refused
//! with a message saying what to do.

use super::anki::{CardRow, Collection, Note, Notetype, Template};
use super::history::Revlog;
use super::protobuf;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest collection pmquiz unpacks: far above any real collection (100 000 notes with a
/// million reviews take about 150 MB), far below what would fill a disk.
pub(crate) const MAX_COLLECTION_BYTES: u64 = 2 << 30;
/// The largest media map read (it lists file names only).
const MAX_MEDIA_MAP_BYTES: u64 = 64 << 20;
/// The newest collection schema pmquiz reads (Anki 2.1.50 and later write 18).
const NEWEST_SCHEMA: i64 = 18;

/// An Anki collection opened from a package or a file.
pub(crate) struct Opened {
    /// What the file was, for the report: "Anki package, collection.anki21b".
    pub(crate) format: String,
    /// Media files the package carries (pmquiz shows text only).
    pub(crate) media_files: usize,
    pub(crate) conn: Connection,
    /// The SQLite file `conn` reads.
    path: PathBuf,
    /// The unpacked collection; removed when dropped.
    _temp: Option<tempfile::TempPath>,
}

/// Whether the bytes start a zip archive.
pub(crate) fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Whether the bytes start an SQLite database.
pub(crate) fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(b"SQLite format 3\0")
}

/// Opens a bare collection file (`collection.anki2`).
pub(crate) fn open_collection_file(path: &Path) -> anyhow::Result<Opened> {
    let conn = open_sqlite(path)?;
    check_collection(&conn)?;
    Ok(Opened {
        format: "Anki collection file".to_string(),
        media_files: 0,
        conn,
        path: path.to_path_buf(),
        _temp: None,
    })
}

/// Opens an `.apkg` or `.colpkg` package.
pub(crate) fn open_package(path: &Path) -> anyhow::Result<Opened> {
    let file = File::open(path)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| {
        anyhow::anyhow!(
            "not a complete zip archive ({e}): the file is truncated or damaged; export it from Anki again"
        )
    })?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);

    // `meta` says which collection file to read; packages without one are older (Anki 2.1.49
    // and before, genanki): `collection.anki21` if present, else `collection.anki2`.
    let version = if has("meta") {
        let meta = read_entry(&mut zip, "meta", 1 << 10)?;
        let fields = protobuf::fields(&meta)
            .ok_or_else(|| anyhow::anyhow!("the package's `meta` entry is damaged"))?;
        protobuf::varint_field(&fields, 1).unwrap_or(0)
    } else if has("collection.anki21") {
        2
    } else {
        1
    };
    let (entry, compressed) = match version {
        1 => ("collection.anki2", false),
        2 => ("collection.anki21", false),
        3 => ("collection.anki21b", true),
        v => anyhow::bail!(
            "the package was made by a newer Anki than pmquiz knows (package version {v}): in Anki, \
             export it again with \"Support older Anki versions\" ticked"
        ),
    };
    if !has(entry) {
        let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
        anyhow::bail!(
            "not an Anki package: no `{entry}` inside (it holds {})",
            if shown.is_empty() {
                "nothing".to_string()
            } else {
                shown.join(", ")
            }
        );
    }

    let temp = tempfile::Builder::new()
        .prefix("pmquiz-import-")
        .suffix(".anki2")
        .tempfile()?;
    {
        let mut entry_file = zip
            .by_name(entry)
            .map_err(|e| anyhow::anyhow!("cannot read `{entry}` in the package: {e}"))?;
        let declared = entry_file.size();
        if declared > MAX_COLLECTION_BYTES {
            anyhow::bail!(
                "`{entry}` says it unpacks to {} MB, more than the {} MB pmquiz accepts: the \
                 package is damaged or not a real Anki export",
                declared >> 20,
                MAX_COLLECTION_BYTES >> 20
            );
        }
        let mut out = std::io::BufWriter::new(temp.as_file());
        let written = if compressed {
            let decoder = zstd::stream::read::Decoder::new(CappedReader::new(
                &mut entry_file,
                declared,
                entry,
            ))?;
            copy_capped(decoder, &mut out, MAX_COLLECTION_BYTES, entry)?
        } else {
            copy_capped(
                CappedReader::new(&mut entry_file, declared, entry),
                &mut out,
                declared,
                entry,
            )?
        };
        out.flush()?;
        if written == 0 {
            anyhow::bail!("`{entry}` in the package is empty");
        }
    }
    let media_files = media_count(&mut zip, has("media"), compressed)?;
    let temp = temp.into_temp_path();
    let conn = open_sqlite(&temp)?;
    check_collection(&conn)?;
    let kind = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("colpkg"))
    {
        "Anki collection package"
    } else {
        "Anki package"
    };
    Ok(Opened {
        format: format!("{kind}, {entry}"),
        media_files,
        conn,
        path: temp.to_path_buf(),
        _temp: Some(temp),
    })
}

/// Reads a small entry whole, refusing one larger than `cap`.
fn read_entry(zip: &mut zip::ZipArchive<File>, name: &str, cap: u64) -> anyhow::Result<Vec<u8>> {
    let mut entry = zip
        .by_name(name)
        .map_err(|e| anyhow::anyhow!("cannot read `{name}` in the package: {e}"))?;
    let declared = entry.size();
    if declared > cap {
        anyhow::bail!(
            "`{name}` in the package is too large ({declared} bytes): the package is damaged"
        );
    }
    let mut out = Vec::new();
    copy_capped(
        CappedReader::new(&mut entry, declared, name),
        &mut out,
        declared,
        name,
    )?;
    Ok(out)
}

/// How many media files the package's media map lists.
fn media_count(
    zip: &mut zip::ZipArchive<File>,
    present: bool,
    compressed: bool,
) -> anyhow::Result<usize> {
    if !present {
        return Ok(0);
    }
    let raw = read_entry(zip, "media", MAX_MEDIA_MAP_BYTES)?;
    if compressed {
        // A zstd-compressed protobuf list of entries (name, size, sha1): field 1, repeated.
        let mut map = Vec::new();
        copy_capped(
            zstd::stream::read::Decoder::new(raw.as_slice())?,
            &mut map,
            MAX_MEDIA_MAP_BYTES,
            "media",
        )?;
        let fields = protobuf::fields(&map)
            .ok_or_else(|| anyhow::anyhow!("the package's media map is damaged"))?;
        Ok(fields.iter().filter(|(n, _)| *n == 1).count())
    } else {
        // Older packages: JSON, `{"0": "paris.jpg", ...}`.
        let map: HashMap<String, serde_json::Value> = serde_json::from_slice(&raw)
            .map_err(|e| anyhow::anyhow!("the package's media map is damaged: {e}"))?;
        Ok(map.len())
    }
}

/// A reader that fails once more than `limit` bytes come out of it: a zip entry that unpacks
/// to more than its header declares is damaged or hostile.
struct CappedReader<'a, R> {
    inner: R,
    left: u64,
    name: &'a str,
}

impl<'a, R: Read> CappedReader<'a, R> {
    fn new(inner: R, limit: u64, name: &'a str) -> Self {
        CappedReader {
            inner,
            left: limit,
            name,
        }
    }
}

impl<R: Read> Read for CappedReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // Anything more is over the limit.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(format!(
                    "`{}` unpacks to more than its zip header declares: the package is damaged",
                    self.name
                ))),
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Copies at most `cap` bytes, failing when there are more.
fn copy_capped(
    mut from: impl Read,
    to: &mut impl Write,
    cap: u64,
    name: &str,
) -> anyhow::Result<u64> {
    let mut limited = (&mut from).take(cap);
    let copied = std::io::copy(&mut limited, to)
        .map_err(|e| anyhow::anyhow!("cannot unpack `{name}`: {e}"))?;
    if copied == cap {
        let mut probe = [0u8; 1];
        if from
            .read(&mut probe)
            .map_err(|e| anyhow::anyhow!("cannot unpack `{name}`: {e}"))?
            > 0
        {
            anyhow::bail!(
                "`{name}` unpacks to more than {} MB: the package is damaged or not a real Anki export",
                cap >> 20
            );
        }
    }
    Ok(copied)
}

fn open_sqlite(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Anki's schema 18 declares names `COLLATE unicase`; SQLite cannot plan queries on those
    // tables without a collation of that name.
    conn.create_collation("unicase", |a: &str, b: &str| {
        a.to_lowercase().cmp(&b.to_lowercase())
    })?;
    Ok(conn)
}

/// Refuses what is not an Anki collection pmquiz can read.
fn check_collection(conn: &Connection) -> anyhow::Result<()> {
    let ver: i64 = conn
        .query_row("SELECT ver FROM col", [], |r| r.get(0))
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                anyhow::anyhow!("the collection is not an SQLite database: the package is damaged")
            }
            other => anyhow::anyhow!("not an Anki collection (it has no `col` table: {other})"),
        })?;
    if ver > NEWEST_SCHEMA {
        anyhow::bail!(
            "the collection was written by a newer Anki (schema {ver}; pmquiz reads up to \
             {NEWEST_SCHEMA}): in Anki, export it with \"Support older Anki versions\" ticked"
        );
    }
    if ver < 11 {
        anyhow::bail!(
            "the collection is from Anki 1 (schema {ver}): open it in a current Anki and export it again"
        );
    }
    let notes: Option<i64> = conn
        .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
        .optional()
        .map_err(|e| {
            anyhow::anyhow!("the collection has no notes table: not an Anki collection ({e})")
        })?;
    if notes.unwrap_or(0) == 0 {
        anyhow::bail!("the collection has no notes: there is nothing to import");
    }
    Ok(())
}

fn has_table(conn: &Connection, name: &str) -> anyhow::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

impl Opened {
    /// Another read-only connection to the same collection, to read it on another thread. The
    /// file is there as long as `self` is.
    pub(crate) fn another(&self) -> anyhow::Result<Opened> {
        Ok(Opened {
            format: self.format.clone(),
            media_files: self.media_files,
            conn: open_sqlite(&self.path)?,
            path: self.path.clone(),
            _temp: None,
        })
    }

    /// When the collection was created (`col.crt`, Unix seconds): the start of a day in Anki.
    pub(crate) fn created(&self) -> anyhow::Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT crt FROM col", [], |r| r.get(0))?)
    }

    /// Reads the review log: every row, in no particular order.
    pub(crate) fn revlog(&self) -> anyhow::Result<Vec<Revlog>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, cid, ease, ivl, factor, time, type FROM revlog")?;
        // Out-of-range values (a damaged log) become values that mean nothing to the import:
        // no grade, no kind.
        let small = |v: i64| i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX });
        let byte = |v: i64| u8::try_from(v).unwrap_or(u8::MAX);
        let rows = stmt.query_map([], |r| {
            Ok(Revlog {
                id: r.get(0)?,
                cid: r.get(1)?,
                ease: byte(r.get(2)?),
                ivl: small(r.get(3)?),
                factor: small(r.get(4)?),
                time: small(r.get(5)?),
                kind: byte(r.get(6)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Reads note types, decks, notes and cards.
    pub(crate) fn collection(&self) -> anyhow::Result<Collection> {
        let conn = &self.conn;
        let (notetypes, decks) = if has_table(conn, "notetypes")? {
            (notetypes_v18(conn)?, decks_v18(conn)?)
        } else {
            legacy_json(conn)?
        };
        let mut notes = Vec::new();
        let mut stmt = conn.prepare("SELECT id, guid, mid, tags, flds FROM notes")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let tags: String = r.get(3)?;
            let flds: String = r.get(4)?;
            notes.push(Note {
                id: r.get(0)?,
                guid: r.get(1)?,
                notetype: r.get(2)?,
                fields: flds.split('\u{1f}').map(str::to_string).collect(),
                tags: tags.split_whitespace().map(str::to_string).collect(),
            });
        }
        let mut cards = Vec::new();
        let mut stmt = conn.prepare("SELECT id, nid, did, odid, ord FROM cards")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let did: i64 = r.get(2)?;
            let odid: i64 = r.get(3)?;
            cards.push(CardRow {
                id: r.get(0)?,
                note: r.get(1)?,
                deck: if odid != 0 { odid } else { did },
                ord: r.get(4)?,
            });
        }
        Ok(Collection {
            notetypes,
            decks,
            notes,
            cards,
        })
    }
}

/// Schema 18: note types, fields and templates in their own tables, settings as protobuf.
fn notetypes_v18(conn: &Connection) -> anyhow::Result<Vec<Notetype>> {
    let mut by_id: Vec<Notetype> = Vec::new();
    let mut stmt = conn.prepare("SELECT id, name, config FROM notetypes")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let config: Vec<u8> = r.get(2)?;
        let fields = protobuf::fields(&config).unwrap_or_default();
        by_id.push(Notetype {
            id: r.get(0)?,
            name: r.get(1)?,
            // Notetype.Config.kind: 1 is cloze.
            cloze: protobuf::varint_field(&fields, 1) == Some(1),
            fields: Vec::new(),
            templates: Vec::new(),
        });
    }
    let index: HashMap<i64, usize> = by_id.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut stmt = conn.prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
            by_id[i].fields.push(r.get(1)?);
        }
    }
    let mut stmt = conn.prepare("SELECT ntid, name, config FROM templates ORDER BY ntid, ord")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
            let config: Vec<u8> = r.get(2)?;
            let f = protobuf::fields(&config).unwrap_or_default();
            by_id[i].templates.push(Template {
                name: r.get(1)?,
                // Template.Config: q_format = 1, a_format = 2.
                front: protobuf::string_field(&f, 1)
                    .unwrap_or_default()
                    .to_string(),
                back: protobuf::string_field(&f, 2)
                    .unwrap_or_default()
                    .to_string(),
            });
        }
    }
    Ok(by_id)
}

fn decks_v18(conn: &Connection) -> anyhow::Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM decks")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?.replace('\u{1f}', "::"),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Schema 11: note types and decks as JSON in the `col` row.
fn legacy_json(conn: &Connection) -> anyhow::Result<(Vec<Notetype>, HashMap<i64, String>)> {
    let (models, decks): (String, String) =
        conn.query_row("SELECT models, decks FROM col", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let models: HashMap<String, serde_json::Value> = serde_json::from_str(&models)
        .map_err(|e| anyhow::anyhow!("the collection's note types are damaged: {e}"))?;
    let decks: HashMap<String, serde_json::Value> = serde_json::from_str(&decks)
        .map_err(|e| anyhow::anyhow!("the collection's decks are damaged: {e}"))?;
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    let ordered = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        let mut items = v.as_array().cloned().unwrap_or_default();
        items.sort_by_key(|i| i["ord"].as_i64().unwrap_or(0));
        items
    };
    let notetypes = models
        .iter()
        .map(|(id, m)| Notetype {
            id: m["id"].as_i64().or_else(|| id.parse().ok()).unwrap_or(0),
            name: text(m, "name"),
            cloze: m["type"].as_i64() == Some(1),
            fields: ordered(&m["flds"])
                .iter()
                .map(|f| text(f, "name"))
                .collect(),
            templates: ordered(&m["tmpls"])
                .iter()
                .map(|t| Template {
                    name: text(t, "name"),
                    front: text(t, "qfmt"),
                    back: text(t, "afmt"),
                })
                .collect(),
        })
        .collect();
    let decks = decks
        .iter()
        .filter_map(|(id, d)| {
            let id = d["id"].as_i64().or_else(|| id.parse().ok())?;
            Some((id, text(d, "name")))
        })
        .collect();
    Ok((notetypes, decks))
}
