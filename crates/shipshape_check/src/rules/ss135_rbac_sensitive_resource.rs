use crate::templates::rbac::policy_rules;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Role and ClusterRole rules that grant one of a few permissions known to lead to
    /// more: `create` or `get` on `pods/exec` and `pods/attach`, any access to
    /// `nodes/proxy`, `create` on `serviceaccounts/token`, writes to
    /// `mutatingwebhookconfigurations` or `validatingwebhookconfigurations`, `approve`
    /// on certificate `signers`, and writes to `services/status`.
    ///
    /// ## Why it matters
    /// Each one reaches past the resource it names. Exec and attach run commands in
    /// other pods, with their ServiceAccounts and mounted Secrets (`get` is enough over
    /// WebSockets). `nodes/proxy` talks to the kubelet, which runs commands in any pod
    /// of the node. Creating tokens impersonates any ServiceAccount of the namespace.
    /// Admission webhooks see and rewrite every object the API server admits.
    /// Approving certificates mints identities for users and nodes. Writing a Service's
    /// status sets load balancer IPs and intercepts traffic (CVE-2020-8554).
    ///
    /// ## How to fix
    /// Remove the permission, or grant it to humans through a break-glass role rather
    /// than to workloads. Operators that need one deserve a namespace of their own and a
    /// suppression that says why.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debugger
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods, pods/exec]
    ///     verbs: [get, create]
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debugger
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods, pods/log]
    ///     verbs: [get]
    /// ```
    pub struct RbacSensitiveResource {
        id: "SS135",
        name: "rbac-sensitive-resource",
        severity: Warning,
        theme: Security,
        summary: "Role or ClusterRole grants exec, node proxy, tokens, webhooks or approvals",
    }
}

/// A permission that leads to more.
struct Sensitive {
    group: &'static str,
    resource: &'static str,
    verbs: &'static [&'static str],
    effect: &'static str,
}

const WRITE: &[&str] = &["create", "update", "patch"];

const SENSITIVE: [Sensitive; 8] = [
    Sensitive {
        group: "",
        resource: "pods/exec",
        verbs: &["create", "get"],
        effect: "run commands in other pods, with their credentials",
    },
    Sensitive {
        group: "",
        resource: "pods/attach",
        verbs: &["create", "get"],
        effect: "attach to other pods' processes, with their credentials",
    },
    Sensitive {
        group: "",
        resource: "nodes/proxy",
        verbs: &["get", "create", "update", "patch", "delete"],
        effect: "call the kubelet, which runs commands in any pod of the node",
    },
    Sensitive {
        group: "",
        resource: "serviceaccounts/token",
        verbs: &["create"],
        effect: "mint tokens for any ServiceAccount of the namespace",
    },
    Sensitive {
        group: "admissionregistration.k8s.io",
        resource: "mutatingwebhookconfigurations",
        verbs: WRITE,
        effect: "rewrite every object the API server admits",
    },
    Sensitive {
        group: "admissionregistration.k8s.io",
        resource: "validatingwebhookconfigurations",
        verbs: WRITE,
        effect: "see, or block, every object the API server admits",
    },
    Sensitive {
        group: "certificates.k8s.io",
        resource: "signers",
        verbs: &["approve"],
        effect: "approve certificates for users and nodes",
    },
    Sensitive {
        group: "",
        resource: "services/status",
        verbs: &["update", "patch"],
        effect: "set load balancer IPs and intercept traffic (CVE-2020-8554)",
    },
];

impl ObjectRule for RbacSensitiveResource {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        for rule in policy_rules(object) {
            for sensitive in &SENSITIVE {
                let verbs = rule.granted(sensitive.verbs);
                if verbs.is_empty() || !rule.names(sensitive.group, sensitive.resource) {
                    continue;
                }
                out.report(
                    object,
                    rule.pointer("resources"),
                    format!(
                        "rule {} grants {} on `{}`: its subject can {}",
                        rule.index,
                        verbs.join("/"),
                        sensitive.resource,
                        sensitive.effect
                    ),
                );
            }
        }
    }
}
