//! What `pmquiz import` prints: per source file, what its notes became and what was left out;
//! then the deck files written.

use super::model::{Imported, Skipped};
use super::plan::Repeated;
use crate::deck::plural;
use std::fmt::Write as _;

/// One source file's part of the report.
pub(crate) struct SourceReport<'a> {
    pub(crate) path: &'a str,
    pub(crate) format: &'a str,
    pub(crate) imported: &'a Imported,
    /// Media files an Anki package carries.
    pub(crate) media_files: usize,
}

/// One deck file's line.
pub(crate) struct DeckReport<'a> {
    pub(crate) path: &'a str,
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) cards: usize,
}

/// The report. `dropped` lists cards the deck loader refused; `dry_run` words it as a plan.
pub(crate) fn render(
    sources: &[SourceReport<'_>],
    decks: &[DeckReport<'_>],
    dropped: &[Skipped],
    repeated: &[Repeated],
    dry_run: bool,
) -> String {
    let mut out = String::new();
    for s in sources {
        let _ = writeln!(
            out,
            "{} ({}): {}",
            s.path,
            s.format,
            plural(s.imported.cards.len(), "card")
        );
        for t in &s.imported.by_type {
            let _ = writeln!(
                out,
                "  {}: {} → {}{}",
                t.name,
                plural(t.notes, t.unit),
                t.mapped_as,
                if t.cards == t.notes {
                    String::new()
                } else {
                    format!(" ({})", plural(t.cards, "card"))
                }
            );
        }
        for w in &s.imported.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        if !s.imported.skipped.is_empty() {
            let _ = writeln!(
                out,
                "  skipped {}:",
                plural(s.imported.skipped.len(), "note")
            );
            for skip in &s.imported.skipped {
                let _ = writeln!(out, "    {}: {}", skip.note, skip.reason);
            }
        }
        if !s.imported.media.is_empty() || s.media_files > 0 {
            let names: Vec<&str> = s
                .imported
                .media
                .iter()
                .map(String::as_str)
                .take(5)
                .collect();
            let more = s.imported.media.len().saturating_sub(names.len());
            let _ = writeln!(
                out,
                "  media not carried (pmquiz shows text only): {} referenced{}{}",
                plural(s.imported.media.len(), "file"),
                if names.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({}{})",
                        names.join(", "),
                        if more > 0 {
                            format!(", and {more} more")
                        } else {
                            String::new()
                        }
                    )
                },
                if s.media_files > 0 {
                    format!(
                        "; the package holds {}",
                        plural(s.media_files, "media file")
                    )
                } else {
                    String::new()
                }
            );
        }
    }
    // Cards two files both brought, per pair of files, in the order first met.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for r in repeated {
        if !pairs.contains(&(r.first, r.again)) {
            pairs.push((r.first, r.again));
        }
    }
    for (first, again) in pairs {
        let of_pair: Vec<&Repeated> = repeated
            .iter()
            .filter(|r| (r.first, r.again) == (first, again))
            .collect();
        let name = |i: usize| sources.get(i).map_or("?", |s| s.path);
        let _ = writeln!(
            out,
            "{} in both {} and {} (the same notes), imported once",
            plural(of_pair.len(), "card"),
            name(first),
            name(again)
        );
        let changed: Vec<&&Repeated> = of_pair.iter().filter(|r| r.changed).collect();
        if !changed.is_empty() {
            let _ = writeln!(
                out,
                "  {} of them differ, and are imported as {} has them:",
                changed.len(),
                name(again)
            );
            for r in changed {
                let _ = writeln!(out, "    {}", r.note);
            }
        }
    }
    if !dropped.is_empty() {
        let _ = writeln!(out, "left out {}:", plural(dropped.len(), "card"));
        for d in dropped {
            let _ = writeln!(out, "  {}: {}", d.note, d.reason);
        }
    }
    let verb = if dry_run { "would write" } else { "wrote" };
    let _ = writeln!(
        out,
        "{verb} {}{}:",
        plural(decks.len(), "deck"),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    for d in decks {
        let _ = writeln!(
            out,
            "  {}  {} \"{}\", {}",
            d.path,
            d.id,
            d.name,
            plural(d.cards, "card")
        );
    }
    if !dry_run && let Some(first) = decks.first() {
        let _ = writeln!(
            out,
            "Study with `pmquiz run --deck {}`; `pmquiz review` asks the cards that are due.",
            first.id
        );
    }
    out
}
