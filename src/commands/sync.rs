//! `pmquiz sync [DIR] [--status]`: share the history with the user's other devices through a
//! folder, and the automatic sync around sessions (`sync = "auto"`).

use super::history::{adopt_and_replay, open_store_to_share, ready_to_share};
use super::{Context, FAILURE, OK};
use crate::cli::{Format, SyncArgs};
use crate::config::SyncMode;
use crate::deck::plural;
use crate::library::OpenDeck;
use crate::store::Store;
use crate::sync::folder::{self, Report, Status};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) fn run(cx: &Context, args: &SyncArgs) -> anyhow::Result<u8> {
    let Some(dir) = cx.sync_dir(args.dir.as_deref())? else {
        eprintln!(
            "error: no sync folder: give one (`pmquiz sync ~/Sync`) or set it in {} \
             (`sync_dir = \"~/Sync\"`)",
            cx.data_dir()?
                .join(crate::config::CONFIG_FILE_NAME)
                .display()
        );
        return Ok(FAILURE);
    };
    let store = open_store_to_share(cx)?;
    if args.status {
        let status = folder::status(&store, &dir, &folder::device_name())?;
        match args.format {
            Format::Text => print!("{}", render_status(&status)),
            Format::Json => println!("{}", serde_json::to_string_pretty(&status_json(&status))?),
        }
        return Ok(OK);
    }
    let report = folder::sync(&store, &dir, &cx.scheduler()?, &folder::device_name())?;
    for notice in &report.notices {
        eprintln!("warning: {notice}");
    }
    match args.format {
        Format::Text => println!("{}", summary(&report)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "folder": report.folder.display().to_string(),
                "sent": report.sent,
                "received": report.received.added,
                "received_answers": report.received.answers,
                "already_known": report.received.known,
                "logs_read": report.logs_read,
                "replayed_cards": report.replayed,
                "warnings": report.notices,
            }))?
        ),
    }
    Ok(OK)
}

/// Opens the review history for a session over `decks` that records answers: synced first
/// when config.toml says `sync = "auto"` (see [`auto`]), then brought up to date for the decks.
/// The session records on this same connection, and syncs on it again at its end.
pub(super) fn open_for_session(cx: &Context, decks: &[OpenDeck]) -> anyhow::Result<Store> {
    let store = Store::open(cx.data_dir()?)?;
    auto(cx, &store)?;
    adopt_and_replay(cx, &store, decks)?;
    Ok(store)
}

/// Syncs `store` before a session when config.toml says `sync = "auto"` (see
/// [`auto_after`]), then sets it back to wait for the disk on each commit, as the session's
/// answers need: fails only if that cannot be done.
pub(super) fn auto(cx: &Context, store: &Store) -> anyhow::Result<()> {
    auto_after(cx, store);
    // A sync lets the connection's commits skip waiting for the disk; the session's answers on
    // it must not, whether or not the sync went through.
    store.wait_for_the_disk_again()?;
    Ok(())
}

/// Syncs `store` at the end of a session when config.toml says `sync = "auto"`, and says how
/// it went. A problem with the sync is a warning, never the end of the session: the answers
/// stay here for the next sync.
pub(super) fn auto_after(cx: &Context, store: &Store) {
    let result = (|| -> anyhow::Result<Option<Report>> {
        if cx.config()?.sync != Some(SyncMode::Auto) {
            return Ok(None);
        }
        let Some(dir) = cx.sync_dir(None)? else {
            anyhow::bail!(
                "`sync = \"auto\"` needs `sync_dir` in config.toml: the folder to sync through"
            );
        };
        ready_to_share(cx, store)?;
        Ok(Some(folder::sync(
            store,
            &dir,
            &cx.scheduler()?,
            &folder::device_name(),
        )?))
    })();
    match result {
        Ok(None) => {}
        Ok(Some(report)) => {
            for notice in &report.notices {
                eprintln!("warning: {notice}");
            }
            if report.sent > 0 || report.received.added > 0 {
                eprintln!("sync: {}", summary(&report));
            }
        }
        Err(e) => eprintln!(
            "warning: automatic sync failed: {}",
            super::describe(&e).trim_start_matches("error: ")
        ),
    }
}

