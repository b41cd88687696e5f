//! Where pods go: a model of kube-scheduler's default profile for what decides
//! availability. Filters as the scheduler's plugins filter (node resources, node
//! selector and required node affinity, taints, required pod affinity and
//! anti-affinity in both directions, `DoNotSchedule` topology spread with `minDomains`
//! and the node policies, volume zones); scores as its plugins score (least allocated,
//! balanced allocation, `PreferNoSchedule` taints, preferred node affinity, preferred
//! pod affinity, `ScheduleAnyway` spread), each normalized to 0-100 and weighted as the
//! default profile weighs them. Where the real scheduler picks at random among equal
//! nodes, this one takes the first in the cluster's order, so every run is the same.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration};

use crate::cluster::{Cluster, Node};
use crate::workload::{Controller, Spread, Term, Workload, Workloads};

/// One pod of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pod {
    /// Its ordinal (StatefulSet) or its number among its workload's pods.
    pub ordinal: u32,
    /// Its node, or `None` while Pending.
    pub node: Option<u32>,
    /// 0 for the revision that runs before a rollout, 1 for the new one.
    pub revision: u8,
    /// The second at which it is (or becomes) ready; `i64::MAX` while Pending.
    pub ready_at: i64,
}

/// A node's state during a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeState {
    /// Unrequested CPU, in millicores.
    pub cpu: i64,
    /// Unrequested memory, in bytes.
    pub memory: i64,
    /// Pods it may still take.
    pub pods: i64,
    /// Whether it runs at all (a lost node or zone does not).
    pub up: bool,
    /// Whether new pods may go there (a drained node is cordoned).
    pub schedulable: bool,
}

/// Where every pod is, and what every node has left.
#[derive(Debug, Clone)]
pub struct State {
    /// Per node, in the cluster's order.
    pub nodes: Vec<NodeState>,
    /// Per workload, its pods.
    pub pods: Vec<Vec<Pod>>,
    /// Per workload, the zone each ordinal's volume is bound to (StatefulSets with
    /// volume claim templates), by ordinal.
    pub volume_zones: Vec<HashMap<u32, u32>>,
}

/// Why a pod could not go to a node: the words kube-scheduler uses in its
/// `FailedScheduling` event, so a reader recognizes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refusal {
    /// The node is down.
    Down,
    /// The node is cordoned.
    Unschedulable,
    /// Not enough unrequested CPU.
    Cpu,
    /// Not enough unrequested memory.
    Memory,
    /// No room for another pod.
    Pods,
    /// The node selector or required node affinity does not match.
    NodeAffinity,
    /// A taint the pod does not tolerate.
    Taint,
    /// Required pod affinity finds no pod in the node's domain.
    Affinity,
    /// Required pod anti-affinity finds a pod in the node's domain.
    AntiAffinity,
    /// Another pod's required anti-affinity keeps this one away.
    ExistingAntiAffinity,
    /// A `DoNotSchedule` topology spread constraint.
    Spread,
    /// The pod's volume is bound to another zone.
    VolumeZone,
}

impl Refusal {
    /// The scheduler's words for it.
    #[must_use]
    pub fn text(self) -> &'static str {
        match self {
            Refusal::Down => "node(s) were unreachable",
            Refusal::Unschedulable => "node(s) were unschedulable",
            Refusal::Cpu => "Insufficient cpu",
            Refusal::Memory => "Insufficient memory",
            Refusal::Pods => "Too many pods",
            Refusal::NodeAffinity => "node(s) didn't match Pod's node affinity/selector",
            Refusal::Taint => "node(s) had untolerated taint",
            Refusal::Affinity => "node(s) didn't match pod affinity rules",
            Refusal::AntiAffinity => "node(s) didn't match pod anti-affinity rules",
            Refusal::ExistingAntiAffinity => {
                "node(s) didn't satisfy existing pods anti-affinity rules"
            }
            Refusal::Spread => "node(s) didn't match pod topology spread constraints",
            Refusal::VolumeZone => "node(s) had volume node affinity conflict",
        }
    }
}

