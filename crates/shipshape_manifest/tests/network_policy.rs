//! NetworkPolicy evaluation, one table per rule of the API's semantics.

use serde_json::{Map, Value, json};
use shipshape_manifest::network_policy::{
    ContainerPort, Decision, Direction, Endpoint, NetworkPolicies, NetworkPolicy, Port, Protocol,
};

fn policy(namespace: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    })
}

fn namespace(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

fn labels(value: &Value) -> Option<&Map<String, Value>> {
    value.as_object()
}

/// A pod declaring `http` 8080/TCP, `metrics` 9090/TCP and `syslog` 514/UDP.
fn pod<'a>(namespace: &'a str, pod_labels: &'a Value) -> Endpoint<'a> {
    let port = |name, number, protocol| ContainerPort {
        name: Some(name),
        number,
        protocol,
    };
    Endpoint {
        ports: vec![
            port("http", 8080, Protocol::Tcp),
            port("metrics", 9090, Protocol::Tcp),
            port("syslog", 514, Protocol::Udp),
        ],
        ..Endpoint::new(namespace, labels(pod_labels))
    }
}

/// Names of policies, "namespace/name".
fn names(policies: &[&NetworkPolicy<'_>]) -> Vec<String> {
    policies
        .iter()
        .map(|p| format!("{}/{}", p.namespace(), p.name()))
        .collect()
}

/// What decided, in one line: "unrestricted", "admitted by shop/web egress[1]", "by
/// address: shop/web egress[0]" or "denied by shop/a, shop/b".
fn shown(decision: &Decision<'_>, direction: Direction) -> String {
    match decision {
        Decision::Unrestricted => "unrestricted".to_owned(),
        Decision::Admitted(rule) => format!(
            "admitted by {}/{} {}[{}]",
            rule.policy.namespace(),
            rule.policy.name(),
            direction.policy_type().to_lowercase(),
            rule.rule
        ),
        Decision::ByAddress(rule) => format!(
            "by address: {}/{} {}[{}]",
            rule.policy.namespace(),
            rule.policy.name(),
            direction.policy_type().to_lowercase(),
            rule.rule
        ),
        Decision::Denied(policies) => format!("denied by {}", names(policies).join(", ")),
    }
}

#[test]
fn policy_types_default_to_ingress_and_to_egress_when_there_are_egress_rules() {
    let web = json!({"app": "web"});
    let cases = [
        (json!({"podSelector": {}}), true, false),
        (json!({"podSelector": {}, "egress": [{}]}), true, true),
        (json!({"podSelector": {}, "egress": []}), true, false),
        (
            json!({"podSelector": {}, "policyTypes": ["Egress"]}),
            false,
            true,
        ),
        (
            json!({"podSelector": {}, "policyTypes": ["Egress"], "ingress": [{}]}),
            false,
            true,
        ),
        (
            json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
            true,
            true,
        ),
    ];
    for (spec, ingress, egress) in cases {
        let objects = [policy("shop", "p", spec.clone())];
        let set = NetworkPolicies::new(&objects);
        let pod = pod("shop", &web);
        let isolated = |d| !set.isolating(&pod, d).is_empty();
        assert_eq!(
            (isolated(Direction::Ingress), isolated(Direction::Egress)),
            (ingress, egress),
            "{spec}"
        );
    }
}

#[test]
fn only_policies_of_the_pods_namespace_that_select_it_isolate_it() {
    let objects = [
        policy(
            "shop",
            "web",
            json!({"podSelector": {"matchLabels": {"app": "web"}}}),
        ),
        policy(
            "shop",
            "db",
            json!({"podSelector": {"matchLabels": {"app": "db"}}}),
        ),
        policy("other", "all", json!({"podSelector": {}})),
        policy(
            "shop",
            "not-db",
            json!({"podSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["db"]}]}}),
        ),
        // The API server decodes a missing podSelector as the empty one.
        policy("shop", "missing", json!({})),
        // Same kind name, another group: Calico's own policy is not this one.
        json!({
            "apiVersion": "projectcalico.org/v3",
            "kind": "NetworkPolicy",
            "metadata": {"name": "calico", "namespace": "shop"},
            "spec": {"selector": "all()"},
        }),
    ];
    let set = NetworkPolicies::new(&objects);
    let web = json!({"app": "web"});
    assert_eq!(
        names(&set.selecting(&pod("shop", &web))),
        ["shop/web", "shop/not-db", "shop/missing"]
    );
    let unlabelled = Endpoint::new("shop", None);
    assert_eq!(
        names(&set.selecting(&unlabelled)),
        ["shop/not-db", "shop/missing"]
    );
    let host = Endpoint {
        host_network: true,
        ..pod("shop", &web)
    };
    assert_eq!(names(&set.selecting(&host)).len(), 3);
    assert!(set.isolating(&host, Direction::Ingress).is_empty());
}

#[test]
fn traffic_needs_the_senders_egress_and_the_receivers_ingress() {
    let web = json!({"app": "web"});
    let db = json!({"app": "db"});
    let egress_to_db = policy(
        "shop",
        "web",
        json!({
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}]}],
        }),
    );
    let db_deny = policy(
        "shop",
        "db",
        json!({"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"]}),
    );
    let db_from_web = policy(
        "shop",
        "db-from-web",
        json!({
            "podSelector": {"matchLabels": {"app": "db"}},
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}],
        }),
    );
    let cases = [
        (vec![], "unrestricted", "unrestricted", true),
        (
            vec![egress_to_db.clone()],
            "admitted by shop/web egress[0]",
            "unrestricted",
            true,
        ),
        (
            vec![egress_to_db.clone(), db_deny.clone()],
            "admitted by shop/web egress[0]",
            "denied by shop/db",
            false,
        ),
        (
            vec![egress_to_db, db_deny, db_from_web],
            "admitted by shop/web egress[0]",
            "admitted by shop/db-from-web ingress[0]",
            true,
        ),
    ];
    for (objects, egress, ingress, admits) in cases {
        let set = NetworkPolicies::new(&objects);
        let verdict = set.reach(&pod("shop", &web), &pod("shop", &db), Port::tcp(5432));
        assert_eq!(shown(&verdict.egress, Direction::Egress), egress);
        assert_eq!(shown(&verdict.ingress, Direction::Ingress), ingress);
        assert_eq!(verdict.admits(), admits);
        // The other way round, the web pods' egress policy does not apply.
        let back = set.reach(&pod("shop", &db), &pod("shop", &web), Port::tcp(8080));
        assert_eq!(back.egress, Decision::Unrestricted);
    }
}

