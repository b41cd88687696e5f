//! The generator reaches every feature it promises, and every spec it makes loads.
//!
//! Features are counted on the loaded `AppSpec`, not on the generator's own plan, so a
//! feature the text fails to say (or says in a way the loader reads otherwise) is not
//! counted.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use shipshape_spec::{AppSpec, ComponentKind, Provider, ServiceType};

const CASES: usize = 300;

/// Generated specs from a fixed seed, so the counts are the same on every run.
fn generated() -> Vec<shipshape_spec_strategy::GeneratedSpec> {
    let mut runner = TestRunner::deterministic();
    let strategy = shipshape_spec_strategy::spec();
    (0..CASES)
        .map(|_| strategy.new_tree(&mut runner).expect("a case").current())
        .collect()
}

fn load(text: &str, environment: Option<&str>) -> AppSpec {
    match shipshape_spec::load_str("shipshape.yaml", text, Path::new("."), environment) {
        Ok(loaded) => loaded.spec,
        Err(d) => panic!(
            "{text}\ndoes not load ({environment:?}):\n{}",
            d.render(false)
        ),
    }
}

/// The features one spec reaches, by name.
fn features(spec: &AppSpec) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |f: String| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    for c in spec.components.values() {
        add(format!("kind {}", c.kind));
        for target in c.needs.0.keys() {
            add(format!("need from {}", c.kind));
            match spec.components.get(target) {
                Some(callee) => add(format!("need -> {}", callee.kind)),
                None => add("need -> backing service".to_owned()),
            }
        }
        if !c.needs.0.is_empty() && c.needs.0.values().all(|o| o.is_empty()) {
            add("needs as a list".to_owned());
        }
        if c.needs.0.values().any(|o| !o.is_empty()) {
            add("needs with outputs".to_owned());
        }
        if let Some(e) = &c.expose {
            let route = if e.gateway.is_some() {
                "gateway"
            } else {
                "ingress"
            };
            add(format!("expose {route} {:?}", e.protocol));
            if e.hosts().len() > 1 {
                add("expose several hosts".to_owned());
            }
            let shared = spec.components.values().filter(|o| {
                o.expose
                    .as_ref()
                    .is_some_and(|x| x.hosts().iter().any(|h| e.hosts().contains(h)))
            });
            if shared.count() > 1 {
                add("expose a host shared with another component".to_owned());
            }
            if let Some(i) = &e.ingress {
                for (set, what) in [
                    (i.websocket, "websocket"),
                    (i.streaming, "streaming"),
                    (i.body_size.is_some(), "body size"),
                ] {
                    if set {
                        add(format!("ingress {what}"));
                    }
                }
            }
        }
        if !c.pools.is_empty() {
            add("component pools".to_owned());
        }
        if c.metrics.is_some() {
            add("metrics".to_owned());
        }
        if let Some(m) = &c.migrations {
            add(if m.on_start {
                "migrations on start".to_owned()
            } else {
                "migrations job".to_owned()
            });
        }
        if !c.peers.is_empty() {
            add("peers".to_owned());
        }
        if let Some(serves) = &c.serves {
            add("serves".to_owned());
            if serves.iter().any(|p| c.peers.contains(p)) {
                add("serves a peer port".to_owned());
            }
        }
        if c.ports
            .values()
            .any(|p| p.0.app_protocol.as_deref() == Some("grpc"))
        {
            add("grpc port".to_owned());
        }
        if matches!(c.replicas, Some(r) if r.is_range()) {
            add("autoscale".to_owned());
        }
        if c.kind == ComponentKind::Cron {
            add(format!("cron deadlines {}", c.deadline.is_some()));
        }
    }
    for s in spec.services.values() {
        let provider = s.provider();
        add(format!("service {} {provider}", s.kind));
        if let Some(b) = &s.backup {
            let to = if b.to_pvc() { "pvc" } else { "s3" };
            add(format!("backup {} {provider} to {to}", s.kind));
        }
        if s.pool.is_some() {
            add("pool".to_owned());
        }
    }
    if !spec.default_deny {
        add("default deny off".to_owned());
    }
    for secret in spec.secrets.values() {
        let how = match (&secret.generate, &secret.existing) {
            (Some(_), _) => "generated",
            (None, Some(_)) => "existing",
            (None, None) => "external",
        };
        add(format!("secret {how}"));
    }
    out
}

#[test]
fn every_generated_spec_loads_in_every_environment() {
    for g in generated() {
        load(&g.text, None);
        for e in &g.environments {
            load(&g.text, Some(e));
        }
    }
}

#[test]
fn the_generator_reaches_every_feature() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut environments = 0;
    for g in generated() {
        for f in features(&load(&g.text, None)) {
            *counts.entry(f).or_default() += 1;
        }
        environments += usize::from(!g.environments.is_empty());
    }
    counts.insert("environments".to_owned(), environments);
    let mut expected: Vec<String> = [
        "kind service",
        "kind worker",
        "kind stateful",
        "kind job",
        "kind cron",
        "need from service",
        "need from worker",
        "need from stateful",
        "need from job",
        "need from cron",
        "need -> service",
        "need -> stateful",
        "need -> backing service",
        "needs as a list",
        "needs with outputs",
        "expose ingress Http",
        "expose ingress Grpc",
        "expose gateway Http",
        "expose gateway Grpc",
        "expose several hosts",
        "expose a host shared with another component",
        "ingress websocket",
        "ingress streaming",
        "ingress body size",
        "component pools",
        "metrics",
        "migrations job",
        "migrations on start",
        "peers",
        "serves",
        "serves a peer port",
        "default deny off",
        "grpc port",
        "autoscale",
        "cron deadlines true",
        "cron deadlines false",
        "pool",
        "secret generated",
        "secret existing",
        "secret external",
        "environments",
    ]
    .map(str::to_owned)
    .to_vec();
    for (kind, provider) in [
        (ServiceType::Postgres, Provider::External),
        (ServiceType::Postgres, Provider::Statefulset),
        (ServiceType::Postgres, Provider::CloudnativePg),
        (ServiceType::Postgres, Provider::Zalando),
        (ServiceType::Etcd, Provider::Statefulset),
        (ServiceType::Redis, Provider::External),
        (ServiceType::Redis, Provider::Statefulset),
        (ServiceType::S3, Provider::External),
    ] {
        expected.push(format!("service {kind} {provider}"));
    }
    for backup in [
        "backup postgres external to pvc",
        "backup postgres external to s3",
        "backup postgres statefulset to pvc",
        "backup postgres statefulset to s3",
        "backup postgres cloudnative-pg to s3",
        "backup etcd statefulset to pvc",
        "backup etcd statefulset to s3",
    ] {
        expected.push(backup.to_owned());
    }
    let table: Vec<String> = counts.iter().map(|(f, n)| format!("{n:4} {f}")).collect();
    eprintln!("{}", table.join("\n"));
    // Each feature in at least one case in 60: rare enough features would leave the
    // properties that run over the generator untested on them.
    let rare: Vec<&String> = expected
        .iter()
        .filter(|f| counts.get(*f).copied().unwrap_or(0) < CASES / 60)
        .collect();
    assert!(
        rare.is_empty(),
        "reached too rarely: {rare:?}\n{}",
        table.join("\n")
    );
    // Nothing the generator makes goes uncounted: a new feature joins the list above.
    let unlisted: Vec<&String> = counts.keys().filter(|f| !expected.contains(f)).collect();
    assert!(unlisted.is_empty(), "not in the list: {unlisted:?}");
}
