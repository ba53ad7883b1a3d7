//! The one JavaScript table of the seam's codes, `src/runtime/codes.js`, read as text and held against this
//! file: every name it exports with a number or a list of words must be a code here with the same number or
//! the same words in the same order, and every code here must be there.
use std::collections::BTreeMap;

use super::*;
use crate::core::Refusal;

const JS: &str = include_str!("../../runtime/codes.js");

#[derive(Debug, PartialEq)]
enum Value {
    Number(i64),
    Words(Vec<String>),
}

/// The file without its comments.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
            out.push('\n');
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Every `export const NAME = value` of the file (several per statement, split at top-level commas).
fn exports(text: &str) -> BTreeMap<String, Value> {
    let code = code_of(text);
    let mut found = BTreeMap::new();
    for statement in code.split(';') {
        let Some(body) = statement.trim().strip_prefix("export const ") else {
            assert!(statement.trim().is_empty(), "codes.js may hold only `export const` statements: {statement:?}");
            continue;
        };
        let mut depth = 0;
        let mut parts = vec![String::new()];
        for c in body.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(String::new());
                    continue;
                }
                _ => {}
            }
            parts.last_mut().unwrap().push(c);
        }
        for part in parts {
            let (name, value) = part.split_once('=').unwrap_or_else(|| panic!("not `NAME = value`: {part:?}"));
            let value = value.trim();
            let value = if let Some(list) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                Value::Words(list.split(',').map(|w| w.trim().trim_matches('\'').to_string()).filter(|w| !w.is_empty()).collect())
            } else {
                Value::Number(value.parse().unwrap_or_else(|_| panic!("{name}: not a number or a list of words: {value:?}")))
            };
            assert!(found.insert(name.trim().to_string(), value).is_none(), "{name} is exported twice");
        }
    }
    found
}

/// Words placed at their codes.
fn table<T: Copy>(all: &[T], code: impl Fn(T) -> f64, word: impl Fn(T) -> String) -> Value {
    let mut words = vec![String::new(); all.len()];
    for &x in all {
        let i = code(x) as usize;
        assert!(words[i].is_empty(), "two values share code {i}");
        words[i] = word(x);
    }
    Value::Words(words)
}

