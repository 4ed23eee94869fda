//! Running the hooks of one event as Helm 3's `execHook`: by weight, created, waited for, deleted by policy.

use std::time::{Duration, Instant, SystemTime};

use serde_json::Value as Json;

use crate::client::KubeClient;
use crate::error::{Error, Result};
use crate::hook::{Hook, HookDeletePolicy, HookEvent};
use crate::object::{Resource, str_at};
use crate::ready;

/// How hooks run.
#[derive(Debug, Clone)]
pub struct HookOptions {
    /// How long each hook may take to finish (and each deletion).
    pub timeout: Duration,
    /// Time between checks of a running Job or Pod.
    pub interval: Duration,
}

impl Default for HookOptions {
    fn default() -> Self {
        HookOptions { timeout: Duration::from_secs(300), interval: Duration::from_millis(500) }
    }
}

/// How one hook's run went, for the release record's `last_run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRun {
    /// The hook's name.
    pub name: String,
    /// The hook's template path.
    pub path: String,
    /// When it was created.
    pub started_at: SystemTime,
    /// When it finished.
    pub completed_at: SystemTime,
    /// Whether it succeeded.
    pub succeeded: bool,
}

/// The runs of one event's hooks and, if one failed, the error.
#[derive(Debug)]
pub struct HooksOutcome {
    /// One entry per hook that started, in run order.
    pub runs: Vec<HookRun>,
    /// The failure that stopped the event, if any.
    pub error: Option<Error>,
}

impl HooksOutcome {
    /// The error, if any.
    pub fn into_result(self) -> Result<Vec<HookRun>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.runs),
        }
    }
}

impl KubeClient {
    /// Runs the hooks of `event`: sorted by weight then name; each one's old
    /// object deleted first (`before-hook-creation`, the default when a hook
    /// names no policy), created, and waited for (Jobs until complete, Pods
    /// until succeeded); on failure `hook-failed` hooks are deleted, and
    /// earlier `hook-succeeded` ones; at the end `hook-succeeded` hooks are
    /// deleted, last first. CustomResourceDefinitions are never deleted.
    pub async fn run_hooks(&self, hooks: &[Hook], event: HookEvent, options: &HookOptions) -> HooksOutcome {
        let mut executing: Vec<Hook> = hooks.iter().filter(|h| h.events.contains(&event)).cloned().collect();
        executing.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.name.cmp(&b.name)));
        for h in &mut executing {
            if h.delete_policies.is_empty() {
                h.delete_policies = vec![HookDeletePolicy::BeforeHookCreation];
            }
        }
        let mut runs = Vec::new();
        for (i, hook) in executing.iter().enumerate() {
            if let Err(e) = self.delete_hook_by_policy(hook, &HookDeletePolicy::BeforeHookCreation, options).await {
                return HooksOutcome { runs, error: Some(e) };
            }
            let started_at = SystemTime::now();
            tracing::info!(target: "kube_apply", event = "hook-started", hook_event = %event, hook = %hook.name,
                path = %hook.path, weight = hook.weight, "running {event} hook {}", hook.path);
            let result = self.create_and_watch(hook, event, options).await;
            let completed_at = SystemTime::now();
            runs.push(HookRun {
                name: hook.name.clone(),
                path: hook.path.clone(),
                started_at,
                completed_at,
                succeeded: result.is_ok(),
            });
            if let Err(e) = result {
                tracing::warn!(target: "kube_apply", event = "hook-failed", hook_event = %event, hook = %hook.name,
                    path = %hook.path, error = %e, "{event} hook {} failed", hook.path);
                if let Err(d) = self.delete_hook_by_policy(hook, &HookDeletePolicy::HookFailed, options).await {
                    tracing::warn!(target: "kube_apply", event = "hook-delete-failed", error = %d, "deleting failed hook");
                }
                for earlier in &executing[..i] {
                    if let Err(d) = self.delete_hook_by_policy(earlier, &HookDeletePolicy::HookSucceeded, options).await
                    {
                        return HooksOutcome { runs, error: Some(d) };
                    }
                }
                return HooksOutcome { runs, error: Some(e) };
            }
            tracing::info!(target: "kube_apply", event = "hook-succeeded", hook_event = %event, hook = %hook.name,
                path = %hook.path, "{event} hook {} succeeded", hook.path);
        }
        for hook in executing.iter().rev() {
            if let Err(e) = self.delete_hook_by_policy(hook, &HookDeletePolicy::HookSucceeded, options).await {
                return HooksOutcome { runs, error: Some(e) };
            }
        }
        HooksOutcome { runs, error: None }
    }

    async fn create_and_watch(&self, hook: &Hook, event: HookEvent, options: &HookOptions) -> Result<()> {
        let wrap =
            |e: Error| Error::HookFailed { event: event.to_string(), path: hook.path.clone(), message: e.to_string() };
        let mut resources = self.build(&hook.path, &hook.manifest).await.map_err(|e| Error::HookFailed {
            event: event.to_string(),
            path: hook.path.clone(),
            message: format!("unable to build kubernetes object for {event} hook {}: {e}", hook.path),
        })?;
        self.create(&mut resources, &crate::ApplyOptions::default()).await.map_err(wrap)?;
        for resource in &resources {
            // What Helm's `WatchUntilReady` says: the Job's or Pod's own failure, or client-go's timeout text.
            self.watch_until_done(resource, options).await.map_err(|e| {
                let message = match e {
                    Error::ResourceFailed { message, .. } => message,
                    Error::Timeout { .. } => "timed out waiting for the condition".to_owned(),
                    other => other.to_string(),
                };
                Error::HookFailed { event: event.to_string(), path: hook.path.clone(), message }
            })?;
        }
        Ok(())
    }

    /// Jobs until complete, Pods until succeeded; other kinds are done once created.
    async fn watch_until_done(&self, resource: &Resource, options: &HookOptions) -> Result<()> {
        let kind = resource.kind();
        if kind != "Job" && kind != "Pod" {
            return Ok(());
        }
        let start = Instant::now();
        loop {
            let live = self.get(resource).await?.unwrap_or(Json::Null);
            let done = if kind == "Job" {
                ready::job_finished(&live)
            } else {
                match str_at(&live, "/status/phase") {
                    "Succeeded" => Some(Ok(())),
                    "Failed" => Some(Err(format!("pod {} failed", resource.name))),
                    _ => None,
                }
            };
            match done {
                Some(Ok(())) => return Ok(()),
                Some(Err(message)) => {
                    return Err(Error::ResourceFailed { resource: resource.reference().to_string(), message });
                }
                None => {}
            }
            if start.elapsed() >= options.timeout {
                return Err(Error::Timeout {
                    timeout: options.timeout,
                    not_ready: vec![resource.reference().to_string()],
                });
            }
            tokio::time::sleep(options.interval).await;
        }
    }

    async fn delete_hook_by_policy(&self, hook: &Hook, policy: &HookDeletePolicy, options: &HookOptions) -> Result<()> {
        if hook.kind == "CustomResourceDefinition" || !hook.has_delete_policy(policy) {
            return Ok(());
        }
        let resources = self.build(&hook.path, &hook.manifest).await?;
        self.delete(&resources, crate::Propagation::Background).await?;
        self.wait_for_delete(&resources, options.timeout).await
    }
}
