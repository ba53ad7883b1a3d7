//! `install(options)` and prompt content: read from JS values and validated field by field.
//! A wrong type or range is a `TypeError` whose message names the field, like the platform's own.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::ui::{PromptContent, PromptImage};
use crate::core::{Capability, Config};

/// The validated options of one installation.
#[derive(Debug)]
pub struct Options {
    /// Engine numbers.
    pub config: Config,
    /// Replace `navigator.permissions.query` with the library's own.
    pub patch: bool,
    /// Explicit locale (else `navigator.languages`).
    pub locale: Option<String>,
    /// String overrides, key and text.
    pub strings: Vec<(String, String)>,
    /// The origin storage key.
    pub storage_key: String,
    /// Per-capability prompt content (order of [`Capability::ALL`]).
    pub prompts: [PromptContent; 4],
    /// An injected clock returning epoch milliseconds (tests and demos).
    pub clock: Option<Function>,
}

/// A `TypeError` with this message.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn field_error(field: &str, expected: &str) -> JsValue {
    let mut m = String::from("jit-permissions: option '");
    m.push_str(field);
    m.push_str("' must be ");
    m.push_str(expected);
    type_error(&m)
}

/// `obj[key]` when `obj` has it as an own property (an inherited `Object.prototype` property
/// is never an option), or `None` when it is absent or undefined (or `obj` is not an object).
pub fn own(obj: &JsValue, key: &str) -> Option<JsValue> {
    if !obj.is_object() {
        return None;
    }
    let object: &Object = obj.unchecked_ref();
    let key = JsValue::from_str(key);
    if !Object::has_own(object, &key) {
        return None;
    }
    Reflect::get(obj, &key).ok().filter(|v| !v.is_undefined())
}

fn get(obj: &JsValue, key: &str) -> Option<JsValue> {
    own(obj, key)
}

fn object_field(obj: &JsValue, key: &str, field: &str) -> Result<Option<JsValue>, JsValue> {
    match get(obj, key) {
        None => Ok(None),
        Some(v) if v.is_object() && !v.is_function() => Ok(Some(v)),
        Some(_) => Err(field_error(field, "an object")),
    }
}

fn string_field(obj: &JsValue, key: &str, field: &str) -> Result<Option<String>, JsValue> {
    match get(obj, key) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| field_error(field, "a string")),
    }
}

fn bool_field(obj: &JsValue, key: &str, field: &str) -> Result<Option<bool>, JsValue> {
    match get(obj, key) {
        None => Ok(None),
        Some(v) => v.as_bool().map(Some).ok_or_else(|| field_error(field, "a boolean")),
    }
}

/// A whole number in `min..=max`.
fn int_field(obj: &JsValue, key: &str, field: &str, min: f64, max: f64) -> Result<Option<u64>, JsValue> {
    match get(obj, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && n >= min && n <= max => Ok(Some(n as u64)),
            _ => Err(field_error(field, "a whole number in range")),
        },
    }
}

/// A `TypeError` for the first own key of `obj` that is not in `known`, named with `prefix`
/// (`"oneTime."` ...): a misspelt option is an error, never silently ignored.
fn only_known(obj: &JsValue, known: &[&str], prefix: &str) -> Result<(), JsValue> {
    if !obj.is_object() {
        return Ok(());
    }
    let object: &Object = obj.unchecked_ref();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let mut m = String::from("jit-permissions: unknown option '");
            m.push_str(prefix);
            m.push_str(&key);
            m.push_str("' (known: ");
            m.push_str(&known.join(", "));
            m.push(')');
            return Err(type_error(&m));
        }
    }
    Ok(())
}

/// Durations are positive milliseconds, at most about a century.
const MAX_DURATION: f64 = 100.0 * 365.0 * 24.0 * 3600.0 * 1000.0;

