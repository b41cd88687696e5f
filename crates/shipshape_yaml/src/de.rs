//! serde deserialization from the spanned tree, keeping the position of every failure.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use crate::tree::{Entry, Node, Span, Value};

/// A located error from parsing or deserializing YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    message: String,
    span: Option<Span>,
    help: Option<String>,
}

impl Error {
    /// An error at a known position.
    #[must_use]
    pub fn at(message: impl Into<String>, span: Span) -> Self {
        Error {
            message: message.into(),
            span: Some(span),
            help: None,
        }
    }

    /// Adds a hint on how to fix the input.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The message, without position.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the error is, when known.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        self.span
    }

    /// The hint, if any.
    #[must_use]
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    fn or_span(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let message = msg.to_string();
        // serde's derive reports missing fields as "missing field `x`"; say what to do.
        let help = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
            .map(|field| format!("add `{field}:` here"))
            .or_else(|| suggestion_for_serde_message(&message));
        Error {
            message,
            span: None,
            help,
        }
    }
}

/// Adds "did you mean" to serde's own unknown-field and unknown-variant messages, which
/// appear when a type deserializes a mapping by hand instead of through a struct.
fn suggestion_for_serde_message(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (given, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    suggest(given, &candidates).map(|s| format!("did you mean `{s}`?"))
}

/// The closest candidate to `given`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(given, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deserializes a typed value from a node; errors carry the span of the offending node.
///
/// # Errors
/// The first mismatch between the tree and `T`, located.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, Error> {
    T::deserialize(node)
}