/// Why a pod is Pending, as kube-scheduler words it: `0/6 nodes are available: 2
/// Insufficient cpu, 4 node(s) didn't match pod anti-affinity rules.`
#[must_use]
pub fn pending_reason(nodes: usize, refusals: &[Refusal]) -> String {
    let mut counts: Vec<(Refusal, usize)> = Vec::new();
    for r in refusals {
        match counts.iter_mut().find(|(k, _)| k == r) {
            Some((_, n)) => *n += 1,
            None => counts.push((*r, 1)),
        }
    }
    // Sorted by the words, as the scheduler's message sorts them.
    counts.sort_by_key(|(r, _)| r.text());
    let parts: Vec<String> = counts
        .iter()
        .map(|(r, n)| format!("{n} {}", r.text()))
        .collect();
    format!("0/{nodes} nodes are available: {}.", parts.join(", "))
}

/// The scheduler over one cluster and one set of workloads.
#[derive(Debug)]
pub struct Scheduler<'c, 'w, 'a> {
    /// The cluster.
    pub cluster: &'c Cluster,
    /// The workloads.
    pub workloads: &'w Workloads<'a>,
    /// For each topology key used, each node's domain (an index), `None` when the node
    /// lacks the label.
    domains: HashMap<String, Vec<Option<u32>>>,
    /// Per node, its zone's index.
    zone_of: Vec<u32>,
}

/// Scoring weights of kube-scheduler's default profile.
const WEIGHT_TAINTS: i64 = 3;
const WEIGHT_NODE_AFFINITY: i64 = 2;
const WEIGHT_SPREAD: i64 = 2;
const WEIGHT_POD_AFFINITY: i64 = 2;
const WEIGHT_FIT: i64 = 1;
const WEIGHT_BALANCE: i64 = 1;

impl<'c, 'w, 'a> Scheduler<'c, 'w, 'a> {
    /// A scheduler for `workloads` on `cluster`.
    #[must_use]
    pub fn new(cluster: &'c Cluster, workloads: &'w Workloads<'a>) -> Self {
        let mut keys: Vec<&str> = vec![crate::cluster::ZONE_LABEL];
        for w in &workloads.list {
            let p = &w.placement;
            for t in p
                .affinity
                .iter()
                .chain(&p.anti_affinity)
                .chain(&p.preferred_affinity)
                .chain(&p.preferred_anti_affinity)
            {
                keys.push(&t.topology_key);
            }
            for s in &p.spread {
                keys.push(&s.topology_key);
            }
        }
        let mut domains = HashMap::new();
        for key in keys {
            if domains.contains_key(key) {
                continue;
            }
            let mut values: Vec<&str> = Vec::new();
            let per_node: Vec<Option<u32>> = cluster
                .nodes
                .iter()
                .map(|n| {
                    let value = n.labels.get(key)?;
                    let i = values.iter().position(|v| v == value).unwrap_or_else(|| {
                        values.push(value);
                        values.len() - 1
                    });
                    u32::try_from(i).ok()
                })
                .collect();
            domains.insert(key.to_owned(), per_node);
        }
        let zone_of = domains[crate::cluster::ZONE_LABEL]
            .iter()
            .map(|d| d.unwrap_or(u32::MAX))
            .collect();
        Scheduler {
            cluster,
            workloads,
            domains,
            zone_of,
        }
    }

    /// The zone index of node `n`.
    #[must_use]
    pub fn zone_of(&self, n: u32) -> u32 {
        self.zone_of[n as usize]
    }

    /// An empty cluster: every node up, schedulable and free, no pod anywhere.
    #[must_use]
    pub fn empty(&self) -> State {
        State {
            nodes: self
                .cluster
                .nodes
                .iter()
                .map(|n| NodeState {
                    cpu: n.cpu,
                    memory: n.memory,
                    pods: n.pods,
                    up: true,
                    schedulable: true,
                })
                .collect(),
            pods: vec![Vec::new(); self.workloads.list.len()],
            volume_zones: vec![HashMap::new(); self.workloads.list.len()],
        }
    }

