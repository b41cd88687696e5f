//! Typed access to built-in kinds through k8s-openapi, for consumers that want the
//! compiler to know the fields. The model keeps JSON (any kind fits); this turns an
//! object, or one field of it, into its k8s-openapi type on request.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;
use shipshape_yaml::Location;

use crate::identity::GroupKind;
use crate::object::Object;
use crate::pointer::lookup;

/// Why an object, or a field of it, is not the type asked for; located at the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedError {
    /// How messages name the object: `Deployment shop/web`.
    pub object: String,
    /// JSON pointer of the field that does not fit (`/kind`, `/spec/tolerations`).
    pub pointer: String,
    /// Where that field was written, when known.
    pub location: Option<Location>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        write!(f, "{}", self.object)?;
        if !self.pointer.is_empty() {
            write!(f, " `{}`", self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TypedError {}

impl Object {
    /// The object as the k8s-openapi type `T` (`k8s_openapi::api::apps::v1::Deployment`).
    ///
    /// # Errors
    /// The object is of another group or kind than `T` (a custom resource called
    /// `Deployment` is not one), or a field does not fit `T` (a wrong type, a missing
    /// required field).
    pub fn typed<T: k8s_openapi::Resource + DeserializeOwned>(&self) -> Result<T, TypedError> {
        let wanted = GroupKind::new(T::GROUP, T::KIND);
        if !self.is(&wanted) {
            return Err(self.typed_error(
                "/kind",
                format!("is a {}, not a {wanted}", self.group_kind()),
            ));
        }
        self.deserialize("", self.value())
    }

    /// The field at `pointer` as the type `T` (`Vec<Toleration>`); `None` when the field
    /// is absent.
    ///
    /// # Errors
    /// The field does not fit `T`.
    pub fn typed_field<T: DeserializeOwned>(&self, pointer: &str) -> Result<Option<T>, TypedError> {
        lookup(self.value(), pointer)
            .map(|value| self.deserialize(pointer, value))
            .transpose()
    }

    /// `value`, the field at `pointer`, as `T`. serde_json's errors name no field, so for
    /// an object read from a file the field is read again, spanned, to find where the
    /// error is; otherwise the error points at the field.
    fn deserialize<T: DeserializeOwned>(
        &self,
        pointer: &str,
        value: &Value,
    ) -> Result<T, TypedError> {
        T::deserialize(value).map_err(|e| {
            let manifest = self.manifest();
            let at = manifest
                .node_at(pointer)
                .and_then(|node| shipshape_yaml::from_node::<T>(&node).err()?.span())
                .and_then(|span| manifest.location_of(span));
            TypedError {
                location: at.or_else(|| self.locate(pointer)),
                ..self.typed_error(pointer, e.to_string())
            }
        })
    }

    fn typed_error(&self, pointer: &str, message: String) -> TypedError {
        TypedError {
            object: self.display_name(),
            pointer: pointer.to_owned(),
            location: self.locate(pointer),
            message,
        }
    }
}
