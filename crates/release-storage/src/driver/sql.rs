//! `SqlDriver`: releases in PostgreSQL with Helm's own tables, as Helm's `sql` driver.
//!
//! The tables are Helm's (`releases_v1`, `custom_labels_v1`) and so is the
//! migrations record (`gorp_migrations`, the table Helm's sql-migrate keeps):
//! real `helm` with `HELM_DRIVER=sql` and the same connection string sees
//! both migrations applied and reads and writes the same rows.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, GenericClient, NoTls};

use crate::codec::{decode_release, encode_release};
use crate::driver::sql_tls::{Tls, connector, split_tls};
use crate::driver::{BoxFuture, Driver, Filter, now_unix};
use crate::error::{Error, Result};
use crate::object::{RELEASE_TYPE, filter_system_labels, system_labels};
use crate::release::Release;
use crate::status::Status;
use crate::summary::ReleaseSummary;

/// The labels the SQL driver can query on: the columns of `releases_v1` (Helm's `labelMap`).
const QUERY_COLUMNS: [&str; 6] = ["modifiedAt", "createdAt", "version", "status", "owner", "name"];

/// Helm's two migrations, by id, with the statements Helm runs for them.
const MIGRATIONS: [(&str, &str); 2] = [
    (
        "init",
        "CREATE TABLE releases_v1 (
            key VARCHAR(90),
            type VARCHAR(64) NOT NULL,
            body TEXT NOT NULL,
            name VARCHAR(64) NOT NULL,
            namespace VARCHAR(64) NOT NULL,
            version INTEGER NOT NULL,
            status TEXT NOT NULL,
            owner TEXT NOT NULL,
            createdAt INTEGER NOT NULL,
            modifiedAt INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(key, namespace)
        );
        CREATE INDEX ON releases_v1 (key, namespace);
        CREATE INDEX ON releases_v1 (version);
        CREATE INDEX ON releases_v1 (status);
        CREATE INDEX ON releases_v1 (owner);
        CREATE INDEX ON releases_v1 (createdAt);
        CREATE INDEX ON releases_v1 (modifiedAt);
        GRANT ALL ON releases_v1 TO PUBLIC;
        ALTER TABLE releases_v1 ENABLE ROW LEVEL SECURITY;",
    ),
    (
        "custom_labels",
        "CREATE TABLE custom_labels_v1 (
            releaseKey VARCHAR(64),
            releaseNamespace VARCHAR(67),
            key VARCHAR(317),
            value VARCHAR(63)
        );
        CREATE INDEX ON custom_labels_v1 (releaseKey, releaseNamespace);
        GRANT ALL ON custom_labels_v1 TO PUBLIC;
        ALTER TABLE custom_labels_v1 ENABLE ROW LEVEL SECURITY;",
    ),
];

/// Any constant shared by every helm-api process: the advisory lock that keeps
/// two of them from creating the tables at once.
const SETUP_LOCK: i64 = 0x6865_6c6d_7371_6c31;

/// Releases in a PostgreSQL database, in Helm's `releases_v1` and `custom_labels_v1` tables.
///
/// As Helm's driver, it is bound to a namespace that `create` and `update`
/// switch to the release's (`default` when it has none); an empty namespace
/// makes `list` and `query` see all of them. Updating or deleting a revision
/// that is not there is [`Error::ReleaseNotFound`]. [`Driver::summaries`]
/// reads the name, version and status columns and decodes no body.
pub struct SqlDriver {
    client: tokio::sync::Mutex<Client>,
    namespace: Mutex<String>,
}

impl std::fmt::Debug for SqlDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlDriver").field("namespace", &self.namespace()).finish()
    }
}

fn db(context: &str, e: tokio_postgres::Error) -> Error {
    Error::Backend { context: context.to_owned(), source: Box::new(e) }
}

impl SqlDriver {
    /// Connects with a connection string as Helm's `HELM_DRIVER_SQL_CONNECTION_STRING`
    /// (`host=... user=... dbname=... sslmode=...` or a `postgres://` URL; TLS per
    /// `sslmode`, see `sql_tls`), creates Helm's tables when missing, and binds
    /// the driver to `namespace`.
    pub async fn connect(connection: &str, namespace: &str) -> Result<SqlDriver> {
        let (connection, tls) = split_tls(connection);
        let client = if tls == Tls::Off {
            let (client, conn) =
                tokio_postgres::connect(&connection, NoTls).await.map_err(|e| db("sql: connect", e))?;
            // The connection task ends when the client is dropped.
            tokio::spawn(conn);
            client
        } else {
            let (client, conn) =
                tokio_postgres::connect(&connection, connector(&tls)?).await.map_err(|e| db("sql: connect", e))?;
            tokio::spawn(conn);
            client
        };
        let driver = SqlDriver { client: tokio::sync::Mutex::new(client), namespace: Mutex::new(namespace.to_owned()) };
        driver.ensure_tables().await?;
        Ok(driver)
    }