    /// Places every workload's pods on an empty cluster: DaemonSets first (one pod per
    /// node they may run on), then by priority, highest first, then in input order,
    /// each workload's pods by ordinal. Returns the state and, per Pending pod, its
    /// workload, ordinal and reason.
    #[must_use]
    pub fn initial(&self) -> (State, Vec<(usize, u32, String)>) {
        let mut state = self.empty();
        let mut pending = Vec::new();
        let list = &self.workloads.list;
        let mut order: Vec<usize> = (0..list.len()).collect();
        order.sort_by_key(|&w| {
            (
                list[w].controller != Controller::DaemonSet,
                std::cmp::Reverse(list[w].priority),
                w,
            )
        });
        for w in order {
            let workload = &list[w];
            if workload.controller == Controller::DaemonSet {
                let mut ordinal = 0;
                for n in 0..self.cluster.nodes.len() {
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    if !self.daemon_eligible(workload, n) {
                        continue;
                    }
                    let pod = Pod {
                        ordinal,
                        node: None,
                        revision: 0,
                        ready_at: 0,
                    };
                    ordinal += 1;
                    match self.fits_resources(&state, workload, n) {
                        None => self.bind(&mut state, w, pod, n),
                        Some(refusal) => {
                            let reason = pending_reason(1, &[refusal]);
                            pending.push((w, pod.ordinal, reason));
                            state.pods[w].push(pod);
                        }
                    }
                }
                continue;
            }
            for ordinal in 0..workload.replicas {
                let ordinal = u32::try_from(ordinal).unwrap_or(u32::MAX);
                let pod = Pod {
                    ordinal,
                    node: None,
                    revision: 0,
                    ready_at: 0,
                };
                if let Err(reason) = self.schedule(&mut state, w, pod) {
                    pending.push((w, ordinal, reason));
                }
            }
        }
        (state, pending)
    }

    /// Whether a DaemonSet's pod belongs on node `n`: its node selector, node affinity
    /// and taints (the DaemonSet controller adds tolerations for the node conditions,
    /// not for the node's own taints).
    #[must_use]
    pub fn daemon_eligible(&self, workload: &Workload<'_>, n: u32) -> bool {
        let node = &self.cluster.nodes[n as usize];
        node_affinity_matches(workload, node)
            && tolerates_all(&workload.placement.tolerations, node)
    }

    /// Schedules `pod` of workload `w`: binds it to the best node, or keeps it Pending
    /// and returns why.
    ///
    /// # Errors
    /// Kube-scheduler's `FailedScheduling` message when no node fits.
    pub fn schedule(&self, state: &mut State, w: usize, pod: Pod) -> Result<u32, String> {
        let mut feasible: Vec<u32> = Vec::new();
        let mut refusals = Vec::new();
        let spread = self.spread_counts(state, w, pod.revision);
        for n in 0..self.cluster.nodes.len() {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            match self.filter(state, w, pod, n, &spread) {
                None => feasible.push(n),
                Some(r) => refusals.push(r),
            }
        }
        if feasible.is_empty() {
            state.pods[w].push(Pod {
                node: None,
                ready_at: i64::MAX,
                ..pod
            });
            return Err(pending_reason(self.cluster.nodes.len(), &refusals));
        }
        let best = self.best(state, w, &feasible, &spread);
        self.bind(state, w, pod, best);
        Ok(best)
    }

    /// Puts `pod` of `w` on node `n` and takes its requests from the node.
    pub fn bind(&self, state: &mut State, w: usize, pod: Pod, n: u32) {
        let workload = &self.workloads.list[w];
        let node = &mut state.nodes[n as usize];
        node.cpu -= workload.cpu;
        node.memory -= workload.memory;
        node.pods -= 1;
        if workload.zonal_volumes {
            state.volume_zones[w]
                .entry(pod.ordinal)
                .or_insert(self.zone_of[n as usize]);
        }
        state.pods[w].push(Pod {
            node: Some(n),
            ..pod
        });
    }

    /// Takes pod `i` of `w` away (evicted, deleted or lost) and gives its node back
    /// its requests; returns the pod.
    pub fn remove(&self, state: &mut State, w: usize, i: usize) -> Pod {
        let workload = &self.workloads.list[w];
        let pod = state.pods[w].remove(i);
        if let Some(n) = pod.node {
            let node = &mut state.nodes[n as usize];
            node.cpu += workload.cpu;
            node.memory += workload.memory;
            node.pods += 1;
        }
        pod
    }

