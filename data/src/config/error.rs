//! Why a centre configuration (or a change to one, such as a scenario) could not be read: one
//! [`ConfigProblem`] per invalid value, gathered into a [`ConfigError`] that names the file, and the one
//! reader of TOML text, [`read_toml`], whose syntax errors carry the line and column
//! ([`line_col`]).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What `centre.toml` is called in messages ([`ConfigError::Io`], [`ConfigError::Invalid`]).
pub const CENTRE_CONFIGURATION: &str = "centre configuration";

/// One validation problem: the TOML key path and what is wrong / what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigProblem {
    /// Key path, e.g. `channels.voice.targets.max_abandon_rate` or `agents[3].skills`.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl ConfigProblem {
    /// A problem at `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Why a centre configuration, or a TOML file that changes one (a scenario), could not be read,
/// validated or written. `document` names what the file is ([`CENTRE_CONFIGURATION`],
/// `"scenario"`).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or written.
    #[error("cannot {action} {document} file {}: {source}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// What the file is, e.g. [`CENTRE_CONFIGURATION`].
        document: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is malformed, a key is unknown or a value has the wrong type (line and column
    /// 1-based).
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
    /// The TOML is well formed but its values are not valid; every problem is listed.
    #[error("{source_name}: invalid {document} ({} problem{}):\n{}", problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {source_name}: {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// File name (or other source label).
        source_name: String,
        /// What the file is, e.g. [`CENTRE_CONFIGURATION`].
        document: &'static str,
        /// The problems, in file order as far as possible.
        problems: Vec<ConfigProblem>,
    },
    /// The configuration could not be written as TOML.
    #[error("cannot write the configuration as TOML: {0}")]
    Serialize(String),
}

impl ConfigError {
    /// The validation problems (empty for I/O and syntax errors).
    pub fn problems(&self) -> &[ConfigProblem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The syntax error `e` met reading `text`, at the line and column of its span.
    pub fn syntax(text: &str, source_name: &str, e: &toml::de::Error) -> Self {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ConfigError::Syntax {
            source_name: source_name.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    }
}

/// Reads TOML `text` into the file shape `T` (a [`super::raw`] type, or a file that reuses them);
/// malformed TOML, unknown keys and values of the wrong type are a [`ConfigError::Syntax`] naming
/// `source_name`, the line and the column.
///
/// ```
/// use rota_data::config::{read_toml, raw::RawTargets};
/// let t: RawTargets = read_toml("max_abandon_rate = 0.05\n", "t.toml").unwrap();
/// assert_eq!(t.max_abandon_rate, Some(0.05));
/// let err = read_toml::<RawTargets>("\nmax_abandon_rat = 0.05\n", "t.toml").unwrap_err();
/// assert!(err.to_string().starts_with("t.toml:2:1: unknown field `max_abandon_rat`"), "{err}");
/// ```
pub fn read_toml<T: DeserializeOwned>(text: &str, source_name: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::syntax(text, source_name, &e))
}

/// Reads the text of the `document` file at `path` (a [`ConfigError::Io`] naming both when it
/// cannot).
pub fn read_text(path: &Path, document: &'static str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        action: "read",
        document,
        path: path.to_path_buf(),
        source,
    })
}

/// 1-based line and column (in characters) of byte `offset` of `text`, as a TOML parser's span
/// start is reported.
///
/// ```
/// assert_eq!(rota_data::config::line_col("a = 1\nbé = x\n", 10), (2, 4));
/// assert_eq!(rota_data::config::line_col("a = 1\n", 0), (1, 1));
/// ```
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
