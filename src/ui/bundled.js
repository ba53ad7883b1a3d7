// The Rust API's loader (src/web/rust_api.rs). ui.js comes with the crate user's wasm as a wasm-bindgen snippet
// (imported by the glue); a non-English locale is imported from beside this file when the UI is first needed, as
// the npm package does. wasm-bindgen copies every module the crate declares next to its glue, and rust_api.rs
// declares each of locales/*.js for that; should one be missing all the same, the UI speaks English.
export function load(ui, tag) {
  const strings = tag === 'en' ? undefined : import(`./locales/${tag}.js`).then((m) => m.default, () => undefined);
  return Promise.all([ui, strings]);
}

/**
 * The capability elements for the Rust API (`Permissions::define_elements`): src/elements/elements.js, written beside
 * this folder by wasm-bindgen (rust_api.rs declares it), imported on first use and registered with `runtime`.
 */
export function defineElements(runtime) {
  return import('../elements/elements.js').then((m) => m.defineElements(runtime));
}
