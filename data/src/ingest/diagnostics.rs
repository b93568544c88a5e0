//! Problems found in a history file: each [`Diagnostic`] names the file, line and column, and
//! [`Diagnostics`] keeps the earliest [`MAX_DIAGNOSTICS`] of them, counting the rest.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::CapExceeded;

/// At most this many diagnostics are kept; the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 200;

/// Values echoed in diagnostics are cut to this many characters (with `…`).
pub const MAX_ECHOED_CHARS: usize = 80;

/// One problem found in a history file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number (`None` for problems with the file as a whole).
    pub line: Option<u64>,
    /// The column, when the problem is in one cell.
    pub column: Option<DiagnosticColumn>,
    /// What is wrong and what was expected.
    pub message: String,
}

/// A column of a [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticColumn {
    /// 1-based position in the row.
    pub index: usize,
    /// Its header name as written in the file.
    pub name: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(c) = &self.column {
                write!(f, ":{}", c.index)?;
            }
        }
        match &self.column {
            Some(c) => write!(f, ": {}: {}", c.name, self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

/// Every problem found in a history file (at most [`MAX_DIAGNOSTICS`], sorted by line and column,
/// plus a count of those left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryErrors {
    /// The diagnostics kept, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many more problems were found but not kept.
    pub omitted: usize,
    /// Set when reading stopped at a cap of [`InputLimits`](super::InputLimits) (an HTTP 413 rather than a 422).
    pub cap: Option<CapExceeded>,
}

impl HistoryErrors {
    /// Total number of problems found.
    pub fn total(&self) -> usize {
        self.diagnostics.len() + self.omitted
    }
}

impl fmt::Display for HistoryErrors {
    /// One `file:line:column: column-name: message` line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>();
        if self.omitted > 0 {
            lines.push(format!("... and {} more problems", self.omitted));
        }
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for HistoryErrors {}

/// Keeps the [`MAX_DIAGNOSTICS`] diagnostics earliest in the file, counting the rest.
pub(super) struct Diagnostics {
    pub(super) file: PathBuf,
    /// Position and name of the interval_start column, for problems about a row's interval.
    pub(super) ts_column: Option<(usize, String)>,
    heap: BinaryHeap<Keyed>,
    pub(super) total: usize,
    seq: u64,
}

struct Keyed {
    pub(super) key: (u64, usize, u64),
    diag: Diagnostic,
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl Diagnostics {
    pub(super) fn new(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            ts_column: None,
            heap: BinaryHeap::new(),
            total: 0,
            seq: 0,
        }
    }

    pub(super) fn push(
        &mut self,
        line: Option<u64>,
        column: Option<(usize, &str)>,
        message: String,
    ) {
        self.total += 1;
        self.seq += 1;
        let key = (line.unwrap_or(0), column.map_or(0, |c| c.0), self.seq);
        if self.heap.len() >= MAX_DIAGNOSTICS {
            match self.heap.peek() {
                Some(top) if top.key > key => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        let diag = Diagnostic {
            file: self.file.clone(),
            line,
            column: column.map(|(index, name)| DiagnosticColumn {
                index,
                name: name.to_string(),
            }),
            message,
        };
        self.heap.push(Keyed { key, diag });
    }

    /// A problem with the interval of a row (duplicate, overlap, granularity): reported at the
    /// interval_start column.
    pub(super) fn push_interval(&mut self, line: Option<u64>, message: String) {
        let column = self.ts_column.clone();
        self.push(
            line,
            column.as_ref().map(|(i, n)| (*i, n.as_str())),
            message,
        );
    }

    pub(super) fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub(super) fn into_errors(self) -> HistoryErrors {
        let kept = self.heap.into_sorted_vec();
        let omitted = self.total - kept.len();
        HistoryErrors {
            diagnostics: kept.into_iter().map(|k| k.diag).collect(),
            omitted,
            cap: None,
        }
    }
}

/// A value as shown in a diagnostic: quoted and escaped like `{:?}` (so control characters and
/// binary garbage print as `\u{1}` escapes), cut to [`MAX_ECHOED_CHARS`] characters with `…`.
pub fn shown(s: &str) -> String {
    let total = s.chars().count();
    if total <= MAX_ECHOED_CHARS {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(MAX_ECHOED_CHARS).collect();
    let quoted = format!("{head:?}");
    format!(
        "{}…\" ({} characters)",
        &quoted[..quoted.len() - 1],
        crate::summary::thousands(total as u64)
    )
}
