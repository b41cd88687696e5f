//! What a simulation found: per scenario and workload, the fewest ready pods, what the
//! disruption budgets and quorums did, what stayed Pending; the broken promises as
//! findings; what was not modelled. Printed as a table or as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cluster::{format_cpu, format_memory};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Hurts when it happens (an outage the cluster cannot absorb).
    Warning,
    /// A promise the manifests make is broken: a voluntary disruption (rollout, drain)
    /// takes a workload below `replicas − 1` ready or a quorum away, never finishes, or a
    /// pod never schedules.
    Error,
}

/// A broken promise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How bad.
    pub severity: Severity,
    /// The scenario (`rollout Deployment/api`, `drain node-a1`, `initial placement`).
    pub scenario: String,
    /// The workload it is about.
    pub workload: String,
    /// What happened and what to do.
    pub message: String,
}

/// The kinds of scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A rollout of one workload to a new revision.
    Rollout,
    /// A `kubectl drain` of one node.
    Drain,
    /// A whole zone lost at once.
    ZoneLoss,
    /// One node lost without a drain.
    NodeLoss,
}

impl Kind {
    /// How a heading names it.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Kind::Rollout => "rollout",
            Kind::Drain => "drain",
            Kind::ZoneLoss => "zone loss",
            Kind::NodeLoss => "node loss",
        }
    }
}

/// What one workload went through in one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// `Kind/name`.
    pub workload: String,
    /// The pods it should run.
    pub replicas: i64,
    /// The fewest ready at any time.
    pub min_ready: i64,
    /// Ready at the end.
    pub end_ready: i64,
    /// `(second, ready)` at each change, from 0.
    pub timeline: Vec<(i64, i64)>,
    /// The budgets that protect it and the fewest ready pods they allow.
    pub budgets: Vec<(String, i64)>,
    /// An eviction was refused by a budget.
    pub blocked: bool,
    /// Fewer pods were ready than a budget allows.
    pub violated: bool,
    /// For a quorum system, the majority it needs.
    pub quorum: Option<i64>,
    /// Pods Pending at the end, with the reason.
    pub pending: Vec<String>,
}

impl Outcome {
    /// Whether a quorum system kept its majority throughout; `None` for others.
    #[must_use]
    pub fn quorum_kept(&self) -> Option<bool> {
        self.quorum.map(|q| self.min_ready >= q)
    }
}

/// One scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// Which kind.
    pub kind: Kind,
    /// What it acts on: a workload, a node or a zone.
    pub target: String,
    /// Seconds until the last pod it touched was ready again (or it gave up).
    pub duration: i64,
    /// Whether it finished (a drain that never empties the node, a rollout that stalls).
    pub finished: bool,
    /// The workloads it touched.
    pub outcomes: Vec<Outcome>,
    /// What a reader needs to know to read it (a migration gate, an `OnDelete` strategy).
    pub notes: Vec<String>,
}

/// Where one workload's pods went at the start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placed {
    /// `Kind/name`.
    pub workload: String,
    /// Pods it runs.
    pub replicas: i64,
    /// Pods per zone, in the cluster's zone order.
    pub per_zone: Vec<(String, i64)>,
    /// Pods per node, nodes without any left out.
    pub per_node: Vec<(String, i64)>,
    /// Pods left Pending, with the reason.
    pub pending: Vec<String>,
}

/// One autoscaled workload at its maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtMaximum {
    /// `Kind/name`.
    pub workload: String,
    /// Pods it runs at the autoscaler's minimum.
    pub min: i64,
    /// Pods at `maxReplicas`.
    pub max: i64,
    /// CPU it requests at `maxReplicas`, in millicores.
    pub cpu: i64,
    /// Memory it requests at `maxReplicas`, in bytes.
    pub memory: i64,
    /// Pods left Pending when only it scales up, with the first one's reason.
    pub pending: i64,
    /// Why the first Pending pod is Pending.
    pub reason: Option<String>,
}

