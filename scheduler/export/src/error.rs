//! What can go wrong writing an export.

use std::path::PathBuf;

/// An export that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file or directory could not be created or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing to the caller's writer failed.
    #[error("writing the export: {0}")]
    Write(#[from] std::io::Error),
    /// The roster names an agent the configuration does not have.
    #[error("the roster has shifts for agent {0:?}, who is not in the configuration")]
    UnknownAgent(String),
    /// No agent of that id in the schedule.
    #[error("no agent {0:?} in the roster's configuration")]
    NoSuchAgent(String),
    /// The spreadsheet library refused the workbook.
    #[error("writing the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The iCalendar library refused a component.
    #[error("writing the iCalendar file: {0}")]
    Calendar(String),
}
