//! `pmquiz draft ARTICLE [-o FILE] [--name NAME]`: draft a deck from an article, to standard
//! output or to a new file (written whole or not at all, never over an existing file).

use super::OK;
use crate::cli::{ArticleFormat, DraftArgs};
use crate::draft::{self, Format, Options};
use anyhow::{Context as _, bail};
use std::io::{Read, Write};
use std::path::Path;

pub(super) fn run(args: &DraftArgs) -> anyhow::Result<u8> {
    let from_stdin = args.article.as_os_str() == "-";
    let shown = if from_stdin {
        "standard input".to_string()
    } else {
        args.article.display().to_string()
    };
    if let Some(out) = &args.output {
        check_output(out)?;
    }
    let bytes = if from_stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the article from standard input")?;
        bytes
    } else {
        std::fs::read(&args.article).with_context(|| format!("cannot read {shown}"))?
    };
    let options = Options {
        name: args.name.clone(),
        format: args.from.map(|f| match f {
            ArticleFormat::Text => Format::Text,
            ArticleFormat::Markdown => Format::Markdown,
            ArticleFormat::Html => Format::Html,
        }),
        file_name: if from_stdin {
            "standard input".to_string()
        } else {
            args.article
                .file_name()
                .map_or(shown.clone(), |n| n.to_string_lossy().into_owned())
        },
    };
    let drafted = draft::draft(&bytes, &options).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let mut note = format!("Drafted {}", drafted.counts.describe());
    if drafted.counts.unlabelled_rows > 0 {
        note.push_str(&format!(
            "; {} of the chart without a label (aspect = \"?\")",
            crate::deck::plural(drafted.counts.unlabelled_rows, "row")
        ));
    }
    if drafted.counts.left_over > 0 {
        note.push_str(&format!(
            "; {} of the article listed at the end as not drafted",
            crate::deck::plural(drafted.counts.left_over, "piece")
        ));
    }
    match &args.output {
        Some(out) => {
            write_new(out, &drafted.text)?;
            eprintln!("{note}.");
            eprintln!(
                "Wrote {}. Edit it, then `pmquiz check {0}` and `pmquiz run --deck {0}`.",
                out.display()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(drafted.text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write the deck to standard output")?;
            eprintln!("{note}.");
        }
    }
    Ok(OK)
}

fn check_output(path: &Path) -> anyhow::Result<()> {
    if path.extension().is_none_or(|e| e != "toml") {
        bail!(
            "{} does not end in .toml; deck files need the .toml extension to be found",
            path.display()
        );
    }
    if path.symlink_metadata().is_ok() {
        bail!(
            "{} already exists; pmquiz draft never overwrites a file: choose another path",
            path.display()
        );
    }
    Ok(())
}

/// Writes `text` to a temporary file beside `path`, then links it into place, which fails if
/// `path` has appeared meanwhile: a reader never sees half a deck, and nothing is overwritten.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.draft-tmp", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        match std::fs::hard_link(&temp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "{} already exists; pmquiz draft never overwrites a file: choose another path",
                path.display()
            ),
            // A file system without hard links: rename, having checked just before.
            Err(_) => {
                check_output(path)?;
                std::fs::rename(&temp, path)
                    .with_context(|| format!("cannot write {}", path.display()))
            }
        }
    })();
    let _ = std::fs::remove_file(&temp);
    result
}