    /// The namespace later calls look in.
    pub fn namespace(&self) -> String {
        self.namespace.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Switches the namespace later calls look in; empty means all namespaces for `list` and `query`.
    pub fn set_namespace(&self, namespace: &str) {
        *self.namespace.lock().unwrap_or_else(PoisonError::into_inner) = namespace.to_owned();
    }

    /// Applies Helm's migrations that `gorp_migrations` does not record, and records them.
    async fn ensure_tables(&self) -> Result<()> {
        let mut client = self.client.lock().await;
        let tx = client.transaction().await.map_err(|e| db("sql: begin", e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SETUP_LOCK]).await.map_err(|e| db("sql: lock", e))?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)",
        )
        .await
        .map_err(|e| db("sql: migrations table", e))?;
        let applied: Vec<String> = tx
            .query("SELECT id FROM gorp_migrations", &[])
            .await
            .map_err(|e| db("sql: read migrations", e))?
            .iter()
            .map(|row| row.get(0))
            .collect();
        for (id, statements) in MIGRATIONS {
            if applied.iter().any(|a| a == id) {
                continue;
            }
            tx.batch_execute(statements).await.map_err(|e| db("sql: migrate", e))?;
            tx.execute("INSERT INTO gorp_migrations (id, applied_at) VALUES ($1, now())", &[&id])
                .await
                .map_err(|e| db("sql: record migration", e))?;
        }
        tx.commit().await.map_err(|e| db("sql: commit", e))
    }

    /// Custom labels of the revisions in `namespace` (all when empty), by (namespace, key).
    async fn custom_labels<C: GenericClient + Sync>(
        client: &C,
        namespace: &str,
        key: Option<&str>,
    ) -> Result<BTreeMap<(String, String), BTreeMap<String, String>>> {
        let sql = "SELECT releaseNamespace, releaseKey, key, value FROM custom_labels_v1
                   WHERE ($1 = '' OR releaseNamespace = $1) AND ($2::text IS NULL OR releaseKey = $2)";
        let rows = client.query(sql, &[&namespace, &key]).await.map_err(|e| db("sql: custom labels", e))?;
        let mut out: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
        for row in rows {
            let (ns, rk, k, v): (Option<String>, Option<String>, Option<String>, Option<String>) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            out.entry((ns.unwrap_or_default(), rk.unwrap_or_default()))
                .or_default()
                .insert(k.unwrap_or_default(), v.unwrap_or_default());
        }
        Ok(out)
    }

    /// Decodes rows of (key, namespace, body), skipping (as Helm does) those that do not decode.
    async fn decode_rows(client: &Client, namespace: &str, rows: Vec<tokio_postgres::Row>) -> Result<Vec<Release>> {
        let labels = Self::custom_labels(client, namespace, None).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (key, ns, body): (String, String, String) = (row.get(0), row.get(1), row.get(2));
            let Ok(mut release) = decode_release(&body) else { continue };
            release.labels = labels.get(&(ns, key)).map(filter_system_labels).unwrap_or_default();
            out.push(release);
        }
        Ok(out)
    }
}

/// `SELECT <columns> FROM releases_v1` in `namespace` (all when empty) where every label equals its column
/// (Helm's `Query`), with the parameter values in order; a label that is no column is Helm's `unknown label`.
fn select_where(columns: &str, namespace: &str, labels: &BTreeMap<String, String>) -> Result<(String, Vec<String>)> {
    let mut sql = format!("SELECT {columns} FROM releases_v1 WHERE ($1 = '' OR namespace = $1)");
    let mut values = vec![namespace.to_owned()];
    for (k, v) in labels {
        if !QUERY_COLUMNS.contains(&k.as_str()) {
            return Err(Error::UnknownLabel(k.clone()));
        }
        values.push(v.clone());
        // Integer columns compare as text, as the label values Helm passes are strings.
        sql.push_str(&format!(" AND {k}::text = ${}", values.len()));
    }
    Ok((sql, values))
}

fn namespace_of(release: &Release) -> String {
    if release.namespace.is_empty() { "default".to_owned() } else { release.namespace.clone() }
}