/// One client of a database at its most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbClient {
    /// `Kind/name`.
    pub workload: String,
    /// The most pods it runs at once.
    pub pods: i64,
    /// Where that count comes from (`maxReplicas of HorizontalPodAutoscaler shop/api`,
    /// `replicas`, `runs at once`).
    pub counted_by: String,
    /// The connections each pod opens.
    pub pool: i64,
}

/// A database's connection budget with every client at its most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbBudget {
    /// The database, as its clients address it.
    pub database: String,
    /// Its lowest declared `max_connections`; `None` when nothing declares one.
    pub max_connections: Option<i64>,
    /// The connections kept for superusers.
    pub reserved: i64,
    /// The connections its clients open, each at its most.
    pub connections: i64,
    /// `max_connections − reserved − connections`: negative when it does not fit.
    pub spare: Option<i64>,
    /// Its clients.
    pub clients: Vec<DbClient>,
}

/// Every autoscaler at its maximum, alone and together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Autoscaling {
    /// Each autoscaled workload.
    pub workloads: Vec<AtMaximum>,
    /// Pods left Pending when every autoscaler is at its maximum at once.
    pub pending_together: i64,
    /// CPU every workload requests with every autoscaler at its maximum, in millicores.
    pub cpu: i64,
    /// Memory every workload requests with every autoscaler at its maximum, in bytes.
    pub memory: i64,
    /// Each database's connections with every client at its most.
    pub databases: Vec<DbBudget>,
}

/// How the NetworkPolicies decide one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Passage {
    /// Both the sender's egress and the receiver's ingress let it through.
    Admitted,
    /// It passes when an `ipBlock` covers the pod's address, which the manifests do not
    /// say; no side denies it.
    ByAddress,
    /// A side restricts it and no rule admits it.
    Denied,
}

/// One call between two workloads of the set on one port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    /// The caller, `Kind/name`.
    pub from: String,
    /// The receiver, `Kind/name`.
    pub to: String,
    /// The receiver's container port.
    pub port: i64,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// How the caller declares it (`` `DB_URL` (Service/db port 5432) ``); `None` for a
    /// call the policies admit that no one declares.
    pub declared: Option<String>,
    /// What the policies do to it.
    pub passage: Passage,
}

/// An ingress rule that admits more than the declared calls need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opening {
    /// The receiver, `Kind/name`.
    pub workload: String,
    /// `NetworkPolicy/name ingress[i]`.
    pub rule: String,
    /// It admits a pod without labels of a namespace the set does not name.
    pub any_namespace: bool,
    /// Workloads of the set it admits on ports no container declares.
    pub admits: Vec<String>,
    /// The receiver's ports it admits beyond the declared calls.
    pub ports: Vec<i64>,
    /// It admits ports that no container of the receiver declares and no call uses.
    pub other_ports: bool,
    /// The declared calls to the receiver: `Kind/name on port`.
    pub declared: Vec<String>,
}

/// Who may reach whom under the NetworkPolicies, against the declared calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Every declared call, then every call the policies admit to a workload whose
    /// ingress they restrict that no one declares.
    pub calls: Vec<Call>,
    /// Workloads whose ingress no policy restricts: every pod may reach them.
    pub unrestricted: Vec<String>,
    /// The over-wide ingress rules.
    pub over_wide: Vec<Opening>,
}

/// The whole simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The cluster, in one line.
    pub cluster: String,
    /// Where every workload's pods went.
    pub placement: Vec<Placed>,
    /// Every scenario, in the order: rollouts, drains, zone losses, node losses.
    pub scenarios: Vec<Scenario>,
    /// Every autoscaler at its maximum.
    pub autoscaling: Autoscaling,
    /// The traffic matrix.
    pub traffic: Traffic,
    /// The requests LimitRanges filled in, before placement and the budgets:
    /// `` Deployment/api: container `app`: cpu 250m (LimitRange default/defaults) ``.
    pub defaulted: Vec<String>,
    /// The broken promises, errors first.
    pub findings: Vec<Finding>,
    /// What the simulation does not model, of this input.
    pub not_modelled: Vec<String>,
}

