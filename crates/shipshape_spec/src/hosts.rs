//! Hosts that several exposures share, and so one certificate.
//!
//! cert-manager issues one certificate per TLS Secret an Ingress names. Two Ingresses
//! that name two Secrets for one host get two certificates for it, renewed apart and
//! served at random by the controller; a certificate per component also spends the
//! issuer's rate limit (Let's Encrypt allows five duplicates a week). So exposures are
//! grouped by the hosts they share, transitively, and each group gets one certificate
//! that covers all its hosts. Routes on a Gateway are left out: their certificate
//! belongs to the Gateway's listener.

use crate::app::AppSpec;
use crate::expose::{Expose, Tls};

/// Exposures through Ingress that share hosts, with every host any of them serves.
#[derive(Debug, Clone)]
pub struct HostSet<'a> {
    /// Every host of the set, in the order the spec first names it.
    pub hosts: Vec<&'a str>,
    /// The components that serve a host of the set, in spec order, with their exposure.
    pub members: Vec<(&'a str, &'a Expose)>,
}

impl<'a> HostSet<'a> {
    /// The component whose `tls` issues the set's certificate: the first with `tls`.
    #[must_use]
    pub fn issuer(&self) -> Option<(&'a str, &'a Tls)> {
        self.members
            .iter()
            .find_map(|(name, e)| e.tls.as_ref().map(|tls| (*name, tls)))
    }

    /// The Secret that holds the set's certificate: the issuing component's
    /// `tls.secret`, else `<component>-tls`.
    #[must_use]
    pub fn secret(&self) -> Option<String> {
        self.issuer().map(|(name, tls)| tls_secret(name, tls))
    }
}

/// The Secret a component's own `tls` names: `secret`, else `<component>-tls`.
#[must_use]
pub fn tls_secret(component: &str, tls: &Tls) -> String {
    tls.secret
        .clone()
        .unwrap_or_else(|| format!("{component}-tls"))
}

impl AppSpec {
    /// The exposures through Ingress grouped by shared hosts: two exposures that share
    /// a host, directly or through a third, are in one set. Sets come in the order of
    /// their first component.
    #[must_use]
    pub fn host_sets(&self) -> Vec<HostSet<'_>> {
        let mut sets: Vec<HostSet<'_>> = Vec::new();
        for (name, component) in &self.components {
            let Some(expose) = component.expose.as_ref().filter(|e| e.gateway.is_none()) else {
                continue;
            };
            let hosts = expose.hosts();
            let mut set = HostSet {
                hosts: Vec::new(),
                members: Vec::new(),
            };
            // Every set that shares a host with this exposure joins it, in order.
            let mut i = 0;
            let mut first = None;
            while i < sets.len() {
                if sets[i].hosts.iter().any(|h| hosts.contains(h)) {
                    let joined = sets.remove(i);
                    first.get_or_insert(i);
                    set.hosts.extend(joined.hosts);
                    set.members.extend(joined.members);
                } else {
                    i += 1;
                }
            }
            for host in hosts {
                if !set.hosts.contains(&host) {
                    set.hosts.push(host);
                }
            }
            set.members.push((name.as_str(), expose));
            let order = |n: &str| self.components.get_index_of(n);
            set.members.sort_by_key(|(n, _)| order(n));
            sets.insert(first.unwrap_or(sets.len()), set);
        }
        sets
    }

    /// The set of hosts `component`'s Ingress belongs to.
    #[must_use]
    pub fn host_set_of(&self, component: &str) -> Option<HostSet<'_>> {
        self.host_sets()
            .into_iter()
            .find(|set| set.members.iter().any(|(n, _)| *n == component))
    }
}
