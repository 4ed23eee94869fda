//! Readiness of live objects as Helm 3's `kube.ReadyChecker` decides it, on their JSON.

use serde_json::Value as Json;

use crate::object::str_at;

/// Whether an object is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Ready (or a kind Helm does not wait for).
    Ready,
    /// Not ready yet; the text says why, as Helm's log line does.
    NotReady(String),
    /// Will never be ready (a Job past its backoff limit).
    Failed(String),
}

fn int_at(object: &Json, pointer: &str) -> i64 {
    object.pointer(pointer).and_then(Json::as_i64).unwrap_or(0)
}

fn ns_name(object: &Json) -> String {
    format!("{}/{}", str_at(object, "/metadata/namespace"), str_at(object, "/metadata/name"))
}

fn generation_observed(kind: &str, object: &Json) -> Result<(), String> {
    let observed = int_at(object, "/status/observedGeneration");
    let generation = int_at(object, "/metadata/generation");
    if observed == generation {
        Ok(())
    } else {
        Err(format!(
            "{kind} is not ready: {}. observedGeneration ({observed}) does not match spec generation ({generation}).",
            ns_name(object)
        ))
    }
}

/// A Pod is ready when its `Ready` condition is true.
pub fn pod_ready(pod: &Json) -> Readiness {
    let ready = pod
        .pointer("/status/conditions")
        .and_then(Json::as_array)
        .is_some_and(|conds| conds.iter().any(|c| str_at(c, "/type") == "Ready" && str_at(c, "/status") == "True"));
    if ready { Readiness::Ready } else { Readiness::NotReady(format!("Pod is not ready: {}", ns_name(pod))) }
}

/// A Job fails past its backoff limit and is ready once its completions succeeded.
pub fn job_ready(job: &Json) -> Readiness {
    let backoff = job.pointer("/spec/backoffLimit").and_then(Json::as_i64).unwrap_or(6);
    if int_at(job, "/status/failed") > backoff {
        return Readiness::Failed(format!("job is failed: {}", ns_name(job)));
    }
    if let Some(completions) = job.pointer("/spec/completions").and_then(Json::as_i64)
        && int_at(job, "/status/succeeded") < completions
    {
        return Readiness::NotReady(format!("Job is not completed: {}", ns_name(job)));
    }
    Readiness::Ready
}

/// Whether a Job finished (succeeded or failed), for hooks: `Complete` or `Failed` condition.
pub fn job_finished(job: &Json) -> Option<Result<(), String>> {
    let conds = job.pointer("/status/conditions").and_then(Json::as_array)?;
    for c in conds {
        if str_at(c, "/status") != "True" {
            continue;
        }
        match str_at(c, "/type") {
            "Complete" | "SuccessCriteriaMet" => return Some(Ok(())),
            "Failed" | "FailureTarget" => {
                return Some(Err(format!("job {} failed: {}", str_at(job, "/metadata/name"), str_at(c, "/reason"))));
            }
            _ => {}
        }
    }
    None
}

/// A PersistentVolumeClaim is ready when bound.
pub fn pvc_ready(pvc: &Json) -> Readiness {
    if str_at(pvc, "/status/phase") == "Bound" {
        Readiness::Ready
    } else {
        Readiness::NotReady(format!("PersistentVolumeClaim is not bound: {}", ns_name(pvc)))
    }
}

/// A Service is ready with a cluster IP and, for a LoadBalancer, an ingress address or external IPs.
pub fn service_ready(svc: &Json) -> Readiness {
    let kind = str_at(svc, "/spec/type");
    if kind == "ExternalName" {
        return Readiness::Ready;
    }
    if str_at(svc, "/spec/clusterIP").is_empty() {
        return Readiness::NotReady(format!("Service does not have cluster IP address: {}", ns_name(svc)));
    }
    if kind == "LoadBalancer" {
        let external = svc.pointer("/spec/externalIPs").and_then(Json::as_array).is_some_and(|a| !a.is_empty());
        if external {
            return Readiness::Ready;
        }
        if svc.pointer("/status/loadBalancer/ingress").is_none_or(Json::is_null) {
            return Readiness::NotReady(format!(
                "Service does not have load balancer ingress IP address: {}",
                ns_name(svc)
            ));
        }
    }
    Readiness::Ready
}

/// An int-or-percent scaled against a total (`intstr.GetScaledValueFromIntOrPercent`).
fn scaled(value: Option<&Json>, default: &Json, total: i64, round_up: bool) -> i64 {
    match value.filter(|v| !v.is_null()).unwrap_or(default) {
        Json::Number(n) => n.as_i64().unwrap_or(0),
        Json::String(s) => percent(s, total, round_up),
        _ => 0,
    }
}