#[test]
fn rules_peers_and_ports_are_alternatives_and_empty_lists_mean_all() {
    let web = json!({"app": "web"});
    let api = json!({"app": "api"});
    let admin = json!({"app": "admin"});
    let cases = [
        (json!([]), None, None, None),
        (json!([{}]), Some(0), Some(0), Some(0)),
        (
            json!([{"from": [], "ports": []}]),
            Some(0),
            Some(0),
            Some(0),
        ),
        (
            json!([
                {"from": [{"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": 9999}]},
                {"from": [{"podSelector": {"matchLabels": {"app": "admin"}}}, {"podSelector": {"matchLabels": {"app": "api"}}}],
                 "ports": [{"port": 9090}, {"port": 8080}]},
            ]),
            Some(1),
            None,
            Some(1),
        ),
        (
            json!([{"ports": [{"port": 8080}]}, {"from": [{"podSelector": {"matchLabels": {"app": "admin"}}}]}]),
            Some(0),
            Some(0),
            Some(0),
        ),
    ];
    for (ingress, from_api, from_web, from_admin) in cases {
        let objects = [policy(
            "shop",
            "web",
            json!({"podSelector": {"matchLabels": {"app": "web"}}, "ingress": ingress}),
        )];
        let set = NetworkPolicies::new(&objects);
        let to = pod("shop", &web);
        let rule = |from: &Value| match set.reach(&pod("shop", from), &to, Port::tcp(8080)).ingress
        {
            Decision::Admitted(rule) => Some(rule.rule),
            Decision::Denied(_) => None,
            Decision::Unrestricted | Decision::ByAddress(_) => {
                panic!("the web pods are isolated and no rule has an address block")
            }
        };
        assert_eq!(
            (rule(&api), rule(&web), rule(&admin)),
            (from_api, from_web, from_admin),
            "{ingress}"
        );
    }
}