    fn fits_resources(&self, state: &State, workload: &Workload<'_>, n: u32) -> Option<Refusal> {
        let node = &state.nodes[n as usize];
        if node.pods < 1 {
            Some(Refusal::Pods)
        } else if node.cpu < workload.cpu {
            Some(Refusal::Cpu)
        } else if node.memory < workload.memory {
            Some(Refusal::Memory)
        } else {
            None
        }
    }

    /// The first reason node `n` is refused for `pod` of `w`, in the order of the
    /// scheduler's filter plugins; `None` when it fits.
    fn filter(
        &self,
        state: &State,
        w: usize,
        pod: Pod,
        n: u32,
        spread: &[SpreadCounts],
    ) -> Option<Refusal> {
        let workload = &self.workloads.list[w];
        let node_state = &state.nodes[n as usize];
        let node = &self.cluster.nodes[n as usize];
        if !node_state.up {
            return Some(Refusal::Down);
        }
        if !node_state.schedulable {
            return Some(Refusal::Unschedulable);
        }
        if !node_affinity_matches(workload, node) {
            return Some(Refusal::NodeAffinity);
        }
        if !tolerates_all(&workload.placement.tolerations, node) {
            return Some(Refusal::Taint);
        }
        if let Some(r) = self.fits_resources(state, workload, n) {
            return Some(r);
        }
        if let Some(&zone) = state.volume_zones[w].get(&pod.ordinal)
            && self.zone_of[n as usize] != zone
        {
            return Some(Refusal::VolumeZone);
        }
        for term in &workload.placement.affinity {
            let Some(domain) = self.domain(&term.topology_key, n) else {
                return Some(Refusal::Affinity);
            };
            let here = self.count_in_domain(state, term, &term.topology_key, domain);
            let anywhere = term
                .matches
                .iter()
                .any(|&v| state.pods[v].iter().any(|p| p.node.is_some()));
            let matches_itself = term.matches.contains(&w);
            // The first pod of a group that must be together may go anywhere.
            if here == 0 && (anywhere || !matches_itself) {
                return Some(Refusal::Affinity);
            }
        }
        for term in &workload.placement.anti_affinity {
            if let Some(domain) = self.domain(&term.topology_key, n)
                && self.count_in_domain(state, term, &term.topology_key, domain) > 0
            {
                return Some(Refusal::AntiAffinity);
            }
        }
        for &(v, t) in &self.workloads.repelled_by[w] {
            let term = &self.workloads.list[v].placement.anti_affinity[t];
            if let Some(domain) = self.domain(&term.topology_key, n)
                && state.pods[v].iter().any(|p| {
                    p.node
                        .is_some_and(|m| self.domain(&term.topology_key, m) == Some(domain))
                })
            {
                return Some(Refusal::ExistingAntiAffinity);
            }
        }
        for (constraint, counts) in workload.placement.spread.iter().zip(spread) {
            if !constraint.hard {
                continue;
            }
            let Some(domain) = self.domain(&constraint.topology_key, n) else {
                return Some(Refusal::Spread);
            };
            let here = counts.per_domain.get(domain as usize).copied().unwrap_or(0);
            if here + 1 - counts.min > constraint.max_skew {
                return Some(Refusal::Spread);
            }
        }
        None
    }

    fn domain(&self, key: &str, n: u32) -> Option<u32> {
        self.domains.get(key)?[n as usize]
    }

    /// Pods of the term's workloads on nodes of `domain` (a pod does not count itself:
    /// it is not placed yet).
    fn count_in_domain(&self, state: &State, term: &Term, key: &str, domain: u32) -> i64 {
        let mut count = 0;
        for &v in &term.matches {
            for p in &state.pods[v] {
                if let Some(m) = p.node
                    && self.domain(key, m) == Some(domain)
                {
                    count += 1;
                }
            }
        }
        count
    }

    /// For each spread constraint of `w`: matching pods per domain over the nodes that
    /// count, and the smallest such count (0 when fewer domains than `minDomains`).
    fn spread_counts(&self, state: &State, w: usize, revision: u8) -> Vec<SpreadCounts> {
        let workload = &self.workloads.list[w];
        workload
            .placement
            .spread
            .iter()
            .map(|c| self.spread_count(state, workload, c, revision))
            .collect()
    }

