//! Why a centre configuration could not be read: one [`Problem`] per invalid value, gathered into
//! a [`ConfigError`] that names the file.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One validation problem: the TOML key path and what is wrong / what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Key path, e.g. `channels.voice.targets.max_abandon_rate` or `agents[3].skills`.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Why a centre configuration could not be read, validated or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or written.
    #[error("cannot {action} configuration file {}: {source}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is malformed or a value has the wrong type (line and column 1-based).
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax {
        /// File name (or other source label).
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the TOML parser expected.
        message: String,
    },
    /// The TOML is well formed but the configuration is not valid; every problem is listed.
    #[error("{source_name}: invalid centre configuration ({} problem{}):\n{}", problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {source_name}: {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// File name (or other source label).
        source_name: String,
        /// The problems, in file order as far as possible.
        problems: Vec<Problem>,
    },
    /// The configuration could not be written as TOML.
    #[error("cannot write the configuration as TOML: {0}")]
    Serialize(String),
}

impl ConfigError {
    /// The validation problems (empty for I/O and syntax errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}
