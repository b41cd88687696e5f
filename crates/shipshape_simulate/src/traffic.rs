//! Who may reach whom on which port under the NetworkPolicies, held against the calls
//! the workloads declare. Every answer comes from the model's evaluation
//! ([`NetworkPolicies::reach`]); this module only decides which questions to ask and
//! what the answers break.
//!
//! A declared call is a Service port a pod names in its environment (the model's
//! [`dependencies`](shipshape_manifest::PodTemplate::dependencies)), sent to every pod
//! template behind that port on the container port the Service targets. A declared call
//! the policies drop is an error (for pods that run until stopped). An ingress rule is
//! over-wide when it admits any pod of any namespace on a port no route sends to, or
//! ports that no container declares and no call uses; see docs/simulate.md, "Traffic",
//! for the exact questions asked. Calls the policies admit that no env declares are
//! listed, not judged: an app also finds its peers through config files and
//! discovery, which the manifests do not spell out.

use std::collections::{BTreeSet, HashMap, HashSet};

use shipshape_manifest::network_policy::{
    Decision, Direction, Endpoint, NetworkPolicies, NetworkPolicy, Port, Protocol, RuleRef,
};
use shipshape_manifest::routes::{self, Resolution};
use shipshape_manifest::{ModelIndex, PodTemplate};

use crate::report::{Call, Finding, Opening, Passage, Severity, Traffic};
use crate::workload::{display, qualified};

/// The namespace of the pod that stands for "any pod of any namespace": no namespace
/// can have this name, so only a rule that admits namespaces the set cannot name (an
/// empty `namespaceSelector`, a `NotIn`, no `from`) admits it.
pub const ANY_NAMESPACE: &str = "(any namespace)";

/// What the traffic scenario reports a source as when it is [`ANY_NAMESPACE`]'s pod.
const ANY_POD: &str = "any pod of any namespace";

/// One declared call: `from` names a Service port whose traffic reaches `to`'s pods on
/// `port`.
struct Declared {
    from: usize,
    to: usize,
    port: Port,
    via: String,
}

/// Traffic the policies let through beyond the declared calls, by the ingress rule that
/// admits it.
#[derive(Default)]
struct Excess {
    sources: BTreeSet<(bool, String)>,
    ports: BTreeSet<i64>,
    other_ports: bool,
}