    fn spread_count(
        &self,
        state: &State,
        workload: &Workload<'_>,
        constraint: &Spread,
        revision: u8,
    ) -> SpreadCounts {
        let Some(per_node) = self.domains.get(&constraint.topology_key) else {
            return SpreadCounts::default();
        };
        let domain_count = per_node
            .iter()
            .flatten()
            .max()
            .map_or(0, |d| *d as usize + 1);
        let mut eligible = vec![false; domain_count];
        for (n, domain) in per_node.iter().enumerate() {
            let Some(domain) = domain else { continue };
            let node = &self.cluster.nodes[n];
            let node_state = &state.nodes[n];
            let counts = node_state.up
                && (!constraint.honor_node_affinity || node_affinity_matches(workload, node))
                && (!constraint.honor_taints
                    || tolerates_all(&workload.placement.tolerations, node));
            if counts {
                eligible[*domain as usize] = true;
            }
        }
        let mut per_domain = vec![0_i64; domain_count];
        for &v in &constraint.matches {
            for p in &state.pods[v] {
                if constraint.same_revision && p.revision != revision {
                    continue;
                }
                if let Some(d) = p.node.and_then(|m| per_node[m as usize]) {
                    per_domain[d as usize] += 1;
                }
            }
        }
        let eligible_count = eligible.iter().filter(|e| **e).count();
        let min = if constraint
            .min_domains
            .is_some_and(|m| usize::try_from(m).unwrap_or(usize::MAX) > eligible_count)
        {
            0
        } else {
            per_domain
                .iter()
                .zip(&eligible)
                .filter(|(_, e)| **e)
                .map(|(c, _)| *c)
                .min()
                .unwrap_or(0)
        };
        SpreadCounts { per_domain, min }
    }

    /// The feasible node with the highest weighted score; the first in cluster order on
    /// a tie.
    fn best(&self, state: &State, w: usize, feasible: &[u32], spread: &[SpreadCounts]) -> u32 {
        let workload = &self.workloads.list[w];
        let p = &workload.placement;
        let raw = |f: &dyn Fn(u32) -> i64| -> Vec<i64> { feasible.iter().map(|&n| f(n)).collect() };
        let mut total = vec![0_i64; feasible.len()];
        let mut add = |weight: i64, scores: Vec<i64>| {
            for (t, s) in total.iter_mut().zip(scores) {
                *t += weight * s;
            }
        };
        // NodeResourcesFit (LeastAllocated) and BalancedAllocation, on the node's own
        // scale.
        add(
            WEIGHT_FIT,
            raw(&|n| {
                let node = &self.cluster.nodes[n as usize];
                let s = &state.nodes[n as usize];
                let cpu = (s.cpu - workload.cpu) * 100 / node.cpu.max(1);
                let memory = (s.memory - workload.memory) * 100 / node.memory.max(1);
                (cpu + memory) / 2
            }),
        );
        add(
            WEIGHT_BALANCE,
            raw(&|n| {
                let node = &self.cluster.nodes[n as usize];
                let s = &state.nodes[n as usize];
                let cpu = (node.cpu - s.cpu + workload.cpu) * 100 / node.cpu.max(1);
                let memory = (node.memory - s.memory + workload.memory) * 100 / node.memory.max(1);
                100 - (cpu - memory).abs()
            }),
        );
        // TaintToleration: fewer untolerated PreferNoSchedule taints is better.
        add(
            WEIGHT_TAINTS,
            reverse(&normalize(&raw(&|n| {
                let node = &self.cluster.nodes[n as usize];
                let count = node
                    .taints
                    .iter()
                    .filter(|t| t.effect == "PreferNoSchedule" && !tolerated(&p.tolerations, t))
                    .count();
                i64::try_from(count).unwrap_or(i64::MAX)
            }))),
        );
        if !p.preferred_node_terms.is_empty() {
            add(
                WEIGHT_NODE_AFFINITY,
                normalize(&raw(&|n| {
                    let node = &self.cluster.nodes[n as usize];
                    p.preferred_node_terms
                        .iter()
                        .filter(|(_, term)| term_matches(term, node))
                        .map(|(weight, _)| *weight)
                        .sum()
                })),
            );
        }
        if !p.preferred_affinity.is_empty() || !p.preferred_anti_affinity.is_empty() {
            let scores = raw(&|n| {
                let mut score = 0;
                for (terms, sign) in [(&p.preferred_affinity, 1), (&p.preferred_anti_affinity, -1)]
                {
                    for term in terms {
                        if let Some(domain) = self.domain(&term.topology_key, n) {
                            let here =
                                self.count_in_domain(state, term, &term.topology_key, domain);
                            score += sign * term.weight * here;
                        }
                    }
                }
                score
            });
            add(WEIGHT_POD_AFFINITY, min_max(&scores));
        }
        let soft: Vec<(&Spread, &SpreadCounts)> = p
            .spread
            .iter()
            .zip(spread)
            .filter(|(c, _)| !c.hard)
            .collect();
        if !soft.is_empty() {
            let scores = raw(&|n| {
                soft.iter()
                    .map(|(c, counts)| {
                        self.domain(&c.topology_key, n)
                            .and_then(|d| counts.per_domain.get(d as usize).copied())
                            .unwrap_or(0)
                    })
                    .sum()
            });
            add(WEIGHT_SPREAD, reverse(&min_max(&scores)));
        }
        let mut best = 0;
        for i in 1..feasible.len() {
            if total[i] > total[best] {
                best = i;
            }
        }
        feasible[best]
    }
}