fn percent(text: &str, total: i64, round_up: bool) -> i64 {
    let Some(p) = text.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) else {
        return 0;
    };
    let product = p * total;
    if round_up { (product + 99).div_euclid(100) } else { product.div_euclid(100) }
}

/// `deploymentutil.MaxUnavailable`: 0 unless a rolling update with replicas.
fn max_unavailable(dep: &Json, replicas: i64) -> i64 {
    let strategy = str_at(dep, "/spec/strategy/type");
    if !(strategy.is_empty() || strategy == "RollingUpdate") || replicas == 0 {
        return 0;
    }
    let surge = scaled(dep.pointer("/spec/strategy/rollingUpdate/maxSurge"), &Json::from("25%"), replicas, true);
    let mut unavailable =
        scaled(dep.pointer("/spec/strategy/rollingUpdate/maxUnavailable"), &Json::from("25%"), replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    unavailable.min(replicas)
}

/// A Deployment is ready when its new ReplicaSet has observed its generation
/// and has enough ready pods (replicas minus max unavailable). A paused
/// Deployment counts as ready, as Helm's default.
pub fn deployment_ready(dep: &Json, new_replica_set: Option<&Json>) -> Readiness {
    if dep.pointer("/spec/paused").and_then(Json::as_bool) == Some(true) {
        return Readiness::Ready;
    }
    let Some(rs) = new_replica_set else {
        return Readiness::NotReady(format!(
            "Deployment is not ready: {}. its new ReplicaSet does not exist yet",
            ns_name(dep)
        ));
    };
    if let Err(e) = generation_observed("ReplicaSet", rs) {
        return Readiness::NotReady(e);
    }
    if let Err(e) = generation_observed("Deployment", dep) {
        return Readiness::NotReady(e);
    }
    let replicas = dep.pointer("/spec/replicas").and_then(Json::as_i64).unwrap_or(1);
    let expected = replicas - max_unavailable(dep, replicas);
    let ready = int_at(rs, "/status/readyReplicas");
    if ready < expected {
        return Readiness::NotReady(format!(
            "Deployment is not ready: {}. {ready} out of {expected} expected pods are ready",
            ns_name(dep)
        ));
    }
    Readiness::Ready
}

/// Whether `rs` is the new ReplicaSet of `dep`: owned by it, same revision.
pub fn is_new_replica_set(dep: &Json, rs: &Json) -> bool {
    let uid = str_at(dep, "/metadata/uid");
    let owned = rs.pointer("/metadata/ownerReferences").and_then(Json::as_array).is_some_and(|refs| {
        refs.iter().any(|r| str_at(r, "/uid") == uid && r.pointer("/controller") == Some(&Json::Bool(true)))
    });
    let revision = "/metadata/annotations/deployment.kubernetes.io~1revision";
    owned && !str_at(dep, revision).is_empty() && str_at(dep, revision) == str_at(rs, revision)
}

/// A DaemonSet is ready when its rolling update scheduled and readied enough pods.
pub fn daemon_set_ready(ds: &Json) -> Readiness {
    if let Err(e) = generation_observed("DaemonSet", ds) {
        return Readiness::NotReady(e);
    }
    let strategy = str_at(ds, "/spec/updateStrategy/type");
    if !(strategy.is_empty() || strategy == "RollingUpdate") {
        return Readiness::Ready;
    }
    let desired = int_at(ds, "/status/desiredNumberScheduled");
    let updated = int_at(ds, "/status/updatedNumberScheduled");
    if updated != desired {
        return Readiness::NotReady(format!(
            "DaemonSet is not ready: {}. {updated} out of {desired} expected pods have been scheduled",
            ns_name(ds)
        ));
    }
    let unavailable =
        scaled(ds.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable"), &Json::from(1), desired, true);
    let expected = desired - unavailable;
    let ready = int_at(ds, "/status/numberReady");
    if ready < expected {
        return Readiness::NotReady(format!(
            "DaemonSet is not ready: {}. {ready} out of {expected} expected pods are ready",
            ns_name(ds)
        ));
    }
    Readiness::Ready
}

/// A StatefulSet is ready when its rolling update is done and every replica is ready.
pub fn stateful_set_ready(sts: &Json) -> Readiness {
    if let Err(e) = generation_observed("StatefulSet", sts) {
        return Readiness::NotReady(e);
    }
    let strategy = str_at(sts, "/spec/updateStrategy/type");
    if !(strategy.is_empty() || strategy == "RollingUpdate") {
        return Readiness::Ready;
    }
    let partition = int_at(sts, "/spec/updateStrategy/rollingUpdate/partition");
    let replicas = sts.pointer("/spec/replicas").and_then(Json::as_i64).unwrap_or(1);
    let expected = replicas - partition;
    let updated = int_at(sts, "/status/updatedReplicas");
    if updated < expected {
        return Readiness::NotReady(format!(
            "StatefulSet is not ready: {}. {updated} out of {expected} expected pods have been scheduled",
            ns_name(sts)
        ));
    }
    let ready = int_at(sts, "/status/readyReplicas");
    if ready != replicas {
        return Readiness::NotReady(format!(
            "StatefulSet is not ready: {}. {ready} out of {replicas} expected pods are ready",
            ns_name(sts)
        ));
    }
    let current = str_at(sts, "/status/currentRevision");
    let update = str_at(sts, "/status/updateRevision");
    if partition == 0 && current != update {
        return Readiness::NotReady(format!(
            "StatefulSet is not ready: {}. currentRevision {current} does not yet match updateRevision {update}",
            ns_name(sts)
        ));
    }
    Readiness::Ready
}

/// A ReplicaSet or ReplicationController is ready once its generation is observed (its pods are checked apart).
pub fn replica_set_ready(kind: &str, rs: &Json) -> Readiness {
    match generation_observed(kind, rs) {
        Ok(()) => Readiness::Ready,
        Err(e) => Readiness::NotReady(e),
    }
}

/// A CRD is ready when established, or when its names were refused (it never will be).
pub fn crd_ready(crd: &Json) -> Readiness {
    let conds = crd.pointer("/status/conditions").and_then(Json::as_array).cloned().unwrap_or_default();
    for c in &conds {
        match (str_at(c, "/type"), str_at(c, "/status")) {
            ("Established", "True") | ("NamesAccepted", "False") => return Readiness::Ready,
            _ => {}
        }
    }
    Readiness::NotReady(format!("CustomResourceDefinition is not established: {}", str_at(crd, "/metadata/name")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn deployment_counts_max_unavailable() {
        let dep = json!({"metadata": {"name": "d", "namespace": "n", "generation": 2}, "spec": {"replicas": 4},
            "status": {"observedGeneration": 2}});
        let rs =
            |ready| json!({"metadata": {"generation": 1}, "status": {"observedGeneration": 1, "readyReplicas": ready}});
        assert_eq!(deployment_ready(&dep, Some(&rs(3))), Readiness::Ready);
        assert_eq!(
            deployment_ready(&dep, Some(&rs(2))),
            Readiness::NotReady("Deployment is not ready: n/d. 2 out of 3 expected pods are ready".into())
        );
        assert!(matches!(deployment_ready(&dep, None), Readiness::NotReady(_)));
    }

    #[test]
    fn stateful_and_daemon_sets() {
        let sts = |ready, current: &str| {
            json!({"metadata": {"name": "s", "namespace": "n", "generation": 1},
                "spec": {"replicas": 2, "updateStrategy": {"type": "RollingUpdate"}},
                "status": {"observedGeneration": 1, "updatedReplicas": 2, "readyReplicas": ready,
                    "currentRevision": current, "updateRevision": "r2"}})
        };
        assert_eq!(stateful_set_ready(&sts(2, "r2")), Readiness::Ready);
        assert_eq!(
            stateful_set_ready(&sts(1, "r2")),
            Readiness::NotReady("StatefulSet is not ready: n/s. 1 out of 2 expected pods are ready".into())
        );
        assert!(
            matches!(stateful_set_ready(&sts(2, "r1")), Readiness::NotReady(m) if m.contains("currentRevision r1"))
        );
        let ds = |ready| {
            json!({"metadata": {"name": "d", "namespace": "n", "generation": 3},
                "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%"}}},
                "status": {"observedGeneration": 3, "desiredNumberScheduled": 4, "updatedNumberScheduled": 4, "numberReady": ready}})
        };
        assert_eq!(daemon_set_ready(&ds(2)), Readiness::Ready);
        assert!(matches!(daemon_set_ready(&ds(1)), Readiness::NotReady(_)));
        let stale =
            json!({"metadata": {"name": "d", "namespace": "n", "generation": 4}, "status": {"observedGeneration": 3}});
        assert_eq!(
            daemon_set_ready(&stale),
            Readiness::NotReady(
                "DaemonSet is not ready: n/d. observedGeneration (3) does not match spec generation (4).".into()
            )
        );
    }

    #[test]
    fn job_and_service_and_pvc() {
        let job = json!({"metadata": {"name": "j", "namespace": "n"}, "spec": {"backoffLimit": 0, "completions": 1}, "status": {"failed": 1}});
        assert!(matches!(job_ready(&job), Readiness::Failed(_)));
        let svc = json!({"metadata": {"name": "s", "namespace": "n"}, "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1"}, "status": {"loadBalancer": {}}});
        assert!(matches!(service_ready(&svc), Readiness::NotReady(_)));
        assert_eq!(pvc_ready(&json!({"status": {"phase": "Bound"}})), Readiness::Ready);
        assert_eq!(
            crd_ready(&json!({"status": {"conditions": [{"type": "Established", "status": "True"}]}})),
            Readiness::Ready
        );
    }
}
