//! Where contexts are kept: the `ContextStore` trait and the embedded store (one redb database file).

use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use super::cipher::Cipher;
use super::model::Context;
use crate::error::{Error, Result};

/// Keeps contexts. Implementations encrypt credentials at rest.
#[tonic::async_trait]
pub trait ContextStore: Send + Sync + 'static {
    /// Stores a context, replacing one of the same name.
    async fn put(&self, context: &Context) -> Result<()>;
    /// The context of that name.
    async fn get(&self, name: &str) -> Result<Option<Context>>;
    /// Deletes a context; whether it existed.
    async fn delete(&self, name: &str) -> Result<bool>;
    /// Every context, sorted by name.
    async fn list(&self) -> Result<Vec<Context>>;
}

/// The table of contexts: name -> sealed JSON record.
const CONTEXTS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("contexts");

/// The embedded store: a single local redb database file whose records are
/// AES-256-GCM sealed JSON (the name is the associated data, so a record
/// cannot be moved to another name).
#[derive(Clone)]
pub struct EmbeddedStore {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    cipher: Cipher,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").finish_non_exhaustive()
    }
}

impl EmbeddedStore {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path, cipher: Cipher) -> Result<Self> {
        let db = Database::create(path)
            .map_err(|e| Error::Internal(format!("opening the contexts database {}: {e}", path.display())))?;
        // The records are sealed, but nobody else has any business reading the file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::Internal(format!("protecting {}: {e}", path.display())))?;
        }
        let tx = db.begin_write().map_err(store_error)?;
        tx.open_table(CONTEXTS).map_err(store_error)?;
        tx.commit().map_err(store_error)?;
        Ok(Self { inner: Arc::new(Inner { db, cipher }) })
    }

    /// Runs a database call off the async threads (redb blocks on disk).
    async fn blocking<T: Send + 'static>(&self, f: impl FnOnce(&Inner) -> Result<T> + Send + 'static) -> Result<T> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner)).await.map_err(|e| Error::Internal(format!("store task: {e}")))?
    }
}

#[tonic::async_trait]
impl ContextStore for EmbeddedStore {
    async fn put(&self, context: &Context) -> Result<()> {
        let context = context.clone();
        self.blocking(move |inner| inner.put(&context)).await
    }

    async fn get(&self, name: &str) -> Result<Option<Context>> {
        let name = name.to_owned();
        self.blocking(move |inner| inner.get(&name)).await
    }

    async fn delete(&self, name: &str) -> Result<bool> {
        let name = name.to_owned();
        self.blocking(move |inner| inner.delete(&name)).await
    }

    async fn list(&self) -> Result<Vec<Context>> {
        self.blocking(|inner| inner.list()).await
    }
}

impl Inner {
    fn put(&self, context: &Context) -> Result<()> {
        let json = serde_json::to_vec(context).map_err(|e| Error::Internal(e.to_string()))?;
        let sealed = self.cipher.seal(context.name.as_bytes(), &json)?;
        let tx = self.db.begin_write().map_err(store_error)?;
        {
            let mut table = tx.open_table(CONTEXTS).map_err(store_error)?;
            table.insert(context.name.as_str(), sealed.as_slice()).map_err(store_error)?;
        }
        tx.commit().map_err(store_error)
    }

    fn get(&self, name: &str) -> Result<Option<Context>> {
        let tx = self.db.begin_read().map_err(store_error)?;
        let table = tx.open_table(CONTEXTS).map_err(store_error)?;
        let Some(sealed) = table.get(name).map_err(store_error)? else { return Ok(None) };
        self.decode(name, sealed.value()).map(Some)
    }

    fn delete(&self, name: &str) -> Result<bool> {
        let tx = self.db.begin_write().map_err(store_error)?;
        let existed = {
            let mut table = tx.open_table(CONTEXTS).map_err(store_error)?;
            table.remove(name).map_err(store_error)?.is_some()
        };
        tx.commit().map_err(store_error)?;
        Ok(existed)
    }

    fn list(&self) -> Result<Vec<Context>> {
        let tx = self.db.begin_read().map_err(store_error)?;
        let table = tx.open_table(CONTEXTS).map_err(store_error)?;
        let mut out = Vec::new();
        for item in table.iter().map_err(store_error)? {
            let (name, sealed) = item.map_err(store_error)?;
            out.push(self.decode(name.value(), sealed.value())?);
        }
        Ok(out)
    }
}

impl Inner {
    fn decode(&self, name: &str, sealed: &[u8]) -> Result<Context> {
        let json = self.cipher.open(name.as_bytes(), sealed)?;
        serde_json::from_slice(&json).map_err(|e| Error::Internal(format!("a stored context is corrupt: {e}")))
    }
}

fn store_error(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("contexts database: {err}"))
}
