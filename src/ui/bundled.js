// The Rust API's loader (src/web/rust_api.rs): what the runtime loads on first need, as the npm package's index.js
// does. wasm-bindgen copies every module the crate declares next to its glue (rust_api.rs declares tasks.js, ui.js,
// each of locales/*.js and the elements, never using them, so the glue does not import them at start); they are
// imported from beside this file when first needed. Should a locale be missing all the same, the UI speaks English.
export const loader = {
  tasks: () => import('../runtime/tasks.js'),
  load(tag) {
    const strings = tag === 'en' ? undefined : import(`./locales/${tag}.js`).then((m) => m.default, () => undefined);
    const loading = Promise.all([import('./ui.js').then((m) => m.ui), strings]);
    // Loading early is a guess that a dialog will follow; the runtime awaits it when one does.
    loading.catch(() => {});
    return loading;
  },
};

/** A console warning (a second install() with other options). */
export function warn(message) {
  console.warn(message);
}

/**
 * The capability elements for the Rust API (`Permissions::define_elements`): src/elements/elements.js, written beside
 * this folder by wasm-bindgen (rust_api.rs declares it), imported on first use and registered with `runtime`.
 */
export function defineElements(runtime) {
  return import('../elements/elements.js').then((m) => m.defineElements(runtime));
}
