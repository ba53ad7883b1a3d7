//! Properties of the engine over random sequences of inputs, for two pages sharing storage.
#![cfg(not(target_arch = "wasm32"))]

use jit_permissions::core::*;
use proptest::prelude::*;

/// Small numbers, so that random time steps reach every timer.
const CONFIG: Config = Config {
    max_lifetime: 10_000,
    hidden_timeout: 1_000,
    embargo_dismissals: 3,
    embargo_duration: 5_000,
};
/// Engine 0 runs page 1 and engine 1 page 2; page 3 is a page without an engine here.
const PAGES: [PageId; 3] = [1, 2, 3];
const T0: Millis = 1_700_000_000_000;

#[derive(Clone, Debug)]
enum Op {
    /// Time passes.
    Advance(Millis),
    /// Time passes to engine `.0`'s next deadline, or to just before it.
    ToDeadline(usize, bool),
    /// An input for engine `.0`.
    Feed(usize, Input),
    /// Engine `.0` loads the shared storage (another page wrote it).
    Load(usize),
    /// Engine `.0` is read, with no Tick before (a late timer).
    Read(usize, Capability),
}

/// Camera and geolocation often (the two kinds of hidden timer), so that sequences of
/// decisions for one capability are common.
fn cap() -> impl Strategy<Value = Capability> {
    use Capability::*;
    prop::sample::select(vec![
        Camera,
        Camera,
        Camera,
        Geolocation,
        Geolocation,
        Microphone,
        Notifications,
    ])
}

fn native() -> impl Strategy<Value = NativeState> {
    prop::sample::select(vec![
        NativeState::Granted,
        NativeState::Denied,
        NativeState::Prompt,
        NativeState::Unknown,
    ])
}

fn choice() -> impl Strategy<Value = Choice> {
    prop::sample::select(vec![
        Choice::AllowOnce,
        Choice::AllowAlways,
        Choice::DontAllow,
        Choice::Dismiss,
    ])
}

fn outcome() -> impl Strategy<Value = AccessOutcome> {
    prop::sample::select(vec![AccessOutcome::Granted, AccessOutcome::Denied])
}

fn page() -> impl Strategy<Value = PageId> {
    prop::sample::select(PAGES.to_vec())
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        2 => Just(Input::Tick),
        4 => (cap(), native()).prop_map(|(c, n)| Input::Native(c, n)),
        // Dismissals often, so that embargoes happen.
        5 => (cap(), choice()).prop_map(|(c, x)| Input::Decision(c, x)),
        3 => cap().prop_map(|c| Input::Decision(c, Choice::Dismiss)),
        3 => (cap(), outcome()).prop_map(|(c, o)| Input::Access(c, o)),
        1 => cap().prop_map(Input::Revoke),
        1 => cap().prop_map(Input::Reset),
        1 => cap().prop_map(Input::PromptShown),
        4 => (page(), prop::bool::weighted(0.4)).prop_map(|(p, v)| Input::PageVisible(p, v)),
        2 => page().prop_map(Input::PageGone),
        2 => (cap(), 0u64..4).prop_map(|(c, id)| Input::UseStarted(c, id)),
        2 => (0u64..4).prop_map(Input::UseEnded),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u64..1_500).prop_map(Op::Advance),
        1 => (0u64..12_000).prop_map(Op::Advance),
        2 => (0usize..2, any::<bool>()).prop_map(|(e, before)| Op::ToDeadline(e, before)),
        12 => (0usize..2, input()).prop_map(|(e, i)| Op::Feed(e, i)),
        2 => (0usize..2).prop_map(Op::Load),
        2 => (0usize..2, cap()).prop_map(|(e, c)| Op::Read(e, c)),
    ]
}

/// One page: its engine and what the test knows independently of it.
struct Page {
    engine: Engine,
    /// The status last reported through Changed and Updated.
    seen: [Status; 4],
    /// The browser's state as fed (Native), and whether a failed call since says it denies.
    native: [NativeState; 4],
    access_denied: [bool; 4],
    /// Dismissals in a row since the last other decision or reset; `None` after a load.
    dismissals: [Option<u32>; 4],
    /// Uses handed out and not yet ended or stopped.
    uses: Vec<UseId>,
    /// A grant ended (expiry or revocation audited) and no decision or reset since; `None`
    /// after a load.
    ended: [Option<bool>; 4],
}

struct Sim {
    pages: [Page; 2],
    now: Millis,
    storage: String,
    /// Every "Allow this time" decision: (capability, time).
    allow_once: Vec<(Capability, Millis)>,
    /// Every successful call of a capability: (capability, time).
    access_granted: Vec<(Capability, Millis)>,
}

