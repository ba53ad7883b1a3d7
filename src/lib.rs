//! jit-permissions: just-in-time permission prompts, Chrome-style one-time grants and a
//! Permissions API that tells the truth, in every browser.
//!
//! - [`core`] is the permission engine: every rule, pure Rust, no browser (sans-IO).
//! - [`web`] is the engine's `#[wasm_bindgen]` handle and the Rust API. The browser layer that
//!   drives the engine (permissions, visibility and page lifecycle, storage, the origin's other
//!   pages, media, geolocation, notifications, the queue of dialogs) is JavaScript,
//!   `src/runtime/runtime.js`, shared by the npm package and the Rust API.
//! - `src/ui/` (JavaScript) is the UI: the pre-prompt, the recovery help, the controls panel and
//!   their strings, loaded when first needed.
//! - [`Permissions`] is the async Rust API, for Rust front ends.
#![deny(missing_docs)]

pub mod core;
pub mod web;

pub use crate::core::{
    AuditEvent, BlockCause, Capability, Choice, Config, ConfigError, DenyReason, ExpiryCause, GrantKind, Refusal, RevocationCause, State,
    Status, UnknownName,
};
pub use web::rust_api::{
    Clock, ControlsPanel, Coordinates, Error, ErrorKind, InstallOptions, Permissions, Position, PositionOptions, PromptContent, PromptImage,
    Subscription, Watch,
};

/// The allocator of the npm package's wasm: talc's, sized for wasm (growing memory as needed). Only with the
/// feature `allocator` (off by default), which scripts/build.sh turns on: a crate user's app keeps its own.
#[cfg(all(target_arch = "wasm32", feature = "allocator"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
