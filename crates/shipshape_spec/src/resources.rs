//! Compute resources, with size presets.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::scalars::{Bounds, CpuBounds, MemoryBounds, QuantityKind};

/// CPU and memory for a container.
#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    /// CPU request and limit.
    pub cpu: Bounds,
    /// Memory request and limit.
    pub memory: Bounds,
}

/// Sizes drawn from the reference deployments' sizing guides (projection workers:
/// small < 100 events/s, medium 100-500, large > 500 per worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SizePreset {
    /// 250m..500m CPU, 256Mi..512Mi memory.
    Small,
    /// 500m..1 CPU, 512Mi..1Gi memory.
    Medium,
    /// 1..2 CPU, 1Gi..2Gi memory.
    Large,
}

impl SizePreset {
    /// The preset's CPU and memory, each as `request..limit`.
    fn bounds(self) -> (&'static str, &'static str) {
        match self {
            SizePreset::Small => ("250m..500m", "256Mi..512Mi"),
            SizePreset::Medium => ("500m..1", "512Mi..1Gi"),
            SizePreset::Large => ("1..2", "1Gi..2Gi"),
        }
    }

    /// The preset in words, for people: `size small: cpu 250m..500m, memory 256Mi..512Mi`.
    #[must_use]
    pub fn describe(self) -> String {
        let (cpu, memory) = self.bounds();
        let name = match self {
            SizePreset::Small => "small",
            SizePreset::Medium => "medium",
            SizePreset::Large => "large",
        };
        format!("size {name}: cpu {cpu}, memory {memory} (request..limit)")
    }

    /// The resources the preset stands for.
    #[must_use]
    pub fn resources(self) -> Resources {
        let (cpu, memory) = self.bounds();
        Resources {
            cpu: Bounds::parse(cpu, QuantityKind::Cpu).expect("preset CPU is valid"),
            memory: Bounds::parse(memory, QuantityKind::Bytes).expect("preset memory is valid"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Explicit {
    cpu: CpuBounds,
    memory: MemoryBounds,
}

impl<'de> Deserialize<'de> for Resources {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Resources;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`small`, `medium`, `large`, or `{cpu: 250m..1, memory: 256Mi..512Mi}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Resources, E> {
                SizePreset::deserialize(de::value::StrDeserializer::<E>::new(v))
                    .map(SizePreset::resources)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Resources, A::Error> {
                let e = Explicit::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Resources {
                    cpu: e.cpu.0,
                    memory: e.memory.0,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Resources {
    fn schema_name() -> Cow<'static, str> {
        "Resources".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "oneOf": [
                {"enum": ["small", "medium", "large"]},
                {
                    "type": "object",
                    "required": ["cpu", "memory"],
                    "additionalProperties": false,
                    "properties": {
                        "cpu": {"type": ["string", "number"], "description": "`request..limit`, such as `250m..1`"},
                        "memory": {"type": "string", "description": "`request..limit`, such as `256Mi..512Mi`"}
                    }
                }
            ]
        })
    }
}
