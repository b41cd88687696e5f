//! The database connection budget reaches one verdict whether it is judged on the spec
//! (`render` refuses) or on the rendered output (`check`, rule SS034, from the
//! annotations render writes), for in-cluster and external servers alike.

use shipshape_input::Reader;

/// A service on an autoscaler, a worker with its own pool, a cron whose runs may
/// overlap and a migration Job, all on one PostgreSQL run by `PROVIDER`, whose limit is
/// `LIMIT`.
const SPEC: &str = "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    ports: { http: 8080 }
    health: { ready: { http: /ready, port: http } }
    replicas: 2..8
    autoscale: { cpu: 70% }
    needs: { db: { url: DATABASE_URL } }
    migrations: { command: [/app/migrate] }
  worker:
    kind: worker
    image: example/worker:1.0.0
    health: { ready: { exec: [/app/ready] } }
    replicas: 3
    needs: [db]
    pools: { db: 4 }
  report:
    kind: cron
    image: example/report:1.0.0
    schedule: \"0 3 * * *\"
    concurrency: allow
    needs: [db]
services:
  db:
    type: postgres
    PROVIDER
    database: shop
    pool: 10
    max_connections: LIMIT
";

fn spec(provider: &str, limit: u32) -> String {
    SPEC.replace("PROVIDER", provider)
        .replace("LIMIT", &limit.to_string())
}

/// The SS034 findings of `check` on the output of the spec with `provider` and
/// `limit`, rendered without the spec's own budget check (which may refuse it): the spec
/// loads with a limit nothing exceeds, then gets its own.
fn ss034(provider: &str, limit: u32) -> Vec<String> {
    let loaded = shipshape_spec::load_str(
        "shipshape.yaml",
        &spec(provider, 100_000),
        ".".as_ref(),
        None,
    )
    .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let mut spec = loaded.spec;
    spec.services["db"].max_connections = Some(limit);
    let rendered = shipshape_render::render(&spec).expect("renders").manifests;
    let read = Reader::new("default")
        .stdin(rendered.to_yaml().as_bytes())
        .read(&["-".into()])
        .expect("read");
    let mut options = shipshape_check::Options::default();
    options.settings.api.version = read.kubernetes(None).expect("one target version");
    shipshape_check::check(&read.model, &options)
        .findings
        .iter()
        .filter(|f| f.rule.id == "SS034")
        .map(|f| format!("{}: {}", f.object.display_name(), f.message))
        .collect()
}

/// The message of the budget problem spec validation reports, if any.
fn refused(yaml: &str) -> Option<String> {
    match shipshape_spec::load_str("shipshape.yaml", yaml, ".".as_ref(), None) {
        Ok(_) => None,
        Err(d) => Some(d.0.iter().map(|d| d.message().to_owned()).collect()),
    }
}

#[test]
fn spec_and_output_agree_at_the_edge_of_the_budget() {
    // 8 × 10 (api) + 1 × 10 (its migration) + 3 × 4 (worker) + 2 × 10 (report) = 122
    // connections, against max_connections less the 3 kept for superusers.
    for provider in [
        "host: db.internal",
        "provider: cloudnative-pg\n    storage: 10Gi",
    ] {
        assert_eq!(refused(&spec(provider, 125)), None, "{provider}");
        assert_eq!(ss034(provider, 125), Vec::<String>::new(), "{provider}");
        let over = spec(provider, 124);
        let message = refused(&over).expect("the spec is refused");
        assert!(
            message.starts_with("the clients of `db` may open 122 connections (`api` 8 × 10, `api` migration 1 × 10, `worker` 3 × 4, `report` 2 × 10), more than the 121 that `max_connections: 124` leaves"),
            "{message}"
        );
        let found = ss034(provider, 124);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("accepts 124 connections, 3 of them kept for superusers, but its clients may open 122"),
            "{found:?}"
        );
    }
}
