//! The permission engine: every rule of SPEC.md, with no browser in sight.
//!
//! Pure Rust in the sans-IO style: it never imports the browser binding crates (the list is in
//! `scripts/test.sh`, whose purity check enforces it), never reads a clock, and is tested natively.

pub mod config;
pub mod decide;
pub mod engine;
pub mod record;
pub mod types;

pub use config::{Config, ConfigError};
pub use decide::{failed_call, ArrivalSignals, Assessment, NavigationType, Refusal};
pub use engine::{Engine, Input, Output};
pub use record::{Record, CLOCK_AHEAD};
pub use types::*;