#[test]
fn pod_and_namespace_selectors_pick_peers_alone_and_together() {
    let objects = [
        namespace("ops", json!({"team": "platform"})),
        namespace(
            "labelled",
            json!({"kubernetes.io/metadata.name": "spoofed", "team": "shop"}),
        ),
    ];
    let peer = |selector: Value| {
        policy(
            "shop",
            "web",
            json!({"podSelector": {}, "ingress": [{"from": [selector]}]}),
        )
    };
    let prom = json!({"app": "prometheus"});
    let other = json!({"app": "other"});
    let callers = [
        ("shop", &prom),
        ("ops", &prom),
        ("ops", &other),
        ("absent", &prom),
        ("labelled", &prom),
    ];
    let cases = [
        (
            json!({"podSelector": {"matchLabels": {"app": "prometheus"}}}),
            [true, false, false, false, false],
        ),
        (
            json!({"namespaceSelector": {"matchLabels": {"team": "platform"}}}),
            [false, true, true, false, false],
        ),
        (
            json!({"namespaceSelector": {"matchLabels": {"team": "platform"}},
                   "podSelector": {"matchLabels": {"app": "prometheus"}}}),
            [false, true, false, false, false],
        ),
        (
            json!({"namespaceSelector": {}}),
            [true, true, true, true, true],
        ),
        (
            json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "absent"}}}),
            [false, false, false, true, false],
        ),
        // The API server sets the name label: a Namespace cannot claim another name.
        (
            json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "labelled"}}}),
            [false, false, false, false, true],
        ),
        (
            json!({"namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "Exists"}]}}),
            [false, true, true, false, true],
        ),
        (json!({}), [false; 5]),
    ];
    for (selector, expected) in cases {
        let mut all = objects.to_vec();
        all.push(peer(selector.clone()));
        let set = NetworkPolicies::new(&all);
        let web = json!({"app": "web"});
        let to = pod("shop", &web);
        let admitted =
            callers.map(|(ns, labels)| set.reach(&pod(ns, labels), &to, Port::tcp(8080)).admits());
        assert_eq!(admitted, expected, "{selector}");
    }
}

#[test]
fn ip_blocks_hold_addresses_outside_the_cluster_not_pods() {
    let objects = [policy(
        "shop",
        "web",
        json!({
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "bad"]}}]},
                {"to": [{"ipBlock": {"cidr": "2001:db8::/32"}}], "ports": [{"port": 443}]},
                {"to": [{"ipBlock": {"cidr": "not-a-block"}}]},
                {"to": [{"podSelector": {}}], "ports": [{"port": "metrics"}]},
            ],
            "ingress": [{"from": [{"ipBlock": {"cidr": "192.0.2.0/24"}}]}],
        }),
    )];
    let set = NetworkPolicies::new(&objects);
    let web = json!({"app": "web"});
    let from = pod("shop", &web);
    let cases = [
        ("10.2.3.4", 80, true),
        ("10.1.3.4", 80, false),
        ("11.0.0.1", 80, false),
        ("2001:db8::1", 443, true),
        ("2001:db8::1", 80, false),
        // A named port belongs to a pod: no address outside the cluster declares it.
        ("10.1.3.4", 9090, false),
    ];
    for (address, port, admits) in cases {
        let decision = set.reach_address(&from, address.parse().unwrap(), Port::tcp(port));
        assert_eq!(decision.admits(), admits, "{address}:{port}");
    }
    // Whether a block covers a pod is open: pod addresses are not modelled. The first
    // valid block on the port is the rule that may admit it.
    let verdict = set.reach(&from, &pod("shop", &web), Port::tcp(80));
    assert_eq!(
        shown(&verdict.egress, Direction::Egress),
        "by address: shop/web egress[0]"
    );
    assert_eq!(
        shown(&verdict.ingress, Direction::Ingress),
        "by address: shop/web ingress[0]"
    );
    assert!(!verdict.admits());
    assert!(verdict.may_admit());
    // The named port admits the pod by its labels, which beats an address block.
    let verdict = set.reach(&from, &pod("shop", &web), Port::tcp(9090));
    assert_eq!(
        shown(&verdict.egress, Direction::Egress),
        "admitted by shop/web egress[3]"
    );
    // A block that is not CIDR notation holds no address, a pod's included.
    let broken = json!({"podSelector": {}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "not-a-block"}}]}]});
    let objects = [policy("shop", "broken", broken)];
    let broken = NetworkPolicies::new(&objects);
    let verdict = broken.reach(&from, &pod("shop", &web), Port::tcp(80));
    assert_eq!(
        shown(&verdict.egress, Direction::Egress),
        "denied by shop/broken"
    );
    let inbound = |address: &str| {
        set.reach_from_address(address.parse().unwrap(), &from, Port::tcp(8080))
            .admits()
    };
    assert!(inbound("192.0.2.77"));
    assert!(!inbound("198.51.100.1"));
}

