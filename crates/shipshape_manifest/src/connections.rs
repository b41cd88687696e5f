//! Database connections declared in annotations: what each pod of a workload opens, and
//! what a database accepts. No Kubernetes field says either, so `shipshape render`
//! writes them and `shipshape check` reads them (rule SS034); anyone may write them by
//! hand. Documented in `docs/check.md`.
//!
//! Each value lists `database=count` entries, comma-separated. A database is named by
//! the address its clients connect to (`host:port`), so the clients of one server agree
//! on its name whichever app they belong to.

/// On a pod template (or its workload): the connections each pod opens to each database
/// at most, its pool: `db.example.com:5432=20`.
pub const DB_CONNECTIONS: &str = "shipshape.dev/db-connections";
/// On any object (the database's own, or each client of a database outside the
/// manifests): the database's `max_connections`.
pub const DB_MAX_CONNECTIONS: &str = "shipshape.dev/db-max-connections";
/// Beside `DB_MAX_CONNECTIONS`: the connections of it kept for superusers, which
/// clients cannot use (PostgreSQL's `superuser_reserved_connections`). None when absent.
pub const DB_RESERVED_CONNECTIONS: &str = "shipshape.dev/db-reserved-connections";

/// One entry of a connection annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbCount<'a> {
    /// The database, as its clients address it.
    pub database: &'a str,
    /// The number of connections.
    pub count: i64,
}

/// The entries of a connection annotation's value.
///
/// # Errors
/// The first entry that is not `database=count` with a whole number of zero or more, as
/// text to show.
pub fn parse_counts(value: &str) -> Result<Vec<DbCount<'_>>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let parsed = entry.rsplit_once('=').and_then(|(database, count)| {
                let count = count.trim().parse::<i64>().ok().filter(|c| *c >= 0)?;
                let database = database.trim();
                (!database.is_empty()).then_some(DbCount { database, count })
            });
            parsed.ok_or_else(|| format!("`{entry}` is not `database=count`"))
        })
        .collect()
}

/// The value of a connection annotation with these entries, in the order given.
#[must_use]
pub fn format_counts<'a>(entries: impl IntoIterator<Item = (&'a str, u32)>) -> String {
    entries
        .into_iter()
        .map(|(database, count)| format!("{database}={count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_bad_ones_are_named() {
        let value = format_counts([("db.internal:5432", 20), ("shop-db-rw:5432", 5)]);
        assert_eq!(value, "db.internal:5432=20, shop-db-rw:5432=5");
        assert_eq!(
            parse_counts(&value),
            Ok(vec![
                DbCount {
                    database: "db.internal:5432",
                    count: 20
                },
                DbCount {
                    database: "shop-db-rw:5432",
                    count: 5
                },
            ])
        );
        assert_eq!(parse_counts(""), Ok(vec![]));
        assert_eq!(
            parse_counts("a=1, b"),
            Err("`b` is not `database=count`".to_owned())
        );
        assert_eq!(
            parse_counts("a=-1"),
            Err("`a=-1` is not `database=count`".to_owned())
        );
        assert_eq!(
            parse_counts("=3"),
            Err("`=3` is not `database=count`".to_owned())
        );
    }
}
