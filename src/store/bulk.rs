//! Adding rows by the hundred thousand: a table's indexes are dropped first and built again
//! once the rows are in, in the same transaction. SQLite builds an index from the sorted rows
//! in a fraction of the time it takes to update it row by row.

use rusqlite::Transaction;

/// Indexes dropped for a bulk write, each as the schema defines it (name, `CREATE INDEX`
/// statement), to be built again by [`DroppedIndexes::rebuild`] before the transaction
/// commits. A transaction rolled back keeps them, as it keeps everything.
#[derive(Debug)]
pub(super) struct DroppedIndexes(Vec<(String, String)>);

impl DroppedIndexes {
    /// Drops the indexes made by `CREATE INDEX` on `tables`, except those named in `keep`
    /// (primary keys and `UNIQUE` constraints are part of their tables and stay).
    pub(super) fn drop(
        tx: &Transaction<'_>,
        tables: &[&str],
        keep: &[&str],
    ) -> rusqlite::Result<DroppedIndexes> {
        let mut indexes = Vec::new();
        let mut stmt = tx.prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
        )?;
        for table in tables {
            for index in stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (name, sql): (String, String) = index?;
                if !keep.contains(&name.as_str()) {
                    indexes.push((name, sql));
                }
            }
        }
        for (name, _) in &indexes {
            tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        Ok(DroppedIndexes(indexes))
    }

    /// Builds the indexes again, calling `built` with each one's name once it is. With the
    /// page cache at its usual size, SQLite's sorter may use a thread per core meanwhile (its
    /// `threads` setting, back to none after): each thread sorts in a buffer as large as the
    /// page cache, so with a big cache ([`super::Store::use_big_cache`], a first sync) the
    /// sort stays on one thread rather than multiply that memory.
    pub(super) fn rebuild(
        self,
        tx: &Transaction<'_>,
        mut built: impl FnMut(&str),
    ) -> rusqlite::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let threads = if cache_bytes(tx)? <= MAX_CACHE_FOR_THREADS {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        } else {
            0
        };
        tx.pragma_update(None, "threads", threads as i64)?;
        let result = self.0.iter().try_for_each(|(name, sql)| {
            tx.execute_batch(sql)?;
            built(name);
            Ok(())
        });
        // The build's own error, if any, is the one to report.
        result.and(tx.pragma_update(None, "threads", 0))
    }
}

/// The largest page cache with which index builds sort on several threads (see
/// [`DroppedIndexes::rebuild`]): SQLite's default is 2 MiB.
const MAX_CACHE_FOR_THREADS: i64 = 8 << 20;

/// The connection's page cache limit in bytes (`cache_size` is in KiB when negative, in pages
/// otherwise).
fn cache_bytes(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    let size: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    if size < 0 {
        Ok(size.saturating_mul(-1024))
    } else {
        let page: i64 = tx.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(size.saturating_mul(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn index_sql(conn: &Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?)))
            .unwrap()
            .map(|r| {
                let (name, sql) = r.unwrap();
                (name, sql.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn indexes_dropped_are_built_again_as_they_were() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT UNIQUE, c INTEGER, d INTEGER);
             CREATE INDEX t_c ON t (c);
             CREATE INDEX t_cd ON t (c, d) WHERE d > 0;
             CREATE UNIQUE INDEX t_d ON t (d);
             CREATE TABLE u (x INTEGER);
             CREATE INDEX u_x ON u (x);",
        )
        .unwrap();
        let before = index_sql(&conn);
        let tx = conn.transaction().unwrap();
        let dropped = DroppedIndexes::drop(&tx, &["t"], &["t_d"]).unwrap();
        // Only t's own CREATE INDEX ones but the one kept; the UNIQUE constraint stays.
        let left: Vec<String> = index_sql(&tx).into_iter().map(|(n, _)| n).collect();
        assert_eq!(left, ["sqlite_autoindex_t_1", "t_d", "u_x"]);
        tx.execute_batch("INSERT INTO t (b, c, d) VALUES ('x', 1, 1), ('y', 2, 2), ('z', 2, -1)")
            .unwrap();
        let mut names = Vec::new();
        dropped
            .rebuild(&tx, |name| names.push(name.to_string()))
            .unwrap();
        assert_eq!(names, ["t_c", "t_cd"]);
        let threads: i64 = tx.query_row("PRAGMA threads", [], |r| r.get(0)).unwrap();
        assert_eq!(threads, 0);
        tx.commit().unwrap();
        assert_eq!(index_sql(&conn), before);
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM t INDEXED BY t_cd WHERE c = 2 AND d > 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1);
    }

    #[test]
    fn the_page_cache_is_measured_in_bytes_either_way() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        tx.pragma_update(None, "cache_size", -2000).unwrap();
        assert_eq!(cache_bytes(&tx).unwrap(), 2000 * 1024);
        assert!(cache_bytes(&tx).unwrap() <= MAX_CACHE_FOR_THREADS);
        tx.pragma_update(None, "cache_size", -256 * 1024).unwrap();
        assert!(cache_bytes(&tx).unwrap() > MAX_CACHE_FOR_THREADS);
        tx.pragma_update(None, "cache_size", 100).unwrap();
        let page: i64 = tx.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        assert_eq!(cache_bytes(&tx).unwrap(), 100 * page);
    }

    #[test]
    fn a_failed_build_leaves_the_sorter_alone_and_reports_the_error() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER); CREATE UNIQUE INDEX t_a ON t (a);")
            .unwrap();
        let tx = conn.transaction().unwrap();
        let dropped = DroppedIndexes::drop(&tx, &["t"], &[]).unwrap();
        // Rows the unique index cannot take.
        tx.execute_batch("INSERT INTO t VALUES (1), (1)").unwrap();
        let err = dropped.rebuild(&tx, |_| {}).unwrap_err();
        assert!(err.to_string().contains("UNIQUE"), "{err}");
        let threads: i64 = tx.query_row("PRAGMA threads", [], |r| r.get(0)).unwrap();
        assert_eq!(threads, 0);
    }
}