#[test]
fn ports_match_by_number_range_name_and_protocol() {
    let cases = [
        (
            json!({"port": 8080}),
            [true, false, false, false, false, false],
        ),
        (
            json!({"port": 8080, "protocol": "TCP"}),
            [true, false, false, false, false, false],
        ),
        (
            json!({"port": 514, "protocol": "UDP"}),
            [false, false, true, false, false, false],
        ),
        (
            json!({"port": 8000, "endPort": 9000}),
            [true, false, false, false, false, true],
        ),
        (json!({"port": 8000, "endPort": 7000}), [false; 6]),
        (
            json!({"protocol": "UDP"}),
            [false, true, true, true, false, false],
        ),
        (
            json!({"protocol": "SCTP"}),
            [false, false, false, false, true, false],
        ),
        (
            json!({"port": "http"}),
            [true, false, false, false, false, false],
        ),
        (
            json!({"port": "syslog", "protocol": "UDP"}),
            [false, false, true, false, false, false],
        ),
        // The destination declares `syslog` over UDP only.
        (json!({"port": "syslog"}), [false; 6]),
        (json!({"port": "unknown"}), [false; 6]),
        (json!({"port": 8080, "protocol": "HTTP"}), [false; 6]),
        (json!({"port": 80.5}), [false; 6]),
    ];
    let traffic = [
        Port::tcp(8080),
        Port::udp(8080),
        Port::udp(514),
        Port::udp(53),
        Port {
            number: 8080,
            protocol: Protocol::Sctp,
        },
        Port::tcp(8500),
    ];
    let web = json!({"app": "web"});
    for (port, expected) in cases {
        // The same list in an ingress rule of the receiver and an egress rule of the
        // sender: named ports resolve against the receiver either way.
        for direction in [Direction::Ingress, Direction::Egress] {
            let rules = if direction == Direction::Ingress {
                "ingress"
            } else {
                "egress"
            };
            let objects = [policy(
                "shop",
                "p",
                json!({
                    "podSelector": {"matchLabels": {"app": "web"}},
                    "policyTypes": [direction.policy_type()],
                    rules: [{"ports": [port.clone()]}],
                }),
            )];
            let set = NetworkPolicies::new(&objects);
            let admitted = traffic.map(|p| {
                set.reach(&pod("shop", &web), &pod("shop", &web), p)
                    .admits()
            });
            assert_eq!(admitted, expected, "{port} in {rules}");
        }
    }
}

#[test]
fn egress_named_ports_resolve_on_the_receiving_pod() {
    let objects = [policy(
        "shop",
        "p",
        json!({
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Egress"],
            "egress": [{"ports": [{"port": "postgres"}]}],
        }),
    )];
    let set = NetworkPolicies::new(&objects);
    let web = json!({"app": "web"});
    let db_labels = json!({"app": "db"});
    let db = Endpoint {
        ports: vec![ContainerPort {
            name: Some("postgres"),
            number: 5432,
            protocol: Protocol::Tcp,
        }],
        ..Endpoint::new("shop", labels(&db_labels))
    };
    assert!(set.reach(&pod("shop", &web), &db, Port::tcp(5432)).admits());
    // The receiver's name is what counts: one that calls 5432 `pg` is not reached.
    let pg = Endpoint {
        ports: vec![ContainerPort {
            name: Some("pg"),
            ..db.ports[0]
        }],
        ..db.clone()
    };
    assert!(!set.reach(&pod("shop", &web), &pg, Port::tcp(5432)).admits());
    assert!(
        !set.reach(&pod("shop", &web), &pod("shop", &web), Port::tcp(5432))
            .admits()
    );
}

