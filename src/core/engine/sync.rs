//! The engine's side of the origin's shared record: this page's arrival and announcement, merging what other pages
//! wrote, the versions of its own writes, and the uses that end or expire.

use super::*;

impl Engine {
    /// The arrival of this page: a one-time grant with no other live page ends unless the page
    /// came by handover. Then the page announces itself.
    pub(super) fn arrive(&mut self, arrival: Arrival) {
        if self.arrived {
            return;
        }
        self.arrived = true;
        let own = self.page;
        let others = self.record.pages.iter().any(|p| p.id != own);
        if !others && !self.handover(arrival) {
            for cap in Capability::ALL {
                if self.record.grant(cap) == Some(GrantKind::OneTime) {
                    if let Some(c) = self.record.cap_mut(cap) {
                        c.verdict = Verdict::Ended;
                    }
                    self.audit(AuditEvent::Expired(cap, ExpiryCause::PagesGone));
                }
            }
        }
        let hidden = self.early_hidden.take();
        self.announce(hidden);
    }

    /// Whether `arrival` takes over from the last page that left: a reload or a navigation
    /// from a page of the origin, started no later than the handover window after that leave.
    pub(super) fn handover(&self, arrival: Arrival) -> bool {
        arrival.kind != ArrivalKind::Fresh
            && self
                .record
                .left
                .is_some_and(|left| arrival.at <= left.saturating_add(self.config.handover))
    }

    /// The other pages listed live that must answer before this page arrives by `arrival`:
    /// none unless a one-time grant depends on them (no handover keeps it anyway). A page that
    /// has nothing to confirm waits on no other page.
    pub fn pages_to_confirm(&self, arrival: Arrival) -> Vec<PageId> {
        let one_time = Capability::ALL
            .into_iter()
            .any(|c| self.record.grant(c) == Some(GrantKind::OneTime));
        if self.arrived || !one_time || self.handover(arrival) {
            return Vec::new();
        }
        self.record.pages().into_iter().filter(|p| *p != self.page).collect()
    }

    /// A grant counts only once this page has arrived (a one-time grant may have ended with
    /// the last page before it); a persistent grant always.
    pub(super) fn grant_live(&self, cap: Capability) -> bool {
        match self.record.grant(cap) {
            Some(GrantKind::OneTime) => self.arrived,
            Some(GrantKind::Persistent) => true,
            None => false,
        }
    }

    /// Notes a use of the capability through the library (for `persistent.unusedAfter`; a
    /// no-op without it, so that uses write nothing they do not need).
    pub(super) fn touch(&mut self, cap: Capability, now: Millis) {
        if self.config.unused_after.is_none() {
            return;
        }
        if let Some(CapRecord {
            verdict: Verdict::Grant(g),
            ..
        }) = self.record.cap_mut(cap)
        {
            g.used = g.used.max(now);
        }
    }

    /// This page announces itself as live, or reports its visibility.
    pub(super) fn announce(&mut self, hidden: Option<Millis>) {
        self.own = Some(hidden);
        self.sync_own();
    }

    /// Writes this page's entry into the registry (or removes it while the page is not live).
    pub(super) fn sync_own(&mut self) {
        match self.own {
            Some(hidden_since) => {
                let uses = self.uses.iter().fold(0, |m, (_, cap)| m | bit(*cap));
                self.upsert_page(PageEntry {
                    id: self.page,
                    hidden_since,
                    uses,
                });
            }
            None => self.record.pages.retain(|p| p.id != self.page),
        }
    }

    /// Adds or replaces a registry entry. A full registry makes room by dropping the oldest
    /// other page (hostile or stale storage cannot keep this page out).
    pub(super) fn upsert_page(&mut self, entry: PageEntry) {
        let pages = &mut self.record.pages;
        if let Some(p) = pages.iter_mut().find(|p| p.id == entry.id) {
            *p = entry;
            return;
        }
        if pages.len() >= MAX_PAGES {
            let own = self.page;
            match pages.iter().position(|p| p.id != own && p.id != entry.id) {
                Some(i) => {
                    pages.remove(i);
                }
                None => return,
            }
        }
        pages.push(entry);
    }

    /// Merges a stored record into this page's: capability entries by version, the pages as
    /// stored except those this engine saw gone, and this page's own entry as it knows it.
    pub(super) fn merge(&mut self, theirs: Record) {
        let mut merged = theirs;
        let gone = &self.gone;
        merged.pages.retain(|p| !gone.contains(&p.id));
        let mut caps = self.record.clone();
        caps.merge_caps(&merged);
        merged.caps = caps.caps;
        merged.left = caps.left;
        self.record = merged;
        // This page's entry as it knows it, in its place (so that two pages agree on the order).
        self.sync_own();
    }

    /// Stamps a new version on every register that differs from `base`: a hybrid logical
    /// clock, later than both the register's old version and the current time.
    pub(super) fn stamp(&mut self, base: &Record, now: Millis) {
        let next = |old: Millis| old.saturating_add(1).max(now);
        for cap in Capability::ALL {
            let old = base.cap(cap);
            if let Some(c) = self.record.cap_mut(cap) {
                // A decision is a fresh write of the verdict even when it repeats it.
                let decided = c.last != old.last && !matches!(c.last, Some((Choice::Dismiss, _)));
                if decided || c.verdict_changed(&old) {
                    c.version = next(old.version.max(c.version));
                }
                if c.counts_changed(&old) {
                    c.counts_version = next(old.counts_version.max(c.counts_version));
                }
            }
        }
    }

    /// The clock check: ends every grant whose time is up.
    pub(super) fn expire_due(&mut self, now: Millis) {
        for cap in Capability::ALL {
            let cause = match self.deadline(cap) {
                Some((deadline, cause)) if now >= deadline => cause,
                _ => continue,
            };
            if let Some(c) = self.record.cap_mut(cap) {
                c.verdict = Verdict::Ended;
                self.audit(AuditEvent::Expired(cap, cause));
            }
        }
    }

    /// Asks to stop every use of `cap` in this page.
    pub(super) fn stop_uses(&mut self, cap: Capability) {
        if !self.in_use(cap) {
            return;
        }
        let out = &mut self.out;
        self.uses.retain(|(id, c)| {
            let stop = *c == cap;
            if stop {
                out.push(Output::StopUse(*id));
            }
            !stop
        });
        self.sync_own();
        self.note_use_ends_now(cap);
    }

    pub(super) fn note_use_ends_now(&mut self, cap: Capability) {
        if cap.runs_in_background() && self.record.live_uses() & bit(cap) == 0 {
            let now = self.now;
            if let Some(CapRecord {
                verdict: Verdict::Grant(g),
                ..
            }) = self.record.cap_mut(cap)
            {
                g.last_use_end = Some(now);
            }
        }
    }

    /// Marks when the last use of a capability that may run in the background ended anywhere,
    /// for the hidden timer. Uses of a capability that does not run in the background
    /// (geolocation) never move the timer.
    pub(super) fn note_use_ends(&mut self, before: &Record, now: Millis) {
        let ended = before.live_uses() & !self.record.live_uses();
        for cap in Capability::ALL {
            if ended & bit(cap) != 0 && cap.runs_in_background() {
                if let Some(CapRecord {
                    verdict: Verdict::Grant(g),
                    ..
                }) = self.record.cap_mut(cap)
                {
                    g.last_use_end = Some(now);
                }
            }
        }
    }
}