fn summary(r: &Report) -> String {
    let folder = r.folder.display();
    if r.sent == 0 && r.received.added == 0 {
        return format!(
            "Synced with {folder}: nothing new ({} read).",
            plural(r.logs_read, "other log")
        );
    }
    let mut text = format!(
        "Synced with {folder}: sent {}",
        plural(r.sent as usize, "event")
    );
    text.push_str(&format!(
        ", received {} ({}) from {}",
        plural(r.received.added, "event"),
        plural(r.received.answers, "answer"),
        plural(r.logs_read, "log")
    ));
    if r.replayed > 0 {
        text.push_str(&format!(
            "; {} rescheduled",
            plural(r.replayed as usize, "card")
        ));
    }
    text.push('.');
    text
}

fn when(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "no events".to_string(),
        |t| format!("last event {}", t.format("%Y-%m-%d %H:%M UTC")),
    )
}

fn render_status(s: &Status) -> String {
    let mut out = format!("Sync folder  {}\n", s.folder.display());
    let name = |n: &str| {
        if n.is_empty() {
            "(unnamed)".to_string()
        } else {
            n.to_string()
        }
    };
    for d in &s.devices {
        let label = if d.this {
            "This device "
        } else {
            "Device      "
        };
        out.push_str(&format!(
            "{label} {} ({}): {} here, {}",
            name(&d.name),
            d.id.short(),
            plural(d.answers as usize, "answer"),
            when(d.last_at)
        ));
        if d.this {
            out.push_str(&format!(
                "; {} to send\n",
                plural(s.to_send as usize, "event")
            ));
        } else if d.files.is_empty() {
            out.push_str("; no log in the folder\n");
        } else {
            out.push_str(&format!(
                "; {} waiting in {}\n",
                plural(d.to_receive as usize, "event"),
                if d.files.len() == 1 {
                    "its log".to_string()
                } else {
                    format!("its {} log files", d.files.len())
                }
            ));
        }
    }
    if s.pending_replays > 0 {
        out.push_str(&format!(
            "{} wait to be rescheduled by the next sync\n",
            plural(s.pending_replays as usize, "card")
        ));
    }
    for n in &s.notices {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

fn status_json(s: &Status) -> serde_json::Value {
    json!({
        "folder": s.folder.display().to_string(),
        "to_send": s.to_send,
        "pending_replays": s.pending_replays,
        "devices": s.devices.iter().map(|d| json!({
            "id": d.id.to_string(),
            "name": d.name,
            "this": d.this,
            "answers": d.answers,
            "events": d.events,
            "last_event_at": d.last_at.map(|t| t.to_rfc3339()),
            "files": d.files,
            "to_receive": d.to_receive,
        })).collect::<Vec<_>>(),
        "notes": s.notices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session's answers are recorded on the connection an automatic sync used: whether the
    /// sync went through or failed, it waits for the disk again before the first answer.
    #[test]
    fn a_session_records_on_a_connection_that_waits_for_the_disk_after_an_auto_sync() {
        let folder = tempfile::tempdir().unwrap();
        let not_a_folder = folder.path().join("a file");
        std::fs::write(&not_a_folder, "x").unwrap();
        for sync_dir in [folder.path().to_path_buf(), not_a_folder] {
            let data = tempfile::tempdir().unwrap();
            std::fs::write(
                data.path().join("config.toml"),
                format!(
                    "sync_dir = {}\nsync = \"auto\"\n",
                    toml::Value::String(sync_dir.display().to_string())
                ),
            )
            .unwrap();
            let cx = Context::new(Some(data.path().to_path_buf()));
            let at_open = Store::open(data.path()).unwrap().disk_settings();
            // FULL, the default cache, a checkpoint on close.
            assert_eq!(at_open, (2, -2000, false));
            let store = open_for_session(&cx, &[]).unwrap();
            assert_eq!(store.disk_settings(), at_open, "{}", sync_dir.display());
            // At the session's end the sync may leave the connection as it likes: nothing is
            // recorded on it after.
            auto_after(&cx, &store);
        }
        // The sync did run where the folder is one.
        assert!(folder.path().join("pmquiz").is_dir());
    }
}
