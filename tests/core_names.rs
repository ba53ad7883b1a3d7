//! Issue 24, item 3: the status enums print and parse in their JS spellings (`Display`/`FromStr`), and with the
//! feature `serde` (de)serialize the same way. Native (`cargo test`), as the other engine tests.
#![cfg(not(target_arch = "wasm32"))]
use jit_permissions::core::{Refusal, RevocationCause, UnknownName};
use jit_permissions::{BlockCause, Capability, Choice, DenyReason, ExpiryCause, GrantKind, State};

fn round_trip<T>(all: &[T], names: &[&str])
where
    T: std::fmt::Display + std::str::FromStr<Err = UnknownName> + PartialEq + std::fmt::Debug + Copy,
{
    assert_eq!(all.len(), names.len());
    for (value, name) in all.iter().zip(names) {
        assert_eq!(value.to_string(), *name, "Display of {value:?}");
        assert_eq!(name.parse::<T>(), Ok(*value), "FromStr of {name}");
    }
    let err = "Granted".parse::<T>().unwrap_err();
    assert_eq!(err.text, "Granted");
    assert!(err.to_string().contains("'Granted' is not a"), "{err}");
}

#[test]
fn every_status_enum_displays_and_parses_its_js_spelling() {
    round_trip(&Capability::ALL, &["camera", "microphone", "geolocation", "notifications"]);
    round_trip(&[State::Granted, State::Denied, State::Prompt], &["granted", "denied", "prompt"]);
    round_trip(&[GrantKind::OneTime, GrantKind::Persistent], &["one-time", "persistent"]);
    round_trip(
        &[DenyReason::Browser, DenyReason::User, DenyReason::Embargo, DenyReason::System, DenyReason::Policy],
        &["browser", "user", "embargo", "system", "policy"],
    );
    round_trip(
        &[Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow, Choice::Dismiss],
        &["allow-once", "allow-always", "dont-allow", "dismiss"],
    );
    round_trip(
        &[ExpiryCause::MaxLifetime, ExpiryCause::Hidden, ExpiryCause::PagesGone, ExpiryCause::Unused],
        &["max-lifetime", "hidden", "pages-gone", "unused"],
    );
    round_trip(&[RevocationCause::Manual, RevocationCause::Browser, RevocationCause::Cleared], &["manual", "browser", "cleared"]);
    round_trip(
        &[BlockCause::Browser, BlockCause::System, BlockCause::Policy, BlockCause::Busy, BlockCause::NoDevice],
        &["browser", "system", "policy", "busy", "no-device"],
    );
    round_trip(
        &[Refusal::Dismissed, Refusal::User, Refusal::Embargo, Refusal::Browser, Refusal::System, Refusal::Policy],
        &["dismissed", "user", "embargo", "browser", "system", "policy"],
    );
    assert_eq!("".parse::<State>().unwrap_err().of, "State");
}

#[cfg(feature = "serde")]
#[test]
fn with_the_serde_feature_the_enums_deserialize_from_their_js_spelling() {
    use serde::de::value::{Error, StrDeserializer};
    use serde::Deserialize;
    let de = |s: &'static str| StrDeserializer::<Error>::new(s);
    assert_eq!(State::deserialize(de("granted")), Ok(State::Granted));
    assert_eq!(GrantKind::deserialize(de("one-time")), Ok(GrantKind::OneTime));
    assert_eq!(Choice::deserialize(de("dont-allow")), Ok(Choice::DontAllow));
    assert_eq!(BlockCause::deserialize(de("no-device")), Ok(BlockCause::NoDevice));
    assert_eq!(Refusal::deserialize(de("dismissed")), Ok(Refusal::Dismissed));
    assert!(State::deserialize(de("Granted")).is_err());
}
