use std::collections::HashSet;

use serde_json::Value;
use shipshape_grammar::names::{self, PortNameFault};

use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Container ports the API server refuses: a `containerPort` outside 1-65535, a
    /// `name` that is not a valid port name (1 to 15 lower-case letters, digits and
    /// single hyphens, with at least one letter, not starting or ending with a
    /// hyphen), or a name used twice in one container; and Service `targetPort` names
    /// that are not valid port names.
    ///
    /// ## Why it matters
    /// The apply fails. Port names longer than 15 characters are the usual culprit
    /// (`metrics-exporter-http`), because Services and probes refer to ports by name
    /// and the limit is easy to miss.
    ///
    /// ## How to fix
    /// Shorten the name (`metrics`, `http-admin`) and update the Services, probes and
    /// network policies that refer to it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       ports:
    ///         - { name: prometheus-metrics, containerPort: 9090 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       ports:
    ///         - { name: metrics, containerPort: 9090 }
    /// ```
    pub struct InvalidPort {
        id: "SS191",
        name: "invalid-port",
        severity: Error,
        theme: Correctness,
        summary: "port number or name the API server refuses",
    }
}

/// Why `name` is not a valid port name (an IANA service name), if it is not.
fn name_problem(name: &str) -> Option<&'static str> {
    names::iana_svc_name_fault(name).map(|fault| match fault {
        PortNameFault::Length => "must be 1 to 15 characters",
        PortNameFault::Characters => "may contain only lower-case letters, digits and hyphens",
        PortNameFault::NoLetter => "must contain a letter",
        PortNameFault::Hyphens => "may not start or end with a hyphen, or have two in a row",
    })
}

impl InvalidPort {
    fn check_containers(object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let mut names = HashSet::new();
            let ports = container.get("/ports").and_then(Value::as_array);
            for (i, port) in ports.into_iter().flatten().enumerate() {
                let at = |field: &str| container.pointer_to(&format!("/ports/{i}/{field}"));
                let who = describe(&container);
                if let Some(number) = port["containerPort"].as_i64()
                    && !(1..=65535).contains(&number)
                {
                    out.report(
                        object,
                        at("containerPort"),
                        format!("{who} port {number} is outside 1-65535"),
                    );
                }
                let Some(name) = port["name"].as_str() else {
                    continue;
                };
                if let Some(problem) = name_problem(name) {
                    out.report(
                        object,
                        at("name"),
                        format!("{who} port name `{name}` {problem}"),
                    );
                } else if !names.insert(name) {
                    out.report(
                        object,
                        at("name"),
                        format!("{who} names two ports `{name}`"),
                    );
                }
            }
        }
    }

    fn check_service(object: &Object, out: &mut Emitter<'_>) {
        let ports = object.get("/spec/ports").and_then(Value::as_array);
        for (i, port) in ports.into_iter().flatten().enumerate() {
            if let Some(name) = port["targetPort"].as_str()
                && let Some(problem) = name_problem(name)
            {
                out.report(
                    object,
                    format!("/spec/ports/{i}/targetPort"),
                    format!("targetPort name `{name}` {problem}"),
                );
            }
        }
    }
}

impl ObjectRule for InvalidPort {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if object.is(&kinds::SERVICE) {
            Self::check_service(object, out);
        } else {
            Self::check_containers(object, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_problem;

    #[test]
    fn port_names_follow_the_iana_service_name_rules() {
        for ok in ["http", "metrics", "http-admin", "h2c", "grpc-9090"] {
            assert_eq!(name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "prometheus-metrics",
            "HTTP",
            "8080",
            "-http",
            "http-",
            "http--x",
            "my_port",
        ] {
            assert!(name_problem(bad).is_some(), "{bad}");
        }
    }
}
