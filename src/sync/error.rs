//! What can stop a sync, an export or an import, in words for the user.

use std::io;
use std::path::PathBuf;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "the sync folder {0} does not exist. Create it, or check that the drive or network \
         share it is on is mounted and that `sync_dir` in config.toml names it. Nothing was \
         changed; your answers are kept here and go out with the next sync."
    )]
    MissingFolder(PathBuf),
    #[error("the sync folder {0} is not a folder")]
    NotAFolder(PathBuf),
    // The cause is the error's source, which the message printed for it shows after this one.
    #[error("cannot {action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> SyncError {
        let path = path.into();
        move |source| SyncError::Io {
            action,
            path,
            source,
        }
    }
}
