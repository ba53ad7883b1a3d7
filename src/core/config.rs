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
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_lifetime: 16 * 60 * 60 * 1000,
            hidden_timeout: 5 * 60 * 1000,
            embargo_dismissals: 3,
            embargo_duration: 7 * 24 * 60 * 60 * 1000,
        }
    }
}
