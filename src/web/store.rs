//! Origin storage for the shared record: a strict decoder on the way in, read-merge-write on
//! the way out (under the Web Locks API where the browser has it), memory when storage is
//! blocked or full.

use std::cell::Cell;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use web_sys::Storage;

use crate::core::Record;

/// What storage holds under the key.
#[derive(Debug)]
pub enum Stored {
    /// Nothing: never written, or removed.
    Missing,
    /// A record of this library.
    Record(Record),
    /// Something else (written by hand, by another library, corrupt): discarded with a warning.
    Corrupt,
}

/// Where the record lives.
#[derive(Debug)]
pub struct Store {
    storage: Option<Storage>,
    /// The storage key.
    pub key: String,
    /// `navigator.locks`, where the browser has the Web Locks API.
    locks: Option<JsValue>,
    warned: Cell<bool>,
    /// The stored text last found corrupt: warned about once, not at every read.
    corrupt: std::cell::RefCell<Option<String>>,
}

impl Store {
    /// Opens origin storage under `key` (memory only, with one warning, where it is blocked).
    pub fn open(key: String) -> Store {
        let window = web_sys::window();
        let storage = window.as_ref().and_then(|w| w.local_storage().ok().flatten());
        let locks = window
            .map(|w| w.navigator())
            .and_then(|n| Reflect::get(&n, &"locks".into()).ok())
            .filter(|l| l.is_object());
        let store = Store {
            storage,
            key,
            locks,
            warned: Cell::new(false),
            corrupt: std::cell::RefCell::new(None),
        };
        if store.storage.is_none() {
            store.warn_memory();
        }
        store
    }

    fn warn_memory(&self) {
        if !self.warned.replace(true) {
            web_sys::console::warn_1(&JsValue::from_str(
                "jit-permissions: origin storage is unavailable; decisions are kept in memory for this page only",
            ));
        }
    }

    /// Whether decisions are kept only in memory: storage was unavailable from the start, or a
    /// read or write failed since (both warn, once).
    pub fn in_memory(&self) -> bool {
        self.warned.get()
    }

    /// Whether this is the storage area a `storage` event speaks of.
    pub fn is_area(&self, area: Option<Storage>) -> bool {
        match (&self.storage, area) {
            (Some(mine), Some(theirs)) => JsValue::from(mine.clone()) == JsValue::from(theirs),
            _ => false,
        }
    }

    /// `navigator.locks`, if the browser has it and storage is in use.
    pub fn locks(&self) -> Option<&JsValue> {
        self.storage.as_ref().and(self.locks.as_ref())
    }

    /// Reads what is stored.
    pub fn read(&self) -> Stored {
        let Some(s) = &self.storage else {
            return Stored::Missing;
        };
        match s.get_item(&self.key) {
            Ok(Some(text)) if self.corrupt.borrow().as_deref() == Some(text.as_str()) => Stored::Corrupt,
            Ok(Some(text)) => {
                let stored = decode(&text);
                if let Stored::Corrupt = stored {
                    *self.corrupt.borrow_mut() = Some(text);
                }
                stored
            }
            Ok(None) => Stored::Missing,
            Err(_) => {
                self.warn_memory();
                Stored::Missing
            }
        }
    }

    /// Writes the record.
    pub fn write(&self, record: &Record) {
        if let Some(s) = &self.storage {
            if s.set_item(&self.key, &record.encode()).is_err() {
                self.warn_memory();
            }
        }
    }
}

/// Decodes stored text, with a console warning when it is not a record of this library.
pub fn decode(text: &str) -> Stored {
    let (record, warning) = Record::decode(text);
    match warning {
        None => Stored::Record(record),
        Some(w) => {
            let mut m = String::from("jit-permissions: discarded stored permission data: ");
            m.push_str(&w);
            web_sys::console::warn_1(&JsValue::from_str(&m));
            Stored::Corrupt
        }
    }
}
