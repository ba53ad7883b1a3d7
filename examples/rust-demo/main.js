// Loads the example's wasm; its #[wasm_bindgen(start)] function runs the page. `Engine` is the app's own exported
// type (src/lib.rs), beside the library's exports without a clash.
import init, { Engine } from './pkg/rust_demo.js';

init().then(() => {
  document.documentElement.dataset.appEngine = new Engine().name();
}, (e) => {
  document.getElementById('ready').textContent = `Could not start: ${e && e.message ? e.message : e}`;
  throw e;
});
