//! The Rust side of the browser layer. The browser layer itself (listeners, storage, the origin's
//! other pages, the gated calls, the queue of dialogs) is JavaScript, `src/runtime/runtime.js`, and
//! the UI is `src/ui/`: both stay small and load with the page, while every rule and decision is
//! the engine's ([`crate::core`]).
//!
//! - [`handle`]: the engine as one `#[wasm_bindgen]` class of synchronous calls (the npm
//!   package's wasm is this and the engine);
//! - [`rust_api`]: the async Rust API, which runs the same JS runtime and UI as wasm-bindgen
//!   snippets.

pub mod handle;
pub mod rust_api;