fn rust_side() -> BTreeMap<String, Value> {
    let reasons = [DenyReason::Browser, DenyReason::User, DenyReason::Embargo, DenyReason::System, DenyReason::Policy];
    let choices = [Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow, Choice::Dismiss];
    let refusals = [Refusal::Dismissed, Refusal::User, Refusal::Embargo, Refusal::Browser, Refusal::System, Refusal::Policy];
    let c = Capability::Camera;
    // The audit kinds by the names the browser layer gives them (the audit records' `type`).
    let audits = [
        (AuditEvent::PromptShown(c), "prompt-shown"),
        (AuditEvent::Decision(c, Choice::Dismiss), "decision"),
        (AuditEvent::Expired(c, ExpiryCause::Hidden), "expiry"),
        (AuditEvent::Revoked(c, RevocationCause::Manual), "revocation"),
        (AuditEvent::Reset(c), "reset"),
        (AuditEvent::EmbargoStarted(c, 0), "embargo"),
    ];
    let mut m: BTreeMap<String, Value> = [
        ("NAMES", table(&Capability::ALL, |c| c.index() as f64, |c| c.name().into())),
        ("STATES", table(&[State::Granted, State::Denied, State::Prompt], |s| state_code(s) as f64, |s| s.as_str().into())),
        ("GRANTS", table(&[GrantKind::OneTime, GrantKind::Persistent], |g| grant_code(g) as f64, |g| g.as_str().into())),
        ("REASONS", table(&reasons, reason_code, |r| r.as_str().into())),
        ("CHOICES", table(&choices, choice_code, |c| c.as_str().into())),
        ("REFUSALS", table(&refusals, refusal_code, |r| r.as_str().into())),
        ("AUDITS", table(&audits, |(e, _)| audit_codes(e).unwrap().0, |(_, n)| n.into())),
        (
            "EXPIRIES",
            table(&[ExpiryCause::MaxLifetime, ExpiryCause::Hidden, ExpiryCause::PagesGone, ExpiryCause::Unused], expiry_code, |x| {
                x.as_str().into()
            }),
        ),
        (
            "REVOCATIONS",
            table(&[RevocationCause::Manual, RevocationCause::Browser, RevocationCause::Cleared], revocation_code, |x| x.as_str().into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let numbers: [(&str, i64); 50] = [
        ("CAMERA", Capability::Camera.index() as i64),
        ("MICROPHONE", Capability::Microphone.index() as i64),
        ("GEOLOCATION", Capability::Geolocation.index() as i64),
        ("NOTIFICATIONS", Capability::Notifications.index() as i64),
        ("GRANTED", native_code(NativeState::Granted) as i64),
        ("DENIED", native_code(NativeState::Denied) as i64),
        ("PROMPT", native_code(NativeState::Prompt) as i64),
        ("UNKNOWN", native_code(NativeState::Unknown) as i64),
        ("REASON_SYSTEM", reason_code(DenyReason::System) as i64),
        ("ALLOW_ONCE", choice_code(Choice::AllowOnce) as i64),
        ("ALLOW_ALWAYS", choice_code(Choice::AllowAlways) as i64),
        ("DONT_ALLOW", choice_code(Choice::DontAllow) as i64),
        ("DISMISS", choice_code(Choice::Dismiss) as i64),
        ("REFUSE_DISMISSED", refusal_code(Refusal::Dismissed) as i64),
        ("REFUSE_USER", refusal_code(Refusal::User) as i64),
        ("REFUSE_BROWSER", refusal_code(Refusal::Browser) as i64),
        ("REFUSE_SYSTEM", refusal_code(Refusal::System) as i64),
        ("TICK", TICK.into()),
        ("NATIVE", NATIVE.into()),
        ("POLICY", POLICY.into()),
        ("DECISION", DECISION.into()),
        ("ACCESS", ACCESS.into()),
        ("REVOKE", REVOKE.into()),
        ("RESET", RESET.into()),
        ("SHOWN", SHOWN.into()),
        ("ARRIVED", ARRIVED.into()),
        ("VISIBLE", VISIBLE.into()),
        ("GONE", GONE.into()),
        ("USE_STARTED", USE_STARTED.into()),
        ("USE_ENDED", USE_ENDED.into()),
        ("CLEARED", CLEARED.into()),
        ("ACCESS_GRANTED", ACCESS_GRANTED.into()),
        ("ACCESS_DENIED", ACCESS_DENIED.into()),
        ("ACCESS_SYSTEM_DENIED", ACCESS_SYSTEM_DENIED.into()),
        ("NAVIGATE", NAVIGATE.into()),
        ("RELOAD", RELOAD.into()),
        ("BACK_FORWARD", BACK_FORWARD.into()),
        ("SIGNAL_ACTIVATION", SIGNAL_ACTIVATION.into()),
        ("SIGNAL_UNLOAD", SIGNAL_UNLOAD.into()),
        ("SIGNAL_REFERRER", SIGNAL_REFERRER.into()),
        ("SIGNAL_INTENDED", SIGNAL_INTENDED.into()),
        ("ARRIVAL_RELOAD", ARRIVAL_RELOAD.into()),
        ("ARRIVAL_SAME_ORIGIN", ARRIVAL_SAME_ORIGIN.into()),
        ("ARRIVAL_FRESH", ARRIVAL_FRESH.into()),
        ("OUT_CHANGED", OUT_CHANGED.into()),
        ("OUT_UPDATED", OUT_UPDATED.into()),
        ("OUT_STOP_USE", OUT_STOP_USE.into()),
        ("OUT_PERSIST", OUT_PERSIST.into()),
        ("OUT_AUDIT", OUT_AUDIT.into()),
        ("NO_GRANT", NO_GRANT.into()),
    ];
    for (name, n) in numbers {
        m.insert(name.to_string(), Value::Number(n));
    }
    m
}

#[test]
fn codes_match_the_javascript_table() {
    let js = exports(JS);
    let rust = rust_side();
    for (name, value) in &rust {
        assert_eq!(js.get(name), Some(value), "src/runtime/codes.js: {name} disagrees with src/web/handle.rs");
    }
    for name in js.keys() {
        assert!(rust.contains_key(name), "src/runtime/codes.js exports {name}, which src/web/handle.rs does not define");
    }
}

#[test]
fn the_check_reads_what_it_should() {
    // A renumbered or reordered code in the table is caught.
    let changed = JS.replace("DONT_ALLOW = 2", "DONT_ALLOW = 3").replace("'hidden', 'pages-gone'", "'pages-gone', 'hidden'");
    let js = exports(&changed);
    assert_eq!(js.get("DONT_ALLOW"), Some(&Value::Number(3)));
    assert_ne!(js.get("EXPIRIES"), rust_side().get("EXPIRIES"));
    assert_ne!(js.get("DONT_ALLOW"), rust_side().get("DONT_ALLOW"));
}

#[test]
fn codes_decode_as_they_encode() {
    for c in [Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow, Choice::Dismiss] {
        assert_eq!(choice(choice_code(c)), c);
    }
    for s in [NativeState::Granted, NativeState::Denied, NativeState::Prompt, NativeState::Unknown] {
        assert_eq!(native_state(native_code(s)), s);
    }
    for o in [AccessOutcome::Granted, AccessOutcome::Denied, AccessOutcome::SystemDenied] {
        assert_eq!(access_outcome(access_code(o)), o);
    }
    for k in [ArrivalKind::Reload, ArrivalKind::SameOrigin, ArrivalKind::Fresh] {
        assert_eq!(arrival_kind(arrival_code(k) as f64), k);
    }
}
