//! jit-permissions: just-in-time permission prompts, one-time grants and a truthful Permissions API.
#![deny(missing_docs)]

pub mod core;
