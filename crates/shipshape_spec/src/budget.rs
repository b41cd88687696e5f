//! The connection budget of a PostgreSQL service: every connection its clients may hold
//! at once, against what the server accepts.
//!
//! PostgreSQL refuses a connection past `max_connections`, less the connections it keeps
//! for superusers (`superuser_reserved_connections`, where operators and administrators
//! log in). Each pod of a client opens up to its pool; an autoscaled component may run
//! its maximum; a migration Job and a backup run beside the pods, and a `job` or `cron`
//! run whenever it is due. The sum of all of them must fit, or the last pods to start
//! (at peak load, when the autoscaler adds them) fail to connect.
//!
//! The renderer writes the same facts into the output (`shipshape.dev/db-connections`
//! on each client pod, the limit and the reserve beside the database), so that `shipshape
//! check` reaches the same verdict from the manifests alone.

use crate::app::AppSpec;
use crate::batch::Concurrency;
use crate::component::{Component, ComponentKind};
use crate::defaults::{DEFAULT_MAX_CONNECTIONS, DEFAULT_RESERVED_CONNECTIONS};
use crate::services::{BackingService, ServiceType};

/// What a PostgreSQL service accepts and what its clients may open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget<'a> {
    /// The server's `max_connections`.
    pub max_connections: u32,
    /// Connections kept for superusers, which clients cannot use.
    pub reserved: u32,
    /// Every client's share, in spec order.
    pub shares: Vec<Share<'a>>,
}

/// What one client may hold at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share<'a> {
    /// The component (for a backup, the service).
    pub name: &'a str,
    /// Which pods of it.
    pub pods_of: PodsOf,
    /// How many such pods may run at once.
    pub pods: u32,
    /// Connections each opens.
    pub pool: u32,
}

/// The pods a share counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodsOf {
    /// The component's own pods (for a `cron`, its runs).
    Component,
    /// The component's migration Job.
    Migration,
    /// The service's backup run (`pg_dump`, one connection).
    Backup,
}

impl Budget<'_> {
    /// Connections clients may use: `max_connections` less the reserve.
    #[must_use]
    pub fn available(&self) -> u32 {
        self.max_connections.saturating_sub(self.reserved)
    }

    /// Connections every client together may open.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.shares
            .iter()
            .map(|s| u64::from(s.pods) * u64::from(s.pool))
            .sum()
    }
}

impl BackingService {
    /// The server's `max_connections`: as written, else PostgreSQL's default for a
    /// server shipshape configures (in the cluster), else unknown.
    #[must_use]
    pub fn max_connections_or_default(&self) -> Option<u32> {
        if self.kind != ServiceType::Postgres {
            return None;
        }
        self.max_connections
            .or_else(|| self.in_cluster().then_some(DEFAULT_MAX_CONNECTIONS))
    }

    /// Connections the server keeps for superusers.
    #[must_use]
    pub fn reserved_connections_or_default(&self) -> u32 {
        self.reserved_connections
            .unwrap_or(DEFAULT_RESERVED_CONNECTIONS)
    }

    /// Whether a backup of this service is a client: a `pg_dump` run, for the providers
    /// that do not back up by themselves.
    #[must_use]
    pub fn backup_connects(&self) -> bool {
        self.kind == ServiceType::Postgres
            && self.backup.is_some()
            && matches!(
                self.provider(),
                crate::services::Provider::External | crate::services::Provider::Statefulset
            )
    }
}

impl Component {
    /// Connections each pod opens to the service `name` it needs: its own `pools`
    /// entry, else the service's `pool`; `None` when neither says, or when it does not
    /// need the service.
    #[must_use]
    pub fn pool_for(&self, name: &str, service: &BackingService) -> Option<u32> {
        if !self.needs.0.contains_key(name) {
            return None;
        }
        self.pools.get(name).copied().or(service.pool)
    }

    /// The most pods of the component that may run at once: the replica maximum, one
    /// run of a `job`, and two runs of a `cron` whose runs may overlap (the one still
    /// running and the next).
    #[must_use]
    pub fn pods_at_most(&self) -> u32 {
        match self.kind {
            ComponentKind::Service | ComponentKind::Worker | ComponentKind::Stateful => {
                self.replicas_or_default().max()
            }
            ComponentKind::Job => 1,
            ComponentKind::Cron => match self.concurrency.unwrap_or_default() {
                Concurrency::Allow => 2,
                Concurrency::Forbid | Concurrency::Replace => 1,
            },
        }
    }
}

impl AppSpec {
    /// The connection budget of the PostgreSQL service `name`, when its
    /// `max_connections` is known. Clients that declare no pool are not counted.
    #[must_use]
    pub fn connection_budget(&self, name: &str) -> Option<Budget<'_>> {
        let (name, service) = self.services.get_key_value(name)?;
        let max_connections = service.max_connections_or_default()?;
        let mut shares = Vec::new();
        for (component, c) in &self.components {
            let Some(pool) = c.pool_for(name, service) else {
                continue;
            };
            shares.push(Share {
                name: component,
                pods_of: PodsOf::Component,
                pods: c.pods_at_most(),
                pool,
            });
            if c.migrations.as_ref().is_some_and(|m| m.command.is_some()) {
                shares.push(Share {
                    name: component,
                    pods_of: PodsOf::Migration,
                    pods: 1,
                    pool,
                });
            }
        }
        if service.backup_connects() {
            shares.push(Share {
                name,
                pods_of: PodsOf::Backup,
                pods: 1,
                pool: 1,
            });
        }
        Some(Budget {
            max_connections,
            reserved: service.reserved_connections_or_default(),
            shares,
        })
    }
}
