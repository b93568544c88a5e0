//! Channels: the ways tenants reach the centre, and what kind of queue each one is.
//!
//! A [`ChannelName`] is the short machine name used in configuration, history and forecast files
//! (`voice`, `reception`, `chat`, `email`, `social`); a [`ChannelKind`] says which queueing model
//! applies to it (see `/shared/DOMAIN.md`): an `inbound` phone queue and a `walk_in` reception desk
//! are Erlang A queues (callers wait and may abandon), `chat` is a queue whose agents serve several
//! contacts at once, and `deferred` work (email, social) is a backlog with a response-time target.
//!
//! ```
//! use rota_data::channel::{ChannelKind, ChannelName};
//! let voice: ChannelName = "voice".parse().unwrap();
//! assert_eq!(voice.as_str(), "voice");
//! assert!("Main Queue".parse::<ChannelName>().is_err());
//! assert_eq!("walk_in".parse::<ChannelKind>().unwrap(), ChannelKind::WalkIn);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest channel name accepted: names appear in CSV columns and report headers.
pub const MAX_CHANNEL_NAME_LEN: usize = 64;

/// Why a string is not a valid [`ChannelName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelNameError {
    /// The name was empty.
    #[error("a channel name must not be empty")]
    Empty,
    /// The name was longer than [`MAX_CHANNEL_NAME_LEN`].
    #[error("channel name {} is {len} characters long; at most {max} are allowed", crate::ingest::shown(name), max = MAX_CHANNEL_NAME_LEN)]
    TooLong {
        /// The offending name.
        name: String,
        /// Its length in characters.
        len: usize,
    },
    /// The name contained a character outside `a-z 0-9 _ -`.
    #[error(
        "channel name {name:?} contains {ch:?}; expected only lowercase ascii letters, digits, '_' or '-' \
         (map export labels such as \"Main Queue\" to a channel with [history.channel_aliases])"
    )]
    BadChar {
        /// The offending name.
        name: String,
        /// The first character that is not allowed.
        ch: char,
    },
}

/// The machine name of a channel, e.g. `voice` or `email`.
///
/// Valid by construction: non-empty, at most 64 characters, only lowercase ascii letters, digits,
/// `_` and `-`. Serialised as a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelName(String);

impl ChannelName {
    /// Parses and validates a channel name.
    ///
    /// ```
    /// use rota_data::channel::ChannelName;
    /// assert!(ChannelName::parse("walk-in_2").is_ok());
    /// assert!(ChannelName::parse("").is_err());
    /// assert!(ChannelName::parse("Voice").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, ChannelNameError> {
        if s.is_empty() {
            return Err(ChannelNameError::Empty);
        }
        let len = s.chars().count();
        if len > MAX_CHANNEL_NAME_LEN {
            return Err(ChannelNameError::TooLong {
                name: s.to_string(),
                len,
            });
        }
        if let Some(ch) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-'))
        {
            return Err(ChannelNameError::BadChar {
                name: s.to_string(),
                ch,
            });
        }
        Ok(Self(s.to_string()))
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Honours width and alignment (`{:<10}`), so tables line up whether they hold a name or text.
impl fmt::Display for ChannelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for ChannelName {
    type Err = ChannelNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for ChannelName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ChannelName {
    type Error = ChannelNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&str> for ChannelName {
    type Error = ChannelNameError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

/// A parsed name equals the text it was parsed from, so filters and tests compare with literals.
impl PartialEq<str> for ChannelName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ChannelName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::borrow::Borrow<str> for ChannelName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for ChannelName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ChannelName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Which queueing model a channel follows.
///
/// Serialised in snake_case: `inbound`, `walk_in`, `chat`, `deferred`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A phone queue: callers wait on line and abandon when their patience runs out (Erlang A).
    Inbound,
    /// A reception desk: visitors queue in person, modelled like an inbound queue (Erlang A) with
    /// typically more patience.
    WalkIn,
    /// Live chat: an agent serves up to `concurrency` chats at once, each taking longer the more
    /// chats run in parallel.
    Chat,
    /// Email, social media, letters: nobody waits on line; arrivals accumulate in a backlog that must
    /// be worked within a response-time target.
    Deferred,
}

impl ChannelKind {
    /// All kinds, in declaration order.
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Inbound,
        ChannelKind::WalkIn,
        ChannelKind::Chat,
        ChannelKind::Deferred,
    ];

    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Inbound => "inbound",
            ChannelKind::WalkIn => "walk_in",
            ChannelKind::Chat => "chat",
            ChannelKind::Deferred => "deferred",
        }
    }

    /// True when contacts wait in a live queue (inbound, walk-in, chat): staffing comes from an
    /// Erlang model per interval and patience/abandonment apply.
    pub fn is_live(self) -> bool {
        !matches!(self, ChannelKind::Deferred)
    }

    /// True for deferred (backlog) work such as email and social media.
    pub fn is_deferred(self) -> bool {
        matches!(self, ChannelKind::Deferred)
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a [`ChannelKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel kind {0:?}; expected one of inbound, walk_in, chat, deferred")]
pub struct ChannelKindError(pub String);

impl FromStr for ChannelKind {
    type Err = ChannelKindError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChannelKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ChannelKindError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_names() {
        for s in ["voice", "reception", "walk_in", "chat-2", "a", "0"] {
            assert_eq!(ChannelName::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn rejects_invalid_names() {
        assert_eq!(ChannelName::parse(""), Err(ChannelNameError::Empty));
        assert!(matches!(
            ChannelName::parse("Voice"),
            Err(ChannelNameError::BadChar { ch: 'V', .. })
        ));
        assert!(matches!(
            ChannelName::parse("main queue"),
            Err(ChannelNameError::BadChar { ch: ' ', .. })
        ));
        assert!(matches!(
            ChannelName::parse("café"),
            Err(ChannelNameError::BadChar { ch: 'é', .. })
        ));
        let long = "a".repeat(MAX_CHANNEL_NAME_LEN + 1);
        assert!(matches!(
            ChannelName::parse(&long),
            Err(ChannelNameError::TooLong { .. })
        ));
    }

    #[test]
    fn name_serde_is_a_string() {
        let n = ChannelName::parse("voice").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"voice\"");
        let back: ChannelName = serde_json::from_str("\"voice\"").unwrap();
        assert_eq!(back, n);
        let err = serde_json::from_str::<ChannelName>("\"Voice\"").unwrap_err();
        assert!(err.to_string().contains("lowercase"), "{err}");
    }

    #[test]
    fn kind_round_trips() {
        for k in ChannelKind::ALL {
            assert_eq!(k.as_str().parse::<ChannelKind>().unwrap(), k);
            assert_eq!(k.to_string(), k.as_str());
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(serde_json::from_str::<ChannelKind>(&json).unwrap(), k);
        }
        assert!("email".parse::<ChannelKind>().is_err());
        assert!(ChannelKind::Chat.is_live());
        assert!(ChannelKind::Deferred.is_deferred());
    }
}
