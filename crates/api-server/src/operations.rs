//! Running operations: mutating Helm operations run in their own tasks, counted, so a dropped
//! connection never cancels one halfway and shutdown can wait for them.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

use crate::error::{Error, Result};

/// The count of running operations, shared by the service and the server.
#[derive(Clone, Debug, Default)]
pub struct Operations {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    running: AtomicUsize,
    idle: Notify,
}

/// Decrements the count when the task ends, however it ends.
struct Guard(Arc<Inner>);

impl Drop for Guard {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Operations {
    /// Runs `operation` in its own task and waits for its result. Dropping the returned
    /// future (the client went away) does not stop the operation.
    pub async fn run<T, F>(&self, operation: F) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let handle = self.spawn(operation);
        handle.await.map_err(|e| Error::Internal(format!("operation task: {e}")))?
    }

    /// Spawns `operation` as a counted task.
    pub fn spawn<T, F>(&self, operation: F) -> tokio::task::JoinHandle<T>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.inner.running.fetch_add(1, Ordering::SeqCst);
        let guard = Guard(self.inner.clone());
        tokio::spawn(async move {
            let _guard = guard;
            operation.await
        })
    }

    /// How many operations are running.
    pub fn running(&self) -> usize {
        self.inner.running.load(Ordering::SeqCst)
    }

    /// Waits until no operation runs, at most `limit`; whether they all finished.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.inner.idle.notified();
                if self.running() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_and_survives_a_dropped_caller() {
        let operations = Operations::default();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let finished = Arc::new(AtomicUsize::new(0));
        let done = finished.clone();
        let caller = operations.run(async move {
            let _ = rx.await;
            done.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        // The caller gives up; the operation keeps running.
        drop(tokio::time::timeout(Duration::from_millis(20), caller).await);
        assert_eq!(operations.running(), 1);
        assert!(!operations.wait_idle(Duration::from_millis(20)).await);
        tx.send(()).unwrap();
        assert!(operations.wait_idle(Duration::from_secs(5)).await);
        assert_eq!(finished.load(Ordering::SeqCst), 1);
        assert_eq!(operations.running(), 0);
    }
}
