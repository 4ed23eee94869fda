//! `ReleaseTesting`: Helm's `action.ReleaseTesting` (`helm test`) — run the release's test hooks and record their runs.

use std::time::Duration;

use kube_apply::HookEvent;
use release_storage::Release;

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::operation::{run_hooks, storage_error, with_lock};

/// `helm test`.
#[derive(Debug, Clone)]
pub struct ReleaseTesting {
    config: Configuration,
    /// `--timeout` for each test hook.
    pub timeout: Duration,
}

impl ReleaseTesting {
    /// Tests in `config`'s namespace.
    pub fn new(config: Configuration, timeout: Duration) -> Self {
        ReleaseTesting { config, timeout }
    }

    /// Runs the test hooks of the last revision of `name`; the revision records each run,
    /// also when one fails (the error is then returned with the release saved).
    pub async fn run(&self, name: &str) -> Result<Release> {
        with_lock(&self.config, name, async {
            let storage = self.config.storage();
            let mut release = storage.last(name).await.map_err(storage_error)?;
            tracing::info!(target: "helm_core", event = "start", action = "test", release = %name, "testing {name}");
            let result = run_hooks(self.config.kube(), &mut release, HookEvent::Test, self.timeout).await;
            storage.update(&release).await.map_err(storage_error)?;
            match result {
                Ok(()) => Ok(release),
                Err(e) => Err(Error::Action(format!("{e}"))),
            }
        })
        .await
    }
}