#[derive(Debug, Clone, Default)]
struct SpreadCounts {
    per_domain: Vec<i64>,
    min: i64,
}

/// Scores scaled so the highest is 100 (all 0 stay 0).
fn normalize(scores: &[i64]) -> Vec<i64> {
    let max = scores.iter().copied().max().unwrap_or(0);
    scores
        .iter()
        .map(|s| if max > 0 { s * 100 / max } else { 0 })
        .collect()
}

/// Scores mapped onto 0-100 between their lowest and highest.
fn min_max(scores: &[i64]) -> Vec<i64> {
    let max = scores.iter().copied().max().unwrap_or(0);
    let min = scores.iter().copied().min().unwrap_or(0);
    scores
        .iter()
        .map(|s| {
            if max > min {
                (s - min) * 100 / (max - min)
            } else {
                0
            }
        })
        .collect()
}

fn reverse(scores: &[i64]) -> Vec<i64> {
    scores.iter().map(|s| 100 - s).collect()
}

/// The node selector and required node affinity.
fn node_affinity_matches(workload: &Workload<'_>, node: &Node) -> bool {
    let p = &workload.placement;
    p.node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v))
        && (p.node_terms.is_empty() || p.node_terms.iter().any(|t| term_matches(t, node)))
}

/// A node selector term: every expression and field holds (an empty term matches no
/// node, as the API says).
fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let expressions = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    expressions
        .iter()
        .all(|e| requirement_holds(e, node.labels.get(&e.key).map(String::as_str)))
        && fields.iter().all(|e| {
            let value = (e.key == "metadata.name").then_some(node.name.as_str());
            requirement_holds(e, value)
        })
}

fn requirement_holds(requirement: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = requirement.values.as_deref().unwrap_or(&[]);
    let listed = |v: &str| values.iter().any(|x| x == v);
    let number = |v: &str| v.parse::<i64>().ok();
    match requirement.operator.as_str() {
        "In" => value.is_some_and(listed),
        "NotIn" => value.is_none_or(|v| !listed(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(number),
                values.first().and_then(|b| number(b)),
            ) else {
                return false;
            };
            if requirement.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// Every `NoSchedule` and `NoExecute` taint of the node is tolerated.
fn tolerates_all(tolerations: &[Toleration], node: &Node) -> bool {
    node.taints
        .iter()
        .filter(|t| t.effect != "PreferNoSchedule")
        .all(|t| tolerated(tolerations, t))
}

/// Whether a toleration matches the taint, as the API defines it.
#[must_use]
pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect = t.effect.as_deref().unwrap_or("");
        let key = t.key.as_deref().unwrap_or("");
        let exists = t.operator.as_deref() == Some("Exists");
        (effect.is_empty() || effect == taint.effect)
            && (key.is_empty() && exists || key == taint.key)
            && (exists || t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""))
    })
}