impl Node {
    fn mismatch(&self, expected: &str) -> Error {
        let found = self.value.kind_name();
        let mut err = Error::at(format!("expected {expected}, found {found}"), self.span);
        if matches!(self.value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
            && expected.contains("string")
        {
            err = err.with_help("quote the value to make it a string");
        }
        err
    }
}

macro_rules! int_method {
    ($method:ident, $visit:ident, $ty:ty, $what:literal) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match &self.value {
                Value::Int(i) => {
                    let v = <$ty>::try_from(*i).map_err(|_| {
                        Error::at(format!("{} is out of range for {}", i, $what), self.span)
                    })?;
                    visitor.$visit::<Error>(v).map_err(|e| e.or_span(self.span))
                }
                _ => Err(self.mismatch($what)),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match &self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(Items { iter: items.iter() }),
            Value::Map(m) => visitor.visit_map(Entries {
                iter: m.entries.iter(),
                value: None,
            }),
        };
        result.map_err(|e| e.or_span(self.span))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor
                .visit_bool::<Error>(b)
                .map_err(|e| e.or_span(self.span)),
            _ => Err(self.mismatch("`true` or `false`")),
        }
    }

    int_method!(deserialize_i8, visit_i8, i8, "an integer");
    int_method!(deserialize_i16, visit_i16, i16, "an integer");
    int_method!(deserialize_i32, visit_i32, i32, "an integer");
    int_method!(deserialize_i64, visit_i64, i64, "an integer");
    int_method!(deserialize_u8, visit_u8, u8, "a whole number ≥ 0");
    int_method!(deserialize_u16, visit_u16, u16, "a whole number ≥ 0");
    int_method!(deserialize_u32, visit_u32, u32, "a whole number ≥ 0");
    int_method!(deserialize_u64, visit_u64, u64, "a whole number ≥ 0");

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        #[allow(clippy::cast_precision_loss)]
        let f = match self.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => return Err(self.mismatch("a number")),
        };
        visitor
            .visit_f64::<Error>(f)
            .map_err(|e| e.or_span(self.span))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Str(s) => visitor
                .visit_str::<Error>(s)
                .map_err(|e| e.or_span(self.span)),
            _ => Err(self.mismatch("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.mismatch("nothing")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.or_span(self.span))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Seq(items) => visitor
                .visit_seq(Items { iter: items.iter() })
                .map_err(|e| e.or_span(self.span)),
            _ => Err(self.mismatch("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Map(m) => visitor
                .visit_map(Entries {
                    iter: m.entries.iter(),
                    value: None,
                })
                .map_err(|e| e.or_span(self.span)),
            _ => Err(self.mismatch("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Value::Map(m) = &self.value else {
            return Err(self.mismatch("a mapping"));
        };
        for entry in &m.entries {
            if !fields.contains(&entry.key.as_str()) {
                return Err(unknown_key(entry, fields));
            }
        }
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (tag, tag_span, payload) = match &self.value {
            Value::Str(s) => (s.as_str(), self.span, None),
            Value::Map(m) if m.entries.len() == 1 => {
                let e = &m.entries[0];
                (e.key.as_str(), e.key_span, Some(&e.value))
            }
            _ => {
                return Err(self.mismatch(&format!("one of {}", list(variants))));
            }
        };
        if !variants.contains(&tag) {
            let mut err = Error::at(
                format!("unknown value `{tag}`, expected one of {}", list(variants)),
                tag_span,
            );
            if let Some(s) = suggest(tag, variants) {
                err = err.with_help(format!("did you mean `{s}`?"));
            }
            return Err(err);
        }
        visitor
            .visit_enum(Variant {
                tag,
                tag_span,
                payload,
                whole: self,
            })
            .map_err(|e| e.or_span(self.span))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

fn unknown_key(entry: &Entry, fields: &[&str]) -> Error {
    let mut err = Error::at(format!("unknown key `{}`", entry.key), entry.key_span);
    err = match suggest(&entry.key, fields) {
        Some(s) => err.with_help(format!("did you mean `{s}`?")),
        None => err.with_help(format!("valid keys here: {}", list(fields))),
    };
    err
}

struct Items<'de> {
    iter: std::slice::Iter<'de, Node>,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.iter.next() {
            None => Ok(None),
            Some(node) => seed
                .deserialize(node)
                .map(Some)
                .map_err(|e| e.or_span(node.span)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Entries<'de> {
    iter: std::slice::Iter<'de, Entry>,
    value: Option<&'de Node>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            None => Ok(None),
            Some(entry) => {
                self.value = Some(&entry.value);
                seed.deserialize(KeyDeserializer { entry })
                    .map(Some)
                    .map_err(|e| e.or_span(entry.key_span))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let node = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value requested before key"))?;
        seed.deserialize(node).map_err(|e| e.or_span(node.span))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// Deserializes a mapping key: its text, or (for enum-keyed maps) a variant name.
struct KeyDeserializer<'de> {
    entry: &'de Entry,
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(&self.entry.key)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let key = self.entry.key.as_str();
        if !variants.contains(&key) {
            let mut err = Error::at(
                format!("unknown key `{key}`, expected one of {}", list(variants)),
                self.entry.key_span,
            );
            if let Some(s) = suggest(key, variants) {
                err = err.with_help(format!("did you mean `{s}`?"));
            }
            return Err(err);
        }
        visitor.visit_enum(key.into_deserializer())
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.entry.key.parse::<u16>() {
            Ok(n) => visitor.visit_u16(n),
            Err(_) => Err(Error::at(
                format!("expected a number as key, found `{}`", self.entry.key),
                self.entry.key_span,
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct Variant<'de> {
    tag: &'de str,
    tag_span: Span,
    payload: Option<&'de Node>,
    whole: &'de Node,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self), Error> {
        let tag: de::value::StrDeserializer<'de, Error> = self.tag.into_deserializer();
        let value = seed
            .deserialize(tag)
            .map_err(|e| e.or_span(self.tag_span))?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.payload {
            None => Ok(()),
            Some(node) if node.value == Value::Null => Ok(()),
            Some(node) => Err(Error::at(
                format!("`{}` takes no settings", self.tag),
                node.span,
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.payload {
            Some(node) => seed.deserialize(node),
            None => Err(Error::at(
                format!("`{}` needs settings: write `{}: ...`", self.tag, self.tag),
                self.whole.span,
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.payload {
            Some(node) => de::Deserializer::deserialize_seq(node, visitor),
            None => Err(Error::at(
                format!("`{}` needs a list", self.tag),
                self.whole.span,
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.payload {
            Some(node) => de::Deserializer::deserialize_struct(node, "", fields, visitor),
            None => Err(Error::at(
                format!("`{}` needs settings", self.tag),
                self.whole.span,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_single;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct App {
        name: String,
        replicas: Option<u32>,
        kind: Kind,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Service,
        Worker,
    }

    fn err(text: &str) -> (String, Option<String>, usize, usize) {
        let node = parse_single(text).unwrap();
        let e = from_node::<App>(&node).unwrap_err();
        let s = e.span().unwrap();
        (
            e.message().to_owned(),
            e.help().map(str::to_owned),
            s.line,
            s.column,
        )
    }

    #[test]
    fn unknown_key_suggests() {
        let (m, h, l, c) = err("name: a\nkind: service\nreplica: 3\n");
        assert_eq!(m, "unknown key `replica`");
        assert_eq!(h.as_deref(), Some("did you mean `replicas`?"));
        assert_eq!((l, c), (3, 1));
    }

    #[test]
    fn wrong_type_is_located() {
        let (m, _, l, c) = err("name: a\nkind: service\nreplicas: three\n");
        assert_eq!(m, "expected a whole number ≥ 0, found a string");
        assert_eq!((l, c), (3, 11));
    }

    #[test]
    fn unknown_variant_suggests() {
        let (m, h, l, c) = err("name: a\nkind: servce\n");
        assert!(m.starts_with("unknown value `servce`"));
        assert_eq!(h.as_deref(), Some("did you mean `service`?"));
        assert_eq!((l, c), (2, 7));
    }

    #[test]
    fn missing_field_points_at_mapping() {
        let (m, h, l, _) = err("kind: worker\n");
        assert_eq!(m, "missing field `name`");
        assert_eq!(h.as_deref(), Some("add `name:` here"));
        assert_eq!(l, 1);
    }
}
