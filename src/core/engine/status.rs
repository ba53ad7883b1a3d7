//! The statuses the engine reports: each composed from the browser's state and the record, and reported when it
//! changes.

use super::*;

impl Engine {
    /// The status composed from the browser's state and the record (SPEC "States").
    pub(super) fn compose(&self, now: Millis, cap: Capability) -> Status {
        let c = self.record.cap(cap);
        let history = Status {
            last_decision: c.last.map(|(choice, _)| choice),
            decided_at: c.last.map(|(_, at)| at),
            ..Status::default()
        };
        let denied = |reason| Status {
            state: State::Denied,
            reason: Some(reason),
            ..history
        };
        let granted = |kind, expires_at| Status {
            state: State::Granted,
            grant: Some(kind),
            expires_at,
            ..history
        };
        if self.policy_blocked.get(cap.index()).copied().unwrap_or(false) {
            return denied(DenyReason::Policy);
        }
        // 1. The browser denies: nothing overrides it.
        let n = self.native(cap);
        if n == NativeState::Denied {
            return denied(DenyReason::Browser);
        }
        if self.access_denied.get(cap.index()).copied().flatten() == Some(DenyReason::System) {
            return denied(DenyReason::System);
        }
        // 2. An embargo, then the site-level block.
        if c.embargo_until.is_some_and(|until| now < until) {
            return denied(DenyReason::Embargo);
        }
        let evidence = self.evidence.get(cap.index()).copied().unwrap_or(false);
        match c.verdict {
            Verdict::Blocked => denied(DenyReason::User),
            // 3. An ended grant: prompt, whatever the browser says.
            Verdict::Ended => history,
            // 4. A grant the browser grants, or that a call in this page showed it honours.
            Verdict::Grant(g) if self.grant_live(cap) && (n == NativeState::Granted || evidence) => {
                let expires_at = match g.kind {
                    GrantKind::OneTime => Some(g.at.saturating_add(self.config.max_lifetime)),
                    GrantKind::Persistent => None,
                };
                granted(g.kind, expires_at)
            }
            Verdict::Grant(_) => history,
            // 5. Granted before the library came.
            Verdict::None if n == NativeState::Granted => granted(GrantKind::Persistent, None),
            // 6.
            Verdict::None => history,
        }
    }

    /// Emits `Changed` or `Updated` for every status that differs from the one last reported.
    pub(super) fn report(&mut self, now: Millis) {
        for cap in Capability::ALL {
            let status = self.compose(now, cap);
            let Some(reported) = self.reported.get_mut(cap.index()) else {
                continue;
            };
            if status.state != reported.state {
                self.out.push(Output::Changed(cap, status));
            } else if status != *reported {
                self.out.push(Output::Updated(cap, status));
            }
            *reported = status;
        }
    }
}
