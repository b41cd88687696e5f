//! LimitRanges: what the API server's `LimitRanger` admission does to a pod's containers
//! before any scheduler sees them. It fills in the CPU and memory a container leaves
//! out (`defaultRequest`, `default`) and refuses a pod whose containers, or whose
//! containers together, ask for less than `min` or are limited to more than `max`.
//!
//! Each `spec.limits` entry is read as the API server defaults it: a missing `default`
//! is the `max`, a missing `defaultRequest` the `default`, else the `min`. Of several
//! LimitRanges in a namespace each is applied in input order, so the first to default a
//! resource sets it. Only `cpu` and `memory` of the `Container` and `Pod` types are
//! read; `maxLimitRequestRatio` and the `PersistentVolumeClaim` type are not.

use std::collections::HashMap;

use serde_json::Value;
use shipshape_grammar::Quantity;

use crate::identity::kinds;
use crate::index::ModelIndex;
use crate::object::Object;
use crate::pointer::items;

/// The resources a LimitRange bounds here.
pub const RESOURCES: [Resource; 2] = [Resource::Cpu, Resource::Memory];

/// CPU or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// CPU, counted in millicores.
    Cpu,
    /// Memory, counted in bytes.
    Memory,
}

impl Resource {
    /// Its name in a resource list.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "memory",
        }
    }

    /// The power of ten its amounts are counted in: millicores, bytes.
    #[must_use]
    pub fn exponent(self) -> i32 {
        match self {
            Resource::Cpu => -3,
            Resource::Memory => 0,
        }
    }

    /// `value` (a quantity, as text or a number) in this resource's unit, rounded up
    /// as apimachinery rounds; `Err` with the text when it is not a quantity.
    ///
    /// # Errors
    /// The value as text, when it is not a quantity.
    pub fn amount(self, value: &Value) -> Result<i64, String> {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        Quantity::parse(&text)
            .ok()
            .and_then(|q| q.ceil_scaled(self.exponent()))
            .map(|n| n.max(0))
            .ok_or(text)
    }
}

/// An amount of CPU and of memory, each maybe absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Millicores.
    pub cpu: Option<i64>,
    /// Bytes.
    pub memory: Option<i64>,
}

impl Amounts {
    /// The amount of `resource`.
    #[must_use]
    pub fn get(&self, resource: Resource) -> Option<i64> {
        match resource {
            Resource::Cpu => self.cpu,
            Resource::Memory => self.memory,
        }
    }

    fn set(&mut self, resource: Resource, amount: i64) {
        match resource {
            Resource::Cpu => self.cpu = Some(amount),
            Resource::Memory => self.memory = Some(amount),
        }
    }

    /// The amounts of a resource list (`requests`, `min`, ...); what is not a quantity
    /// is left out (the validator reports it).
    fn of(list: Option<&Value>) -> Amounts {
        let mut out = Amounts::default();
        for resource in RESOURCES {
            if let Some(amount) = list
                .and_then(|l| l.get(resource.name()))
                .and_then(|v| resource.amount(v).ok())
            {
                out.set(resource, amount);
            }
        }
        out
    }

    /// `self`, with what it lacks taken from `other`.
    fn or(self, other: Amounts) -> Amounts {
        Amounts {
            cpu: self.cpu.or(other.cpu),
            memory: self.memory.or(other.memory),
        }
    }
}

/// One `spec.limits` entry of type `Container` or `Pod`, defaulted as the API server
/// defaults it.
#[derive(Debug, Clone)]
pub struct Limits<'a> {
    /// The LimitRange.
    pub object: &'a Object,
    /// Type `Pod` (the containers together) rather than `Container` (each one).
    pub pod: bool,
    /// `default`: the limit of a container that sets none.
    pub default: Amounts,
    /// `defaultRequest`: the request of a container that sets none.
    pub default_request: Amounts,
    /// `min`: no request (or limit) below it.
    pub min: Amounts,
    /// `max`: no limit above it.
    pub max: Amounts,
}

/// The LimitRanges of a manifest set, by namespace.
#[derive(Debug, Default)]
pub struct LimitRanges<'a> {
    by_namespace: HashMap<&'a str, Vec<Limits<'a>>>,
}

impl<'a> LimitRanges<'a> {
    /// The LimitRanges of `index`.
    #[must_use]
    pub fn of_model(index: &ModelIndex<'a>) -> LimitRanges<'a> {
        let mut out = LimitRanges::default();
        for object in index.of_kind(&kinds::LIMIT_RANGE) {
            let Some(list) = object.get("/spec/limits") else {
                continue;
            };
            for (_, item) in items(list, "") {
                let pod = match item["type"].as_str() {
                    Some("Container") => false,
                    Some("Pod") => true,
                    _ => continue,
                };
                let max = Amounts::of(item.get("max"));
                let min = Amounts::of(item.get("min"));
                let (default, default_request) = if pod {
                    (Amounts::default(), Amounts::default())
                } else {
                    let default = Amounts::of(item.get("default")).or(max);
                    let default_request =
                        Amounts::of(item.get("defaultRequest")).or(default).or(min);
                    (default, default_request)
                };
                out.by_namespace
                    .entry(object.namespace())
                    .or_default()
                    .push(Limits {
                        object,
                        pod,
                        default,
                        default_request,
                        min,
                        max,
                    });
            }
        }
        out
    }

    /// The entries that apply to pods of `namespace`, in input order.
    #[must_use]
    pub fn of_namespace(&self, namespace: &str) -> &[Limits<'a>] {
        self.by_namespace.get(namespace).map_or(&[], Vec::as_slice)
    }

    /// Whether the set holds no entry of type `Container` or `Pod`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_namespace.is_empty()
    }
}
