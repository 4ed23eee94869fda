//! `ReleaseTesting`: Helm's `action.ReleaseTesting` (`helm test`) — run the release's test hooks and record their runs.

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
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
    /// `--filter name=...`: only these tests run (none: every test).
    pub include: Vec<String>,
    /// `--filter !name=...`: these tests are skipped.
    pub exclude: Vec<String>,
}

/// What a test run did: the release as recorded, and the failure of a test, if one failed.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// The last revision, with each test's run recorded.
    pub release: Release,
    /// The first failing test's error (Helm's text); the release was saved anyway.
    pub failure: Option<Error>,
}

impl ReleaseTesting {
    /// Tests in `config`'s namespace.
    pub fn new(config: Configuration, timeout: Duration) -> Self {
        ReleaseTesting { config, timeout, include: Vec::new(), exclude: Vec::new() }
    }

    /// Runs the test hooks of the last revision of `name`; the revision records each run,
    /// also when one fails (the error is then returned with the release saved).
    pub async fn run(&self, name: &str) -> Result<Release> {
        let run = self.run_recorded(name).await?;
        match run.failure {
            None => Ok(run.release),
            Some(e) => Err(e),
        }
    }

    /// As [`ReleaseTesting::run`], but a failing test still returns the release (as `helm test`
    /// prints its status before the error).
    pub async fn run_recorded(&self, name: &str) -> Result<TestRun> {
        with_lock(&self.config, name, async {
            let storage = self.config.storage();
            let mut release = storage.last(name).await.map_err(storage_error)?;
            tracing::info!(target: "helm_core", event = "start", action = "test", release = %name, "testing {name}");
            // Helm runs only the selected hooks, then puts the skipped ones back in front.
            let (selected, skipped): (Vec<_>, Vec<_>) =
                std::mem::take(&mut release.hooks).into_iter().partition(|h| self.selected(&h.name));
            release.hooks = selected;
            let result = run_hooks(self.config.kube(), &mut release, HookEvent::Test, self.timeout).await;
            let mut hooks = skipped;
            hooks.append(&mut release.hooks);
            release.hooks = hooks;
            storage.update(&release).await.map_err(storage_error)?;
            Ok(TestRun { release, failure: result.err().map(|e| Error::Action(e.to_string())) })
        })
        .await
    }

    /// Helm's `GetPodLogs`: for each test hook (by weight), `(name, logs)` of the pod of that
    /// name in the configuration's namespace; the first one that cannot be read is an error
    /// (`unable to get pod logs for NAME: ...`).
    pub async fn pod_logs(&self, release: &Release) -> Result<Vec<(String, String)>> {
        let api: Api<Pod> = Api::namespaced(self.config.kube().client().clone(), self.config.namespace());
        let mut hooks: Vec<&release_storage::Hook> = release.hooks.iter().collect();
        hooks.sort_by_key(|h| h.weight);
        let mut out = Vec::new();
        for hook in hooks {
            for event in &hook.events {
                if event.as_str() != "test" || !self.selected(&hook.name) {
                    continue;
                }
                let logs = api.logs(&hook.name, &LogParams::default()).await.map_err(|e| {
                    let message = match &e {
                        kube::Error::Api(status) => status.message.clone(),
                        other => other.to_string(),
                    };
                    Error::Cluster(format!("unable to get pod logs for {}: {message}", hook.name))
                })?;
                out.push((hook.name.clone(), logs));
            }
        }
        Ok(out)
    }

    fn selected(&self, name: &str) -> bool {
        !self.exclude.iter().any(|n| n == name) && (self.include.is_empty() || self.include.iter().any(|n| n == name))
    }
}