impl Driver for SqlDriver {
    fn name(&self) -> &'static str {
        "SQL"
    }

    fn create<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let namespace = namespace_of(release);
            self.set_namespace(&namespace);
            let body = encode_release(release)?;
            let mut client = self.client.lock().await;
            let tx = client.transaction().await.map_err(|e| db("error beginning transaction", e))?;
            let inserted = tx
                .execute(
                    "INSERT INTO releases_v1 (key, type, body, name, namespace, version, status, owner, createdAt)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'helm', $8)",
                    &[
                        &key,
                        &RELEASE_TYPE,
                        &body,
                        &release.name,
                        &namespace,
                        &(release.version as i32),
                        &release.status().as_str(),
                        &(now_unix() as i32),
                    ],
                )
                .await;
            if let Err(e) = inserted {
                return Err(if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    Error::ReleaseExists
                } else {
                    db("create: failed to store release", e)
                });
            }
            for (k, v) in filter_system_labels(&release.labels) {
                tx.execute(
                    "INSERT INTO custom_labels_v1 (releaseKey, releaseNamespace, key, value) VALUES ($1, $2, $3, $4)",
                    &[&key, &namespace, &k, &v],
                )
                .await
                .map_err(|e| db("failed to write Labels", e))?;
            }
            tx.commit().await.map_err(|e| db("create: commit", e))
        })
    }

    fn update<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let namespace = namespace_of(release);
            self.set_namespace(&namespace);
            let body = encode_release(release)?;
            let client = self.client.lock().await;
            let n = client
                .execute(
                    "UPDATE releases_v1 SET body = $1, name = $2, version = $3, status = $4, owner = 'helm', modifiedAt = $5
                     WHERE key = $6 AND namespace = $7",
                    &[
                        &body,
                        &release.name,
                        &(release.version as i32),
                        &release.status().as_str(),
                        &(now_unix() as i32),
                        &key,
                        &namespace,
                    ],
                )
                .await
                .map_err(|e| db("update: failed to update", e))?;
            if n == 0 { Err(Error::ReleaseNotFound) } else { Ok(()) }
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
        Box::pin(async move {
            let namespace = self.namespace();
            let mut client = self.client.lock().await;
            let tx = client.transaction().await.map_err(|e| db("error beginning transaction", e))?;
            let row = tx
                .query_opt("SELECT body FROM releases_v1 WHERE key = $1 AND namespace = $2", &[&key, &namespace])
                .await
                .map_err(|e| db("delete: select", e))?
                .ok_or(Error::ReleaseNotFound)?;
            let mut release = decode_release(row.get(0))?;
            tx.execute("DELETE FROM releases_v1 WHERE key = $1 AND namespace = $2", &[&key, &namespace])
                .await
                .map_err(|e| db("failed perform delete query", e))?;
            let labels = Self::custom_labels(&tx, &namespace, Some(key)).await?;
            release.labels = labels.into_values().next().map(|l| filter_system_labels(&l)).unwrap_or_default();
            tx.execute(
                "DELETE FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
                &[&key, &namespace],
            )
            .await
            .map_err(|e| db("delete: labels", e))?;
            tx.commit().await.map_err(|e| db("delete: commit", e))?;
            Ok(release)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
        Box::pin(async move {
            let namespace = self.namespace();
            let client = self.client.lock().await;
            let row = client
                .query_opt("SELECT body FROM releases_v1 WHERE key = $1 AND namespace = $2", &[&key, &namespace])
                .await
                .map_err(|e| db("get: select", e))?
                .ok_or(Error::ReleaseNotFound)?;
            let mut release = decode_release(row.get(0))?;
            let labels = Self::custom_labels(&*client, &namespace, Some(key)).await?;
            release.labels = labels.into_values().next().map(|l| filter_system_labels(&l)).unwrap_or_default();
            Ok(release)
        })
    }

    fn list<'a>(&'a self, filter: Filter<'a>) -> BoxFuture<'a, Result<Vec<Release>>> {
        Box::pin(async move {
            let namespace = self.namespace();
            let client = self.client.lock().await;
            let rows = client
                .query(
                    "SELECT key, namespace, body FROM releases_v1 WHERE owner = 'helm' AND ($1 = '' OR namespace = $1)",
                    &[&namespace],
                )
                .await
                .map_err(|e| db("list: failed to list", e))?;
            let mut releases = Self::decode_rows(&client, &namespace, rows).await?;
            // As Helm's SQL driver, listed releases carry the system labels too.
            for r in &mut releases {
                let system = system_labels(r);
                r.labels.extend(system);
            }
            releases.retain(|r| filter(r));
            Ok(releases)
        })
    }

    fn summaries<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<ReleaseSummary>>> {
        Box::pin(async move {
            let namespace = self.namespace();
            let (sql, values) = select_where("key, namespace, name, version, status", &namespace, labels)?;
            let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            let client = self.client.lock().await;
            let rows = client.query(&sql, &params).await.map_err(|e| db("list: failed to query with labels", e))?;
            let custom = Self::custom_labels(&*client, &namespace, None).await?;
            Ok(rows
                .iter()
                .map(|row| {
                    let (key, ns, name, version, status): (String, String, String, i32, String) =
                        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
                    let mut labels = custom.get(&(ns.clone(), key)).map(filter_system_labels).unwrap_or_default();
                    labels.extend([
                        ("name".to_owned(), name.clone()),
                        ("owner".to_owned(), "helm".to_owned()),
                        ("status".to_owned(), status.clone()),
                        ("version".to_owned(), version.to_string()),
                    ]);
                    ReleaseSummary {
                        name,
                        namespace: ns,
                        version: i64::from(version),
                        status: Status::from_word(&status),
                        labels,
                    }
                })
                .collect())
        })
    }

    fn query<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<Release>>> {
        Box::pin(async move {
            let namespace = self.namespace();
            let (sql, values) = select_where("key, namespace, body", &namespace, labels)?;
            let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            let client = self.client.lock().await;
            let rows = client.query(&sql, &params).await.map_err(|e| db("list: failed to query with labels", e))?;
            if rows.is_empty() {
                return Err(Error::ReleaseNotFound);
            }
            let releases = Self::decode_rows(&client, &namespace, rows).await?;
            if releases.is_empty() { Err(Error::ReleaseNotFound) } else { Ok(releases) }
        })
    }
}
