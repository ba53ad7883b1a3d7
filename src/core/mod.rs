//! The permission engine: every rule of SPEC.md, with no browser in sight.
//!
//! Pure Rust in the sans-IO style: it never imports wasm-bindgen, web-sys, js-sys or gloo
//! (a check in the test command enforces this), never reads a clock, and is tested natively.

pub mod config;
pub mod engine;
pub mod record;
pub mod types;

pub use config::Config;
pub use engine::{Engine, Input, Output};
pub use record::Record;
pub use types::*;
