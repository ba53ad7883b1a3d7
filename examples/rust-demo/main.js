// Loads the example's wasm; its #[wasm_bindgen(start)] function runs the page.
import init from './pkg/rust_demo.js';

init().catch((e) => {
  document.getElementById('ready').textContent = `Could not start: ${e && e.message ? e.message : e}`;
  throw e;
});