/// The traffic matrix of `index`, with a finding for each declared call the policies
/// drop (an error) and each over-wide ingress rule (a warning).
#[must_use]
pub fn matrix(index: &ModelIndex<'_>, findings: &mut Vec<Finding>) -> Traffic {
    let templates: &[PodTemplate<'_>] = index.pod_templates();
    let names: Vec<String> = templates.iter().map(|t| display(t.object)).collect();
    let endpoints: Vec<Endpoint<'_>> = templates.iter().map(Endpoint::of_template).collect();
    let at: HashMap<usize, usize> = templates
        .iter()
        .enumerate()
        .map(|(i, t)| (t.object.index(), i))
        .collect();
    let policies = NetworkPolicies::of_model(index);

    let declared = declared_calls(index, templates, &at);
    let routed = routed_ports(index, &at);
    let declared_set: HashSet<(usize, usize, i64, Protocol)> = declared
        .iter()
        .map(|d| (d.from, d.to, d.port.number, d.port.protocol))
        .collect();

    let mut calls = Vec::new();
    for call in &declared {
        let verdict = policies.reach(&endpoints[call.from], &endpoints[call.to], call.port);
        let passage = passage(&verdict.egress, &verdict.ingress);
        let denied = match (&verdict.egress, &verdict.ingress) {
            (Decision::Denied(isolating), _) => Some(("egress", isolating)),
            (_, Decision::Denied(isolating)) => Some(("ingress", isolating)),
            _ => None,
        };
        // Jobs carry their app's whole env and often never make those calls (a
        // migration Job has its component's gossip seeds): only pods that run until
        // stopped are held to theirs.
        if let Some((side, isolating)) = denied.filter(|_| templates[call.from].is_long_running()) {
            findings.push(Finding {
                severity: Severity::Error,
                scenario: "traffic".to_owned(),
                workload: names[call.from].clone(),
                message: format!(
                    "{} calls {} on port {}/{}, but {} restricts its {side} and no rule admits it: every call times out; add a rule for this port and peer",
                    call.via,
                    names[call.to],
                    call.port.number,
                    call.port.protocol.as_str(),
                    policy_list(isolating),
                ),
            });
        }
        calls.push(Call {
            from: names[call.from].clone(),
            to: names[call.to].clone(),
            port: call.port.number,
            protocol: call.port.protocol.as_str().to_owned(),
            declared: Some(call.via.clone()),
            passage,
        });
    }

    let any_pod = Endpoint::new(ANY_NAMESPACE, None);
    let mut unrestricted = Vec::new();
    let mut over_wide = Vec::new();
    for (w, receiver) in templates.iter().enumerate() {
        if !receiver.is_long_running() {
            continue;
        }
        let to = &endpoints[w];
        if policies.isolating(to, Direction::Ingress).is_empty() {
            unrestricted.push(names[w].clone());
            continue;
        }
        let ports = receiver_ports(to, &declared, &routed, w);
        let others = other_ports(&ports);
        let mut excess: Vec<(RuleRef<'_>, Excess)> = Vec::new();
        let probes = ports
            .iter()
            .map(|p| (*p, false))
            .chain(others.iter().map(|p| (*p, true)));
        for (port, other) in probes {
            let verdict = policies.reach(&any_pod, to, port);
            if let Decision::Admitted(rule) = verdict.ingress
                && (other || !routed.contains(&(w, port.number, port.protocol)))
            {
                note(&mut excess, rule, (false, ANY_POD.to_owned()), port, other);
            }
            for (c, from) in endpoints.iter().enumerate() {
                if c == w {
                    continue;
                }
                let verdict = policies.reach(from, to, port);
                let Decision::Admitted(rule) = verdict.ingress else {
                    continue;
                };
                if !verdict.egress.admits() {
                    continue;
                }
                if other {
                    note(&mut excess, rule, (true, names[c].clone()), port, true);
                } else if !declared_set.contains(&(c, w, port.number, port.protocol)) {
                    calls.push(Call {
                        from: names[c].clone(),
                        to: names[w].clone(),
                        port: port.number,
                        protocol: port.protocol.as_str().to_owned(),
                        declared: None,
                        passage: Passage::Admitted,
                    });
                }
            }
        }
        for (rule, excess) in excess {
            let opening = opening(&names[w], rule, excess, &declared, &names, w);
            findings.push(Finding {
                severity: Severity::Warning,
                scenario: "traffic".to_owned(),
                workload: names[w].clone(),
                message: over_wide_message(&opening),
            });
            over_wide.push(opening);
        }
    }
    Traffic {
        calls,
        unrestricted,
        over_wide,
    }
}

/// Adds what `rule` lets through beyond the declared calls to its entry in `excess`.
fn note<'p>(
    excess: &mut Vec<(RuleRef<'p>, Excess)>,
    rule: RuleRef<'p>,
    source: (bool, String),
    port: Port,
    other: bool,
) {
    let i = match excess.iter().position(|(r, _)| *r == rule) {
        Some(i) => i,
        None => {
            excess.push((rule, Excess::default()));
            excess.len() - 1
        }
    };
    let entry = &mut excess[i].1;
    entry.sources.insert(source);
    if other {
        entry.other_ports = true;
    } else {
        entry.ports.insert(port.number);
    }
}

/// Every Service port each pod template names in its environment, sent to each pod
/// template behind it, once per caller, callee and port.
fn declared_calls(
    index: &ModelIndex<'_>,
    templates: &[PodTemplate<'_>],
    at: &HashMap<usize, usize>,
) -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    let mut seen = HashSet::new();
    for (from, template) in templates.iter().enumerate() {
        for dependency in template.dependencies(index) {
            let Some(protocol) = Protocol::parse(dependency.port.protocol()) else {
                continue;
            };
            for callee in dependency.port.pods(index) {
                let (Some(&to), Some(number)) = (
                    at.get(&callee.object.index()),
                    dependency.port.endpoint_port(callee),
                ) else {
                    continue;
                };
                if !seen.insert((from, to, number, protocol)) {
                    continue;
                }
                out.push(Declared {
                    from,
                    to,
                    port: Port { number, protocol },
                    via: format!(
                        "`{}` ({} port {})",
                        dependency.variable,
                        display(dependency.port.service),
                        dependency.port.value["port"].as_i64().unwrap_or_default()
                    ),
                });
            }
        }
    }
    out
}

/// `(pod template, container port, protocol)` of every Ingress or Gateway route
/// backend: traffic from outside the set (an ingress controller, wherever it runs).
fn routed_ports(
    index: &ModelIndex<'_>,
    at: &HashMap<usize, usize>,
) -> HashSet<(usize, i64, Protocol)> {
    let mut out = HashSet::new();
    for backend in routes::backends(index) {
        let Resolution::Port(port) = routes::resolve(index, &backend) else {
            continue;
        };
        let Some(protocol) = Protocol::parse(port.protocol()) else {
            continue;
        };
        for pod in port.pods(index) {
            if let (Some(&w), Some(number)) = (at.get(&pod.object.index()), port.endpoint_port(pod))
            {
                out.insert((w, number, protocol));
            }
        }
    }
    out
}

/// The ports a receiver is asked about: those its containers declare, those declared
/// calls and routes send to, in order, each once.
fn receiver_ports(
    to: &Endpoint<'_>,
    declared: &[Declared],
    routed: &HashSet<(usize, i64, Protocol)>,
    w: usize,
) -> Vec<Port> {
    let mut ports: Vec<Port> = to
        .ports
        .iter()
        .map(|p| Port {
            number: p.number,
            protocol: p.protocol,
        })
        .chain(declared.iter().filter(|d| d.to == w).map(|d| d.port))
        .chain(routed.iter().filter(|r| r.0 == w).map(|r| Port {
            number: r.1,
            protocol: r.2,
        }))
        .collect();
    ports.sort_by_key(|p| (p.number, p.protocol.as_str()));
    ports.dedup();
    ports
}

/// Two TCP ports the receiver neither declares nor is called on: the lowest and the
/// highest. A rule that admits either admits ports nobody said are in use (a rule
/// without `ports` admits both).
fn other_ports(ports: &[Port]) -> Vec<Port> {
    let used = |n: i64| {
        ports
            .iter()
            .any(|p| p.number == n && p.protocol == Protocol::Tcp)
    };
    let low = (1..=65_535).find(|n| !used(*n));
    let high = (1..=65_535).rev().find(|n| !used(*n));
    let mut out: Vec<Port> = low.into_iter().chain(high).map(Port::tcp).collect();
    out.dedup();
    out
}

fn opening(
    receiver: &str,
    rule: RuleRef<'_>,
    excess: Excess,
    declared: &[Declared],
    names: &[String],
    w: usize,
) -> Opening {
    let mut callers: Vec<String> = declared
        .iter()
        .filter(|d| d.to == w)
        .map(|d| format!("{} on {}", names[d.from], d.port.number))
        .collect();
    callers.dedup();
    Opening {
        workload: receiver.to_owned(),
        rule: format!("{} ingress[{}]", policy_name(rule.policy), rule.rule),
        any_namespace: excess.sources.iter().any(|(in_set, _)| !in_set),
        admits: excess
            .sources
            .into_iter()
            .filter(|(in_set, _)| *in_set)
            .map(|(_, name)| name)
            .collect(),
        ports: excess.ports.into_iter().collect(),
        other_ports: excess.other_ports,
        declared: callers,
    }
}

fn over_wide_message(opening: &Opening) -> String {
    let mut who: Vec<String> = Vec::new();
    if opening.any_namespace {
        who.push(ANY_POD.to_owned());
    }
    if !opening.admits.is_empty() {
        who.push(opening.admits.join(", "));
    }
    let mut ports: Vec<String> = opening.ports.iter().map(i64::to_string).collect();
    if opening.other_ports {
        ports.push("ports no container declares".to_owned());
    }
    let declared = if opening.declared.is_empty() {
        "no call to it is declared".to_owned()
    } else {
        format!("the declared calls are {}", opening.declared.join(", "))
    };
    format!(
        "{} admits {} on {}, wider than any declared use ({declared}); narrow its `from` to the callers and its `ports` to the ports they use",
        opening.rule,
        who.join(" and "),
        ports.join(", "),
    )
}

/// How both sides together decide a call.
fn passage(egress: &Decision<'_>, ingress: &Decision<'_>) -> Passage {
    if !egress.may_admit() || !ingress.may_admit() {
        Passage::Denied
    } else if egress.admits() && ingress.admits() {
        Passage::Admitted
    } else {
        Passage::ByAddress
    }
}

/// `NetworkPolicy/name`, with the namespace outside `default`.
fn policy_name(policy: &NetworkPolicy<'_>) -> String {
    qualified("NetworkPolicy", policy.namespace(), policy.name())
}

fn policy_list(policies: &[&NetworkPolicy<'_>]) -> String {
    policies
        .iter()
        .map(|p| policy_name(p))
        .collect::<Vec<_>>()
        .join(", ")
}
