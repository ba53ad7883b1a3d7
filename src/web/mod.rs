//! The browser layer: one adapter per browser surface, turning browser events into engine
//! inputs and engine outputs into browser calls.

pub mod dialog;
pub mod panel;
pub mod strings;
pub mod api;
pub mod flows;
pub mod options;
pub mod arrival;
pub mod runtime;
pub mod store;
pub mod ui_dom;
pub mod rust_api;
