//! Template: containers must set some fields.

use crate::finding::Emitter;
use crate::templates::naming::describe;
use shipshape_manifest::Object;
use shipshape_manifest::PodTemplate;

/// Which containers a requirement applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Containers {
    /// Application containers of long-running workloads (not Jobs, CronJobs or Pods
    /// that do not restart): where probes matter.
    LongRunningApp,
    /// Init and application containers of every workload: where resources matter.
    All,
}

/// Every selected container must set each field; one finding per missing field.
#[derive(Debug, Clone, Copy)]
pub struct ContainerFields {
    /// `(pointer inside the container, what it is called in messages)`, such as
    /// `("/readinessProbe", "readiness probe")`.
    pub fields: &'static [(&'static str, &'static str)],
    /// Which containers.
    pub containers: Containers,
}

impl ContainerFields {
    /// Reports every missing field of every selected container of `object`.
    pub fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in self.selected(&pod) {
            for (field, what) in self.fields {
                if container.get(field).is_none_or(serde_json::Value::is_null) {
                    out.report(
                        object,
                        container.pointer_to(field),
                        format!("{} has no {what}", describe(&container)),
                    );
                }
            }
        }
    }

    fn selected<'a>(&self, pod: &PodTemplate<'a>) -> Vec<shipshape_manifest::Container<'a>> {
        match self.containers {
            Containers::LongRunningApp if pod.is_long_running() => pod.app_containers().collect(),
            Containers::LongRunningApp => Vec::new(),
            Containers::All => pod.containers().collect(),
        }
    }
}