impl Report {
    /// Whether a finding at or above `severity` exists.
    #[must_use]
    pub fn fails(&self, severity: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= severity)
    }

    /// The report as pretty JSON, ending in a newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The report as a table for a terminal: placement, then one table per kind of
    /// scenario with the worst case of each workload, then findings and what was not
    /// modelled.
    #[must_use]
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Cluster: {}\n", self.cluster);
        let mut rows = vec![row(&["WORKLOAD", "REPLICAS", "PER ZONE", "PENDING"])];
        for p in &self.placement {
            let zones: Vec<String> = p.per_zone.iter().map(|(z, n)| format!("{z}={n}")).collect();
            rows.push(vec![
                p.workload.clone(),
                p.replicas.to_string(),
                zones.join(" "),
                p.pending.len().to_string(),
            ]);
        }
        let _ = writeln!(out, "Placement");
        out.push_str(&columns(&rows));
        for kind in [Kind::Rollout, Kind::Drain, Kind::ZoneLoss, Kind::NodeLoss] {
            let scenarios: Vec<&Scenario> =
                self.scenarios.iter().filter(|s| s.kind == kind).collect();
            if scenarios.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n{} ({} scenarios, worst case per workload)",
                capitalized(kind.title()),
                scenarios.len()
            );
            let mut rows = vec![row(&[
                "WORKLOAD",
                "REPLICAS",
                "MIN READY",
                "WORST CASE",
                "BUDGET",
                "QUORUM",
                "PENDING",
            ])];
            for (workload, worst, scenario) in worst_cases(&scenarios) {
                let budget = if worst.violated {
                    "violated"
                } else if worst.blocked {
                    "blocked"
                } else if worst.budgets.is_empty() {
                    "-"
                } else {
                    "kept"
                };
                let quorum = match worst.quorum_kept() {
                    Some(true) => "kept",
                    Some(false) => "LOST",
                    None => "-",
                };
                let worst_at = match (scenario.kind, scenario.finished) {
                    (Kind::Rollout, true) => format!("done in {}s", scenario.duration),
                    (Kind::Rollout, false) => "never finishes".to_owned(),
                    (_, true) => scenario.target.clone(),
                    (_, false) => format!("{} (never finishes)", scenario.target),
                };
                rows.push(vec![
                    workload,
                    worst.replicas.to_string(),
                    worst.min_ready.to_string(),
                    worst_at,
                    budget.to_owned(),
                    quorum.to_owned(),
                    worst.pending.len().to_string(),
                ]);
            }
            out.push_str(&columns(&rows));
        }
        if !self.autoscaling.workloads.is_empty() {
            let _ = writeln!(out, "\nAutoscaling at maximum");
            let mut rows = vec![row(&[
                "WORKLOAD",
                "MIN",
                "MAX",
                "CPU AT MAX",
                "MEMORY AT MAX",
                "PENDING",
            ])];
            for a in &self.autoscaling.workloads {
                rows.push(vec![
                    a.workload.clone(),
                    a.min.to_string(),
                    a.max.to_string(),
                    format_cpu(a.cpu),
                    format_memory(a.memory),
                    a.pending.to_string(),
                ]);
            }
            out.push_str(&columns(&rows));
            let _ = writeln!(
                out,
                "Every autoscaler at its maximum: {} CPU, {} memory requested, {} pods Pending",
                format_cpu(self.autoscaling.cpu),
                format_memory(self.autoscaling.memory),
                self.autoscaling.pending_together
            );
        }
        if !self.autoscaling.databases.is_empty() {
            let _ = writeln!(out, "\nDatabase connections with every client at its most");
            let mut rows = vec![row(&["DATABASE", "MAX", "RESERVED", "AT MOST", "BUDGET"])];
            for db in &self.autoscaling.databases {
                let budget = match db.spare {
                    Some(spare) if spare >= 0 => format!("fits ({spare} spare)"),
                    Some(spare) => format!("OVER by {}", -spare),
                    None => "no max_connections declared".to_owned(),
                };
                rows.push(vec![
                    db.database.clone(),
                    db.max_connections.map_or("-".to_owned(), |m| m.to_string()),
                    db.reserved.to_string(),
                    db.connections.to_string(),
                    budget,
                ]);
            }
            out.push_str(&columns(&rows));
        }
        if !self.defaulted.is_empty() {
            let _ = writeln!(out, "\nRequests a LimitRange filled in:");
            for note in &self.defaulted {
                let _ = writeln!(out, "  - {note}");
            }
        }
        self.traffic.write_table(&mut out);
        let _ = writeln!(out);
        if self.findings.is_empty() {
            let _ = writeln!(out, "No promise broken.");
        }
        for f in &self.findings {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = writeln!(
                out,
                "{severity}: {}: {}: {}",
                f.scenario, f.workload, f.message
            );
        }
        if !self.not_modelled.is_empty() {
            let _ = writeln!(out, "\nNot modelled:");
            for note in &self.not_modelled {
                let _ = writeln!(out, "  - {note}");
            }
        }
        out
    }
}

