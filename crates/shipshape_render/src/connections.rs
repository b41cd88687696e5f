//! The connection budget in the output: each client pod says how many connections it
//! opens to which database (`shipshape.dev/db-connections`), and the limit of a database
//! outside the cluster travels with its clients, since no object of the output stands
//! for it (an in-cluster server's own object carries its limit, see
//! `backing::outputs`). `shipshape check` adds them up from the manifests alone (rule
//! SS034) and so reaches the verdict spec validation reached.

use std::collections::BTreeMap;

use shipshape_manifest::connections::{
    DB_CONNECTIONS, DB_MAX_CONNECTIONS, DB_RESERVED_CONNECTIONS, format_counts,
};
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{Component, SpecPath, path};

use crate::backing;
use crate::context::{Ctx, component_key, service_key};

/// The connection annotations of a component's pods, with the spec keys behind them
/// recorded in `fields` (pointers from the pod template). Empty when the component
/// declares no pool for any database it needs.
pub fn client_annotations(
    ctx: &Ctx<'_>,
    name: &str,
    component: &Component,
    fields: &mut Provenance,
) -> BTreeMap<String, String> {
    let mut pools: Vec<(String, u32)> = Vec::new();
    let mut pool_key: Option<SpecPath> = None;
    let mut limits: BTreeMap<&str, Vec<(String, u32)>> = BTreeMap::new();
    let mut limit_keys: BTreeMap<&str, SpecPath> = BTreeMap::new();
    // The first database whose reserve is PostgreSQL's default, when no spec key sets
    // the annotation: a value that decides the budget says where it came from.
    let mut reserve_default: Option<(SpecPath, String)> = None;
    for need in component.needs.0.keys() {
        let Some(service) = ctx.spec.services.get(need) else {
            continue;
        };
        let Some(pool) = component.pool_for(need, service) else {
            continue;
        };
        let outputs = backing::outputs(ctx, need, service);
        let address = outputs.address(ctx, need);
        pools.push((address.clone(), pool));
        pool_key.get_or_insert_with(|| {
            if component.pools.contains_key(need) {
                component_key(name, path!["pools", need])
            } else {
                service_key(need, path!["pool"])
            }
        });
        if service.in_cluster() {
            continue;
        }
        let Some(max) = service.max_connections_or_default() else {
            continue;
        };
        let reserved = service.reserved_connections_or_default();
        for (annotation, count) in [
            (DB_MAX_CONNECTIONS, max),
            (DB_RESERVED_CONNECTIONS, reserved),
        ] {
            limits
                .entry(annotation)
                .or_default()
                .push((address.clone(), count));
        }
        if service.max_connections.is_some() {
            limit_keys
                .entry(DB_MAX_CONNECTIONS)
                .or_insert_with(|| service_key(need, path!["max_connections"]));
        }
        if service.reserved_connections.is_some() {
            limit_keys
                .entry(DB_RESERVED_CONNECTIONS)
                .or_insert_with(|| service_key(need, path!["reserved_connections"]));
        } else {
            reserve_default.get_or_insert_with(|| {
                let key = service_key(need, path!["reserved_connections"]);
                (
                    key,
                    format!("{reserved} for `{need}`, PostgreSQL's own default"),
                )
            });
        }
    }
    let mut out = BTreeMap::new();
    if pools.is_empty() {
        return out;
    }
    let mut put = |annotation: &str, entries: &[(String, u32)], key: Option<SpecPath>| {
        out.insert(
            annotation.to_owned(),
            format_counts(entries.iter().map(|(a, n)| (a.as_str(), *n))),
        );
        if let Some(key) = key {
            let pointer = format!("/metadata/annotations/{}", pointer_token(annotation));
            fields.record(&pointer, key);
        }
    };
    put(DB_CONNECTIONS, &pools, pool_key);
    for (annotation, entries) in &limits {
        put(annotation, entries, limit_keys.get(annotation).cloned());
    }
    if let Some((key, value)) = reserve_default
        && !limit_keys.contains_key(DB_RESERVED_CONNECTIONS)
    {
        let pointer = format!(
            "/metadata/annotations/{}",
            pointer_token(DB_RESERVED_CONNECTIONS)
        );
        fields.record_default(&pointer, key, value);
    }
    out
}