#[test]
fn dns_goes_to_the_cluster_dns_pods_on_53() {
    let egress = |rules: Value| {
        policy(
            "shop",
            "web",
            json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": rules}),
        )
    };
    let kube_dns = json!({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                          "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}});
    let cases = [
        (json!([]), false, false),
        (
            json!([{"ports": [{"port": 53, "protocol": "UDP"}]}]),
            true,
            false,
        ),
        (
            json!([{"to": [kube_dns], "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53}]}]),
            true,
            true,
        ),
        (
            json!([{"to": [kube_dns], "ports": [{"port": "dns", "protocol": "UDP"}, {"port": "dns-tcp"}]}]),
            true,
            true,
        ),
        // Port 53 to the wrong pods: the database's namespace, not kube-system.
        (
            json!([{"to": [{"podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}], "ports": [{"port": 53, "protocol": "UDP"}]}]),
            false,
            false,
        ),
        (
            json!([{"to": [{"namespaceSelector": {"matchLabels": {"name": "kube-system"}}}]}]),
            false,
            false,
        ),
        (json!([{"to": [{"namespaceSelector": {}}]}]), true, true),
    ];
    let web = json!({"app": "web"});
    for (rules, udp, tcp) in cases {
        let objects = [egress(rules.clone())];
        let set = NetworkPolicies::new(&objects);
        let dns = set.resolve_names(&pod("shop", &web), &[]);
        assert_eq!((dns.udp.admits(), dns.tcp.admits()), (udp, tcp), "{rules}");
    }
}

#[test]
fn dns_pods_of_the_set_replace_the_modelled_ones() {
    // CoreDNS run by the set itself, in its own namespace with its own labels.
    let objects = [
        policy(
            "shop",
            "web",
            json!({"podSelector": {}, "policyTypes": ["Egress"],
                   "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "dns"}}}]}]}),
        ),
        policy(
            "dns",
            "coredns",
            json!({"podSelector": {"matchLabels": {"app": "coredns"}},
                   "ingress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}),
        ),
    ];
    let set = NetworkPolicies::new(&objects);
    let web = json!({"app": "web"});
    let coredns = json!({"app": "coredns"});
    let servers = [pod("dns", &coredns), Endpoint::cluster_dns()];
    let dns = set.resolve_names(&pod("shop", &web), &servers);
    assert!(dns.udp.admits());
    // Over TCP the first server's egress side admits, its ingress does not; the
    // modelled kube-dns is not reachable at all.
    assert_eq!(
        shown(&dns.tcp.egress, Direction::Egress),
        "admitted by shop/web egress[0]"
    );
    assert_eq!(
        shown(&dns.tcp.ingress, Direction::Ingress),
        "denied by dns/coredns"
    );
    let dns = set.resolve_names(&pod("shop", &web), &[]);
    assert_eq!(
        shown(&dns.udp.egress, Direction::Egress),
        "denied by shop/web"
    );
}

#[test]
fn other_namespaces_come_through_namespace_selectors_blocks_or_no_peers() {
    let cases = [
        (json!({}), true),
        (json!({"from": []}), true),
        (json!({"from": [{"podSelector": {}}]}), false),
        (json!({"from": [{"namespaceSelector": {}}]}), true),
        (
            json!({"from": [{"namespaceSelector": {"matchLabels": {"team": "edge"}}}]}),
            true,
        ),
        (
            json!({"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}}]}),
            false,
        ),
        (
            json!({"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]}),
            true,
        ),
        (
            json!({"from": [{"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["shop"]}]}}]}),
            false,
        ),
        (
            json!({"from": [{"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["shop"]}]}}]}),
            true,
        ),
        (
            json!({"from": [{"namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "Near"}]}}]}),
            false,
        ),
        (json!({"ports": [{"port": 9090}]}), false),
    ];
    let web = json!({"app": "web"});
    let decide = |rule: &Value| {
        let spec = json!({"podSelector": {}, "ingress": [rule.clone()]});
        let objects = [policy("shop", "web", spec)];
        let set = NetworkPolicies::new(&objects);
        shown(
            &set.reach_from_other_namespace(&pod("shop", &web), Port::tcp(8080)),
            Direction::Ingress,
        )
    };
    for (rule, admits) in cases {
        let expected = if admits {
            "admitted by shop/web ingress[0]"
        } else {
            "denied by shop/web"
        };
        assert_eq!(decide(&rule), expected, "{rule}");
    }
    let block = json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]});
    assert_eq!(decide(&block), "by address: shop/web ingress[0]");
}

#[test]
fn a_policy_names_a_port_when_some_rule_admits_it_to_some_peer() {
    let object = policy(
        "shop",
        "web",
        json!({"podSelector": {}, "policyTypes": ["Egress"],
               "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}], "ports": [{"port": 53, "protocol": "UDP"}]}]}),
    );
    let policy = NetworkPolicy::parse(&object).unwrap();
    let dns = Endpoint::cluster_dns();
    assert!(policy.names_port(Direction::Egress, Port::udp(53), &dns));
    assert!(!policy.names_port(Direction::Egress, Port::tcp(53), &dns));
    assert!(!policy.names_port(Direction::Ingress, Port::udp(53), &dns));
    assert!(policy.selects_whole_namespace());
    assert!(NetworkPolicy::parse(&namespace("shop", json!({}))).is_none());
}

#[test]
fn malformed_policies_restrict_what_the_api_server_would_and_admit_nothing_more() {
    let web = json!({"app": "web"});
    // No spec at all: the empty podSelector, Ingress only, no rules.
    let bare = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                      "metadata": {"name": "bare", "namespace": "shop"}});
    // The predecessor group is the same type.
    let old = json!({"apiVersion": "extensions/v1beta1", "kind": "NetworkPolicy",
                     "metadata": {"name": "old", "namespace": "other"},
                     "spec": {"podSelector": {}, "policyTypes": "Egress", "egress": []}});
    let objects = [bare, old];
    let set = NetworkPolicies::new(&objects);
    let verdict = set.reach(&pod("other", &web), &pod("shop", &web), Port::tcp(8080));
    assert_eq!(
        shown(&verdict.ingress, Direction::Ingress),
        "denied by shop/bare"
    );
    // `policyTypes` that is no list is defaulted: Ingress, and no egress rules.
    assert_eq!(verdict.egress, Decision::Unrestricted);
    assert_eq!(
        names(&set.isolating(&pod("other", &web), Direction::Ingress)),
        ["other/old"]
    );

    // Peers the API server rejects match nothing, not even by address.
    let rules = json!([
        {"from": [{"ipBlock": {"except": ["10.0.0.0/8"]}}]},
        {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": 7}}}]},
        {"from": [{"namespaceSelector": {"matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "In", "values": [7]}]}}]},
        {"from": [{"namespaceSelector": {"matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "DoesNotExist"}]}}]},
    ]);
    let objects = [policy(
        "shop",
        "odd",
        json!({"podSelector": {}, "ingress": rules}),
    )];
    let set = NetworkPolicies::new(&objects);
    let to = pod("shop", &web);
    let verdict = set.reach(&pod("other", &web), &to, Port::tcp(8080));
    assert_eq!(
        shown(&verdict.ingress, Direction::Ingress),
        "denied by shop/odd"
    );
    let decision = set.reach_from_other_namespace(&to, Port::tcp(8080));
    assert_eq!(shown(&decision, Direction::Ingress), "denied by shop/odd");
    let decision = set.reach_from_address("10.1.2.3".parse().unwrap(), &to, Port::tcp(8080));
    assert_eq!(shown(&decision, Direction::Ingress), "denied by shop/odd");
}

#[test]
fn of_a_namespace_defined_twice_the_last_counts() {
    let objects = [
        namespace("ops", json!({})),
        namespace("ops", json!({"team": "platform"})),
        policy(
            "shop",
            "web",
            json!({"podSelector": {}, "ingress": [{"from": [
                {"namespaceSelector": {"matchLabels": {"team": "platform"}}}]}]}),
        ),
    ];
    let set = NetworkPolicies::new(&objects);
    assert_eq!(
        set.namespace_labels("ops").get("team"),
        Some(&json!("platform"))
    );
    let labels = json!({});
    let verdict = set.reach(&pod("ops", &labels), &pod("shop", &labels), Port::tcp(80));
    assert_eq!(
        shown(&verdict.ingress, Direction::Ingress),
        "admitted by shop/web ingress[0]"
    );
}
