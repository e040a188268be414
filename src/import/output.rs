//! Writing the files of an import or export: every file goes to a temporary file beside its
//! destination and is renamed into place only when all of them are written, so that an
//! interrupted or failed run leaves no half-written file, and existing files are replaced only
//! when asked to.

use anyhow::Context as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Refuses to go on when one of the destinations exists and `force` is not set.
pub(crate) fn check_free(paths: &[PathBuf], force: bool) -> anyhow::Result<()> {
    if force {
        return Ok(());
    }
    let existing: Vec<String> = paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        anyhow::bail!(
            "{} already exist{}: pmquiz does not overwrite files without --force (cards keep \
             their ids, so replacing an imported deck keeps its review history)",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        );
    }
    Ok(())
}

/// Files written to their temporary names, waiting to be renamed into place.
pub(crate) struct Staged {
    files: Vec<(tempfile::NamedTempFile, PathBuf)>,
    force: bool,
}

impl Staged {
    pub(crate) fn new(force: bool) -> Self {
        Staged {
            files: Vec::new(),
            force,
        }
    }

    /// Writes `bytes` (through `write`) to a temporary file beside `path`.
    pub(crate) fn add(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut std::fs::File) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".pmquiz-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        write(temp.as_file_mut())
            .and_then(|()| temp.as_file_mut().flush().map_err(Into::into))
            .and_then(|()| temp.as_file().sync_all().map_err(Into::into))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.files.push((temp, path.to_path_buf()));
        Ok(())
    }

    /// Renames every file into place.
    pub(crate) fn commit(self) -> anyhow::Result<()> {
        for (temp, path) in self.files {
            let result = if self.force {
                temp.persist(&path).map(|_| ())
            } else {
                temp.persist_noclobber(&path).map(|_| ())
            };
            result.map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    anyhow::anyhow!(
                        "{} appeared while pmquiz was writing it; nothing was overwritten (use --force to replace it)",
                        path.display()
                    )
                } else {
                    anyhow::anyhow!("cannot write {}: {}", path.display(), e.error)
                }
            })?;
        }
        Ok(())
    }
}