impl Sim {
    fn new() -> Sim {
        let page = |id| Page {
            engine: Engine::new(CONFIG, id, T0),
            seen: [Status::default(); 4],
            native: [NativeState::Unknown; 4],
            access_denied: [false; 4],
            dismissals: [Some(0); 4],
            uses: Vec::new(),
            ended: [Some(false); 4],
        };
        Sim {
            pages: [page(PAGES[0]), page(PAGES[1])],
            now: T0,
            storage: String::new(),
            allow_once: Vec::new(),
            access_granted: Vec::new(),
        }
    }

    fn run(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Advance(d) => {
                self.now += d;
                Ok(())
            }
            Op::ToDeadline(e, before) => {
                if let Some(d) = self.pages[e].engine.next_deadline() {
                    self.now = self.now.max(d - u64::from(before));
                }
                Ok(())
            }
            Op::Read(e, cap) => {
                let now = self.now;
                self.pages[e].engine.status(now, cap);
                self.check_outputs(e, None)?;
                self.check_page(e)
            }
            Op::Load(e) => {
                let (record, warning) = Record::decode(&self.storage);
                prop_assert_eq!(warning, None, "stored {}", self.storage);
                self.pages[e].dismissals = [None; 4];
                self.pages[e].ended = [None; 4];
                self.feed(e, Input::Loaded(record))
            }
            Op::Feed(e, input) => self.feed(e, input),
        }
    }

    fn feed(&mut self, e: usize, input: Input) -> Result<(), TestCaseError> {
        let now = self.now;
        let p = &mut self.pages[e];
        let mut expect_embargo = None;
        match input {
            Input::Native(cap, n) => {
                p.native[cap.index()] = n;
                p.access_denied[cap.index()] = false;
            }
            Input::Access(cap, outcome) => {
                p.access_denied[cap.index()] = outcome == AccessOutcome::Denied;
                if outcome == AccessOutcome::Granted {
                    self.access_granted.push((cap, now));
                }
            }
            Input::Decision(cap, Choice::Dismiss) => {
                let d = &mut p.dismissals[cap.index()];
                if let Some(n) = *d {
                    let embargo = n + 1 == CONFIG.embargo_dismissals;
                    expect_embargo = Some((cap, embargo));
                    *d = Some(if embargo { 0 } else { n + 1 });
                }
            }
            Input::Decision(cap, choice) => {
                p.dismissals[cap.index()] = Some(0);
                if choice == Choice::AllowOnce {
                    self.allow_once.push((cap, now));
                }
            }
            Input::Reset(cap) => p.dismissals[cap.index()] = Some(0),
            Input::UseStarted(_, id) => {
                p.uses.retain(|u| *u != id);
                p.uses.push(id);
            }
            Input::UseEnded(id) => p.uses.retain(|u| *u != id),
            _ => {}
        }
        let loaded = matches!(input, Input::Loaded(_));
        p.engine.handle(now, input);
        let outputs = self.check_outputs(e, Some(loaded))?;
        if let Some((cap, embargo)) = expect_embargo {
            let started = outputs.iter().any(|o| matches!(o, Output::Audit(AuditEvent::EmbargoStarted(c, until)) if *c == cap && *until == now + CONFIG.embargo_duration));
            prop_assert_eq!(
                started,
                embargo,
                "embargo after {} dismissals in a row",
                CONFIG.embargo_dismissals
            );
            if embargo {
                let s = self.pages[e].engine.status(now, cap);
                prop_assert_eq!(s.state, State::Denied);
                prop_assert!(matches!(
                    s.reason,
                    Some(DenyReason::Embargo | DenyReason::Browser)
                ));
            }
        }
        self.check_page(e)
    }

    /// Drains the outputs of engine `e` and checks each; `loaded` says whether the input was a
    /// load (`None` for a plain read).
    fn check_outputs(
        &mut self,
        e: usize,
        loaded: Option<bool>,
    ) -> Result<Vec<Output>, TestCaseError> {
        let p = &mut self.pages[e];
        let outputs: Vec<Output> = std::iter::from_fn(|| p.engine.poll_output()).collect();
        let mut last_persist = None;
        for o in &outputs {
            match o {
                Output::Changed(cap, s) => {
                    prop_assert_ne!(
                        s.state,
                        p.seen[cap.index()].state,
                        "Changed without a change"
                    );
                    p.seen[cap.index()] = *s;
                }
                Output::Updated(cap, s) => {
                    let seen = p.seen[cap.index()];
                    prop_assert_eq!(s.state, seen.state, "Updated with a change of state");
                    prop_assert_ne!(*s, seen, "Updated without a change");
                    p.seen[cap.index()] = *s;
                }
                Output::Persist(r) => {
                    prop_assert_ne!(loaded, Some(true), "a load never writes back");
                    last_persist = Some(r.clone());
                }
                Output::StopUse(id) => {
                    prop_assert!(p.uses.contains(id), "StopUse({}) of a use not live", id);
                    p.uses.retain(|u| u != id);
                }
                // In order: a grant may expire just before a decision in the same input.
                Output::Audit(AuditEvent::Expired(cap, _) | AuditEvent::Revoked(cap)) => {
                    p.ended[cap.index()] = Some(true);
                }
                Output::Audit(AuditEvent::Reset(cap)) => p.ended[cap.index()] = Some(false),
                Output::Audit(AuditEvent::Decision(cap, choice)) if *choice != Choice::Dismiss => {
                    p.ended[cap.index()] = Some(false);
                }
                Output::Audit(_) => {}
            }
        }
        if let Some(r) = last_persist {
            prop_assert_eq!(&r, p.engine.record(), "the last Persist is the record");
            self.storage = r.encode();
        }
        Ok(outputs)
    }

    /// Invariants of engine `e` at the current time.
    fn check_page(&mut self, e: usize) -> Result<(), TestCaseError> {
        let now = self.now;
        for cap in Capability::ALL {
            let p = &mut self.pages[e];
            let s = p.engine.status(now, cap);
            let extra: Vec<Output> = std::iter::from_fn(|| p.engine.poll_output()).collect();
            prop_assert!(
                extra.is_empty(),
                "a read right after an input changed something: {:?}",
                extra
            );
            // Exactly once: what was reported is what is.
            prop_assert_eq!(s, p.seen[cap.index()], "missed a change of {:?}", cap);
            // Well-formed.
            prop_assert_eq!(s.grant.is_some(), s.state == State::Granted);
            prop_assert_eq!(s.reason.is_some(), s.state == State::Denied);
            prop_assert_eq!(s.expires_at.is_some(), s.grant == Some(GrantKind::OneTime));
            // Never lie upward.
            let n = if p.access_denied[cap.index()] {
                NativeState::Denied
            } else {
                p.native[cap.index()]
            };
            // The browser's denial, and only it, is reported with reason browser.
            prop_assert_eq!(
                n == NativeState::Denied,
                s.reason == Some(DenyReason::Browser)
            );
            if s.state == State::Granted && n != NativeState::Granted {
                prop_assert!(n != NativeState::Denied);
                let record = p.engine.record();
                let at = record.granted_at(cap);
                prop_assert!(at.is_some(), "granted by evidence without a grant");
                let at = at.unwrap_or_default();
                prop_assert!(
                    self.access_granted
                        .iter()
                        .any(|(c, t)| *c == cap && *t >= at),
                    "granted while the browser says {:?} and no call succeeded under the grant",
                    n
                );
            }
            // An ended grant stays ended, whatever the browser says, until a decision or a reset.
            if p.ended[cap.index()] == Some(true) {
                prop_assert_ne!(s.state, State::Granted, "an ended grant came back");
            }
            // No expired grant is ever reported granted.
            if let Some(expires) = s.expires_at {
                prop_assert!(now < expires);
                let granted_at = expires - CONFIG.max_lifetime;
                prop_assert!(
                    self.allow_once.contains(&(cap, granted_at)),
                    "a one-time grant nobody made"
                );
            }
        }
        // Idempotent: a second look at the same time changes nothing.
        let p = &mut self.pages[e];
        p.engine.handle(now, Input::Tick);
        prop_assert_eq!(p.engine.poll_output(), None);
        // The record survives storage exactly.
        let text = p.engine.record().encode();
        let (back, warning) = Record::decode(&text);
        prop_assert_eq!(warning, None);
        prop_assert_eq!(&back, p.engine.record());
        prop_assert_eq!(back.encode(), text);
        prop_assert!(p.engine.live_pages().len() <= 3);
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold(ops in prop::collection::vec(op(), 1..100)) {
        let mut sim = Sim::new();
        for op in ops {
            sim.run(op)?;
        }
    }

    #[test]
    fn decoding_any_text_never_panics(text in any::<String>()) {
        let (record, warning) = Record::decode(&text);
        if warning.is_none() {
            prop_assert_eq!(Record::decode(&record.encode()), (record, None));
        }
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let (record, warning) = Record::decode_bytes(&bytes);
        if warning.is_none() {
            prop_assert_eq!(Record::decode(&record.encode()), (record, None));
        }
    }

    #[test]
    fn decoding_near_records_never_panics(text in "jp[0-9]{0,2}(\\|[cmgnpx][a-z0-9]{0,14}){0,6}") {
        let (record, warning) = Record::decode(&text);
        match warning {
            Some(_) => prop_assert_eq!(record, Record::default()),
            None => {
                let encoded = record.encode();
                prop_assert_eq!(Record::decode(&encoded), (record, None));
            }
        }
    }
}
