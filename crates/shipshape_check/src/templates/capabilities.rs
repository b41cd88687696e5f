//! Template: Linux capabilities a container adds, judged one by one.

use serde_json::Value;

use crate::finding::Emitter;
use crate::templates::naming::describe;
use shipshape_manifest::Object;

/// Every capability a container lists under `securityContext.capabilities.add` must be
/// acceptable; one finding per capability that is not.
#[derive(Debug, Clone, Copy)]
pub struct AddedCapabilities {
    /// Whether a capability (upper case, without the `CAP_` prefix) is acceptable.
    pub accept: fn(&str) -> bool,
    /// What adding it does, after "adds capability `X`: ".
    pub problem: &'static str,
}

impl AddedCapabilities {
    /// Reports every capability of every container of `object` that is not acceptable.
    pub fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let added = container
                .get("/securityContext/capabilities/add")
                .and_then(Value::as_array);
            for (i, capability) in added.into_iter().flatten().enumerate() {
                let Some(name) = capability.as_str() else {
                    continue;
                };
                if !(self.accept)(&normalized(name)) {
                    out.report(
                        object,
                        container.pointer_to(&format!("/securityContext/capabilities/add/{i}")),
                        format!(
                            "{} adds capability `{name}`: {}",
                            describe(&container),
                            self.problem
                        ),
                    );
                }
            }
        }
    }
}

/// The capabilities the baseline Pod Security Standard lets a container add: the
/// runtime's historical defaults minus `NET_RAW`. Anything else reaches past the
/// container (`SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `ALL`, ...).
const BASELINE: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Whether the baseline Pod Security Standard allows adding `capability` (normalized).
#[must_use]
pub fn in_baseline(capability: &str) -> bool {
    BASELINE.contains(&capability)
}

/// `cap_sys_admin` and `SYS_ADMIN` name the same capability; runtimes accept both.
#[must_use]
pub fn normalized(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned()
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn capability_names_lose_case_and_prefix() {
        assert_eq!(normalized("cap_sys_admin"), "SYS_ADMIN");
        assert_eq!(normalized("NET_BIND_SERVICE"), "NET_BIND_SERVICE");
    }
}