impl Traffic {
    /// The calls as a table: declared ones first, then the undeclared ones the policies
    /// admit, and the workloads whose ingress is open to every pod.
    fn write_table(&self, out: &mut String) {
        let declared = self.calls.iter().filter(|c| c.declared.is_some()).count();
        let blocked = self
            .calls
            .iter()
            .filter(|c| c.passage == Passage::Denied)
            .count();
        let _ = writeln!(
            out,
            "\nTraffic ({declared} declared calls, {blocked} blocked, {} over-wide ingress rules)",
            self.over_wide.len()
        );
        if !self.calls.is_empty() {
            let mut rows = vec![row(&["FROM", "TO", "PORT", "POLICIES", "DECLARED BY"])];
            for c in &self.calls {
                let passage = match c.passage {
                    Passage::Admitted => "admit",
                    Passage::ByAddress => "by address",
                    Passage::Denied => "DENY",
                };
                rows.push(vec![
                    c.from.clone(),
                    c.to.clone(),
                    format!("{}/{}", c.port, c.protocol),
                    passage.to_owned(),
                    c.declared
                        .clone()
                        .unwrap_or_else(|| "- (declared by no env)".to_owned()),
                ]);
            }
            out.push_str(&columns(&rows));
        }
        if !self.unrestricted.is_empty() {
            let _ = writeln!(
                out,
                "Ingress open to every pod (no NetworkPolicy selects them): {}",
                self.unrestricted.join(", ")
            );
        }
    }
}

/// For each workload in first-seen order, its worst outcome over `scenarios` (fewest
/// ready, a lost quorum or a never-finishing scenario first) and that scenario.
fn worst_cases<'s>(scenarios: &[&'s Scenario]) -> Vec<(String, &'s Outcome, &'s Scenario)> {
    let mut worst: Vec<(String, &Outcome, &Scenario)> = Vec::new();
    for scenario in scenarios {
        for outcome in &scenario.outcomes {
            let badness =
                |o: &Outcome, s: &Scenario| (!s.finished, -o.min_ready, o.violated, o.blocked);
            match worst.iter_mut().find(|(w, _, _)| *w == outcome.workload) {
                Some(entry) => {
                    if badness(outcome, scenario) > badness(entry.1, entry.2) {
                        entry.1 = outcome;
                        entry.2 = scenario;
                    }
                }
                None => worst.push((outcome.workload.clone(), outcome, scenario)),
            }
        }
    }
    worst
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// Rows as columns two spaces apart, the last column unpadded.
fn columns(rows: &[Vec<String>]) -> String {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:width$}  ", width = widths[c]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
