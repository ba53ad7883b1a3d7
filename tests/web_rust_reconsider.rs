//! Issue 24, item 3: `PromptContent::reconsider` reaches the runtime. After the person's own "Don't allow" (recorded
//! by another document of the origin), a request refuses at once without a dialog; with `reconsider: true` the
//! pre-prompt shows again (the "change my mind" flow). A page of its own: the pre-prompt it opens is never answered
//! (wasm-bindgen-test cannot click for real; tests/pages do), so no other test shares its queue of dialogs. The
//! dialog's reason comes from `InstallOptions::prompts`, keyed by `Capability`.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_rust_reconsider` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use jit_permissions::{Capability, DenyReason, InstallOptions, Permissions, PromptContent, State};
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn reconsider_shows_the_pre_prompt_again_after_dont_allow() {
    let key = "jp-rust-reconsider";
    let said = |reason: &str| PromptContent { reason: Some(reason.into()), ..PromptContent::default() };
    let prompts = [
        (Capability::Camera, said("The camera's reason.")),
        (Capability::Microphone, said("We record only while you hold the button.")),
        (Capability::Geolocation, said("The location's reason.")),
    ];
    let options = InstallOptions { storage_key: Some(key.into()), prompts: prompts.into(), ..InstallOptions::default() };
    let permissions = Permissions::install(options).await.expect("install");
    let cap = Capability::Microphone;
    // The block's version a minute ahead of now: newer than this page's, and within the day a stored clock may lie
    // ahead (a clock further ahead is corrupt).
    let version = js_sys::Date::now() as u64 + 60_000;
    write_from_another_document(key, &format!("jp2|mbv{version}q2t1700000000000"));
    assert!(wait_until(3000, || permissions.query(cap).state == State::Denied).await, "microphone: {:?}", permissions.query(cap));
    assert_eq!(permissions.query(cap).reason, Some(DenyReason::User));

    // Without reconsider: the status at once, still denied, and no dialog.
    let status = permissions.request(cap, PromptContent::default()).await.expect("request");
    assert_eq!(status.state, State::Denied);
    assert!(hosts("pre-prompt").is_empty(), "a pre-prompt after Don't allow without reconsider");

    // With reconsider: the pre-prompt again, for the microphone, with the page's title.
    let settled = Rc::new(Cell::new(false));
    {
        let (permissions, settled) = (permissions.clone(), settled.clone());
        spawn_local(async move {
            let prompt = PromptContent { title: Some("Record a voice note?".into()), reconsider: true, ..PromptContent::default() };
            let _ = permissions.request(cap, prompt).await;
            settled.set(true);
        });
    }
    let root = root_of("pre-prompt").await;
    let dialog = q(&root, "dialog");
    assert_eq!(dialog.get_attribute("data-capability").as_deref(), Some("microphone"));
    assert_eq!(text(&root, "[part~=title]"), "Record a voice note?");
    assert_eq!(text(&root, "[part~=reason]"), "We record only while you hold the button.", "the install option's prompt of the microphone");
    assert!(!settled.get(), "the request settled before the person answered");
    clear();
}
