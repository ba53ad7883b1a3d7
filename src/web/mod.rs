//! The browser layer: one adapter per browser surface, turning browser events into engine
//! inputs and engine outputs into browser calls. The UI it shows is a JS module, `src/ui/`,
//! reached through [`ui`].

pub mod api;
pub mod flows;
pub mod options;
pub mod arrival;
pub mod runtime;
pub mod store;
pub mod rust_api;
pub mod ui;
