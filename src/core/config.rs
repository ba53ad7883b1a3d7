//! Durations and counts that shape the rules, validated.

use super::types::Millis;

/// Tunable numbers of the engine. [`Config::default`] gives the SPEC values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Maximum lifetime of a one-time grant (default 16 hours).
    pub max_lifetime: Millis,
    /// How long every page may be hidden before a one-time grant expires (default 5 minutes).
    pub hidden_timeout: Millis,
    /// Dismissals in a row that start an embargo (default 3).
    pub embargo_dismissals: u32,
    /// How long an embargo lasts (default 7 days).
    pub embargo_duration: Millis,
    /// A persistent grant not used through the library for this long ends (cause `unused`);
    /// `None` (the default) keeps it.
    pub unused_after: Option<Millis>,
    /// How long after the last page of the origin left a page that arrives by reload or by a
    /// navigation from a page of the origin may still take over its one-time grants (default
    /// 5 seconds). Not an install option: the bound of the handover.
    pub handover: Millis,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_lifetime: 16 * 60 * 60 * 1000,
            hidden_timeout: 5 * 60 * 1000,
            embargo_dismissals: 3,
            embargo_duration: 7 * 24 * 60 * 60 * 1000,
            unused_after: None,
            handover: 5 * 1000,
        }
    }
}

/// The longest duration [`Config::validate`] accepts: about a century, in milliseconds.
pub const MAX_DURATION: Millis = 100 * 366 * 24 * 60 * 60 * 1000;

/// A [`Config`] field out of range, named as in the JavaScript options (e.g. `"embargo.duration"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigError {
    field: &'static str,
    expected: &'static str,
}

impl ConfigError {
    /// The option's name: `"oneTime.maxLifetime"`, `"oneTime.hiddenTimeout"`,
    /// `"embargo.dismissals"`, `"embargo.duration"`, `"persistent.unusedAfter"` or `"handover"`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What the field must be, in words.
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.field)?;
        f.write_str(" must be ")?;
        f.write_str(self.expected)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Checks every field: durations are more than 0 and at most [`MAX_DURATION`] milliseconds,
    /// dismissals at least 1. The first field out of range is named in the error.
    pub fn validate(&self) -> Result<(), ConfigError> {
        const DURATION: &str =
            "a duration in milliseconds, more than 0 and at most about 100 years";
        let duration = |d: Millis| d > 0 && d <= MAX_DURATION;
        let checks = [
            ("oneTime.maxLifetime", duration(self.max_lifetime), DURATION),
            (
                "oneTime.hiddenTimeout",
                duration(self.hidden_timeout),
                DURATION,
            ),
            (
                "embargo.dismissals",
                self.embargo_dismissals >= 1,
                "at least 1",
            ),
            (
                "embargo.duration",
                duration(self.embargo_duration),
                DURATION,
            ),
            (
                "persistent.unusedAfter",
                self.unused_after.map_or(true, duration),
                DURATION,
            ),
            (
                "handover",
                self.handover > 0 && self.handover <= 60_000,
                "more than 0 and at most 60000 milliseconds",
            ),
        ];
        match checks.into_iter().find(|(_, ok, _)| !ok) {
            Some((field, _, expected)) => Err(ConfigError { field, expected }),
            None => Ok(()),
        }
    }
}
