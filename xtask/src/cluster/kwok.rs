//! The cluster's own KWOK configuration, written into the state folder at `up` beside the stages copied from the
//! kwok module: container logs for every pod (a ClusterLogs entry and its log file), a stage that completes bare
//! Pods with `restartPolicy: Never` (Helm's test Pods and Pod hooks), which KWOK's stock stages leave running, and
//! the stage that deletes pods, sparing pods that have already terminated.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The lines every container's log holds (`kubectl logs`, `helm test --logs`).
pub const CONTAINER_LOG_LINES: &[&str] = &["fake container log: KWOK runs no containers", "done"];

/// Writes `<state>/kwok/config.yaml` and the log file it names; returns the config's path (a second `--config`).
pub fn write_config(state: &Path) -> Result<PathBuf> {
    let dir = state.join("kwok");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let log = dir.join("container.log");
    std::fs::write(&log, cri_log(CONTAINER_LOG_LINES)).with_context(|| format!("writing {}", log.display()))?;
    let config = dir.join("config.yaml");
    let text = format!("{}---\n{COMPLETE_BARE_POD_STAGE}---\n{DELETE_POD_STAGE}", cluster_logs(&log));
    std::fs::write(&config, text).with_context(|| format!("writing {}", config.display()))?;
    Ok(config)
}

/// A log in the CRI format kubelets read (`<RFC 3339 time> stdout F <line>`), which KWOK's server serves.
fn cri_log(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("2026-01-01T00:00:00.000000000Z stdout F {line}\n")).collect()
}

/// One ClusterLogs entry without a selector: every container of every pod logs `log`.
fn cluster_logs(log: &Path) -> String {
    let path = serde_json::Value::String(log.display().to_string());
    format!(
        "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterLogs\nmetadata:\n  name: every-container\nspec:\n  logs:\n  \
         - logsFile: {path}\n    follow: false\n"
    )
}

/// KWOK's stock `pod-complete` stage selects only Job-owned pods; this one completes a running bare Pod that never
/// restarts (Helm's `helm test` Pods and Pod hooks, which Helm waits for until Succeeded). A Job's pod (also
/// `restartPolicy: Never`) matches both stages, which end in the same status. Pods that restart (Deployments,
/// StatefulSets, DaemonSets, `restartPolicy: Always` or `OnFailure`) keep running as before. As in the stock stage,
/// the containers terminate and the phase becomes Succeeded; the conditions stay as they were.
const COMPLETE_BARE_POD_STAGE: &str = r#"apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-complete-never-restarting
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.spec.restartPolicy'
      operator: 'In'
      values:
      - 'Never'
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 0
            reason: Completed
            startedAt: {{ $now | Quote }}
            finishedAt: {{ $now | Quote }}
      {{ end }}
      phase: Succeeded
"#;

/// KWOK's stock `pod-delete` stage finishes the deletion of every pod with a deletionTimestamp, by name and without
/// a UID precondition. kube-apiserver deletes a Succeeded or Failed pod at once, so KWOK's delete comes late and
/// can hit a new pod of the same name: a Pod hook or test Pod deleted (`before-hook-creation`) and created again at
/// once was itself deleted, and Helm waited for it until its timeout. This stage leaves terminated pods alone.
const DELETE_POD_STAGE: &str = r#"apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'Exists'
    - key: '.status.phase'
      operator: 'NotIn'
      values:
      - 'Succeeded'
      - 'Failed'
  next:
    delete: true
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_names_the_log_and_the_stage() {
        let dir = std::env::temp_dir().join(format!("xtask-kwok-{}", std::process::id()));
        let config = write_config(&dir).unwrap();
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(text.contains("kind: ClusterLogs"), "{text}");
        assert!(text.contains("name: pod-complete-never-restarting"), "{text}");
        assert!(text.contains("name: pod-delete"), "{text}");
        let log = std::fs::read_to_string(dir.join("kwok/container.log")).unwrap();
        assert_eq!(log.lines().count(), CONTAINER_LOG_LINES.len());
        assert!(log.ends_with(" stdout F done\n"), "{log}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