impl Options {
    /// Reads and validates `install(options)`. `undefined` and `null` give the defaults.
    pub fn from_js(value: &JsValue) -> Result<Options, JsValue> {
        if !(value.is_undefined() || value.is_null() || (value.is_object() && !value.is_function())) {
            return Err(type_error("jit-permissions: options must be an object"));
        }
        only_known(value, &["oneTime", "embargo", "persistent", "locale", "strings", "prompts", "storageKey", "patch", "clock"], "")?;
        let mut config = Config::default();
        if let Some(one_time) = object_field(value, "oneTime", "oneTime")? {
            only_known(&one_time, &["maxLifetime", "hiddenTimeout"], "oneTime.")?;
            if let Some(v) = int_field(&one_time, "maxLifetime", "oneTime.maxLifetime", 1.0, MAX_DURATION)? {
                config.max_lifetime = v;
            }
            if let Some(v) = int_field(&one_time, "hiddenTimeout", "oneTime.hiddenTimeout", 1.0, MAX_DURATION)? {
                config.hidden_timeout = v;
            }
        }
        if let Some(persistent) = object_field(value, "persistent", "persistent")? {
            only_known(&persistent, &["unusedAfter"], "persistent.")?;
            if let Some(v) = int_field(&persistent, "unusedAfter", "persistent.unusedAfter", 1.0, MAX_DURATION)? {
                config.unused_after = Some(v);
            }
        }
        if let Some(embargo) = object_field(value, "embargo", "embargo")? {
            only_known(&embargo, &["dismissals", "duration"], "embargo.")?;
            if let Some(v) = int_field(&embargo, "dismissals", "embargo.dismissals", 1.0, 1000.0)? {
                config.embargo_dismissals = v as u32;
            }
            if let Some(v) = int_field(&embargo, "duration", "embargo.duration", 1.0, MAX_DURATION)? {
                config.embargo_duration = v;
            }
        }
        let patch = bool_field(value, "patch", "patch")?.unwrap_or(false);
        let locale = string_field(value, "locale", "locale")?;
        let storage_key = string_field(value, "storageKey", "storageKey")?.unwrap_or_else(|| "jit-permissions".into());
        if storage_key.is_empty() {
            return Err(field_error("storageKey", "a non-empty string"));
        }
        let mut strings = Vec::new();
        if let Some(table) = object_field(value, "strings", "strings")? {
            let entries = Object::entries(table.unchecked_ref());
            for entry in entries.iter() {
                let pair: js_sys::Array = entry.unchecked_into();
                let key = pair.get(0).as_string().unwrap_or_default();
                let text = pair.get(1).as_string().ok_or_else(|| {
                    let mut f = String::from("strings.");
                    f.push_str(&key);
                    field_error(&f, "a string")
                })?;
                strings.push((key, text));
            }
        }
        let mut prompts: [PromptContent; 4] = Default::default();
        if let Some(table) = object_field(value, "prompts", "prompts")? {
            only_known(&table, &["camera", "microphone", "geolocation", "notifications"], "prompts.")?;
            for cap in Capability::ALL {
                let mut field = String::from("prompts.");
                field.push_str(cap.name());
                if let Some(p) = get(&table, cap.name()) {
                    prompts[cap.index()] = prompt_content(&p, &field)?.0;
                }
            }
        }
        let clock = match get(value, "clock") {
            None => None,
            Some(f) => Some(f.dyn_into::<Function>().map_err(|_| field_error("clock", "a function"))?),
        };
        Ok(Options { config, patch, locale, strings, storage_key, prompts, clock })
    }
}

/// Reads the `prompt` argument of a gated call: `{ title, reason, image: { src, alt }, reconsider }`.
/// Returns the content and whether the caller asks to reconsider a site-level block.
pub fn prompt_content(value: &JsValue, field: &str) -> Result<(PromptContent, bool), JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok((PromptContent::default(), false));
    }
    if !value.is_object() || value.is_function() {
        return Err(field_error(field, "an object"));
    }
    let sub = |name: &str| {
        let mut f = String::from(field);
        f.push('.');
        f.push_str(name);
        f
    };
    let mut prefix = String::from(field);
    prefix.push('.');
    only_known(value, &["title", "reason", "image", "reconsider"], &prefix)?;
    let title = string_field(value, "title", &sub("title"))?;
    let reason = string_field(value, "reason", &sub("reason"))?;
    let image = match object_field(value, "image", &sub("image"))? {
        None => None,
        Some(img) => {
            let mut prefix = sub("image");
            prefix.push('.');
            only_known(&img, &["src", "alt"], &prefix)?;
            let src = string_field(&img, "src", &sub("image.src"))?
                .ok_or_else(|| field_error(&sub("image.src"), "a string"))?;
            let alt = string_field(&img, "alt", &sub("image.alt"))?
                .ok_or_else(|| field_error(&sub("image.alt"), "a string (describe the picture)"))?;
            Some(PromptImage { src, alt })
        }
    };
    let reconsider = bool_field(value, "reconsider", &sub("reconsider"))?.unwrap_or(false);
    Ok((PromptContent { title, reason, image }, reconsider))
}

/// The gated capability a permission descriptor names, validated as native `query()` does:
/// a missing descriptor, a non-object or a descriptor without a string `name` is a `TypeError`.
/// `Ok(None)` for a name that is not gated (it passes through to the browser).
pub fn descriptor(value: &JsValue) -> Result<Option<Capability>, JsValue> {
    if value.is_undefined() {
        return Err(type_error("Failed to execute 'query' on 'Permissions': 1 argument required, but only 0 present."));
    }
    if !value.is_object() || value.is_function() {
        return Err(type_error("Failed to execute 'query' on 'Permissions': The provided value is not of type 'PermissionDescriptor'."));
    }
    let name = get(value, "name")
        .and_then(|n| n.as_string())
        .ok_or_else(|| type_error("Failed to execute 'query' on 'Permissions': Failed to read the 'name' property from 'PermissionDescriptor': Required member is undefined or not a string."))?;
    Ok(Capability::from_name(&name))
}
