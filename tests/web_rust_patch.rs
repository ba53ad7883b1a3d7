//! `InstallOptions::patch` is the whole-page polyfill, the same code as the JS option `patch: true`
//! (src/runtime/patch.js through src/ui/bundled.js): the platform's own functions, called as a JS library on the page
//! calls them, go through the library. A page of its own (one runtime per page).
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_rust_patch` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

mod common;

use common::{wait_until, write_from_another_document};
use jit_permissions::{Capability, DenyReason, InstallOptions, Permissions, State};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Runs `body` (a JS function body that returns a promise) and gives what it resolves to, as strings.
async fn js(body: &str) -> Vec<String> {
    let value = JsFuture::from(Promise::from(Function::new_no_args(body).call0(&JsValue::NULL).unwrap())).await;
    let value = value.unwrap_or_else(|e| panic!("{body}: rejected with {e:?}"));
    Array::from(&value).iter().map(|v| v.as_string().unwrap_or_else(|| format!("{v:?}"))).collect()
}

#[wasm_bindgen_test]
async fn patch_replaces_the_platforms_functions_on_the_whole_page() {
    let key = "jp-rust-patch";
    let options = InstallOptions { storage_key: Some(key.into()), patch: true, ..InstallOptions::default() };
    let permissions = Permissions::install(options).await.expect("install");

    // A status from the patched query, with listeners of each kind: `change` fires when the state changes, in the
    // order they were added, and a `once` listener only the first time.
    js("return navigator.permissions.query({ name: 'geolocation' }).then((s) => {\
           const seen = window.__seen = [];\
           s.addEventListener('change', () => seen.push('listener ' + s.state));\
           s.addEventListener('change', () => seen.push('once ' + s.state), { once: true });\
           s.onchange = () => seen.push('onchange ' + s.state);\
           return [];\
         })")
    .await;
    let heard = |n: usize| {
        let body = format!(
            "return new Promise((resolve) => {{ const t0 = Date.now(); const t = setInterval(() => {{\
               if (window.__seen.length >= {n} || Date.now() - t0 > 3000) {{ clearInterval(t); resolve(window.__seen.slice()); }}\
             }}, 20); }})"
        );
        async move { js(&body).await }
    };

    // Another page records Don't allow for geolocation and notifications.
    let version = js_sys::Date::now() as u64 + 60_000;
    write_from_another_document(key, &format!("jp2|gbv{version}|nbv{}", version + 1));
    let blocked = |cap| {
        let s = permissions.query(cap);
        s.state == State::Denied && s.reason == Some(DenyReason::User)
    };
    assert!(
        wait_until(3000, || blocked(Capability::Geolocation) && blocked(Capability::Notifications)).await,
        "the block from another page: {:?} {:?}",
        permissions.query(Capability::Geolocation),
        permissions.query(Capability::Notifications)
    );

    assert_eq!(heard(3).await, ["listener denied", "once denied", "onchange denied"], "change on the patched query's status");

    // The platform's geolocation, as a script on the page calls it: refused by the library, in the platform's shape
    // (a GeolocationPositionError with code 1) and with the library's reason; the browser is never asked.
    let seen = js("return new Promise((resolve) => navigator.geolocation.getCurrentPosition(\
           (p) => resolve(['position']),\
           (e) => resolve([String(e.code), String(e.reason), String(typeof GeolocationPositionError !== 'function' || e instanceof GeolocationPositionError)])))")
    .await;
    assert_eq!(seen, ["1", "user", "true"], "getCurrentPosition under a block");

    // Notification.requestPermission: 'denied', and the legacy callback is called with it too.
    let seen = js("return new Promise((resolve) => {\
           const answer = Notification.requestPermission((heard) => answer.then((a) => resolve([a, heard])));\
         })")
    .await;
    assert_eq!(seen, ["denied", "denied"], "Notification.requestPermission under a block: the promise, the callback");

    // The standard query answers with the library's status; a descriptor with members beyond `name` goes through
    // the same bound as the npm package's (never more permissive than the browser's own answer); a name the library
    // does not gate is the browser's answer (a TypeError for one no browser knows).
    let seen = js("return Promise.all([\
           navigator.permissions.query({ name: 'geolocation' }),\
           navigator.permissions.query({ name: 'notifications', userVisibleOnly: true }).catch((e) => e),\
           navigator.permissions.query({ name: 'no-such-permission' }).then(() => 'resolved', (e) => e.name),\
         ]).then(([g, n, other]) => [g.state, g.reason, String(g), n.state === 'prompt' || n.state === 'granted' ? 'more permissive' : n.state || n.name, other])")
    .await;
    assert_eq!(seen, ["denied", "user", "[object PermissionStatus]", "denied", "TypeError"], "the patched query");

    // A Reset of the Don't allow changes the state again: the listener and the handler hear it, the `once` one is gone.
    permissions.reset(Capability::Geolocation);
    assert_eq!(
        heard(5).await,
        ["listener denied", "once denied", "onchange denied", "listener prompt", "onchange prompt"],
        "change on the patched query's status after Reset"
    );
}
