//! Release locks: Leases on a real API server (exclusion, waiting, stale takeover) and the in-process lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Api, ObjectMeta, PostParams};
use release_storage::Error;
use release_storage::lock::{LEASE_PREFIX, LeaseLocker, Locker, MemoryLocker};

use crate::support::{TestNamespace, client, kubeconfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lease_excludes_waits_and_takes_over_stale_locks() {
    let Some(kc) = kubeconfig("lease_excludes_waits_and_takes_over_stale_locks") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-lease").await;
    let quick = |holder: &str| {
        LeaseLocker::new(client.clone())
            .with_holder(holder)
            .with_ttl(Duration::from_secs(30))
            .with_wait(Duration::from_millis(600), Duration::from_millis(100))
    };
    let (one, two) = (quick("one"), quick("two"));

    // One holds it: two waits, then gives up naming the holder.
    let held = one.lock(&ns.name, "web").await.expect("lock");
    assert!(held.holder().is_some_and(|h| h.starts_with("one/")));
    let leases: Api<Lease> = Api::namespaced(client.clone(), &ns.name);
    let lease = leases.get(&format!("{LEASE_PREFIX}web")).await.expect("lease");
    let spec = lease.spec.expect("spec");
    assert_eq!(spec.holder_identity.as_deref(), held.holder());
    assert_eq!(spec.lease_duration_seconds, Some(30));
    assert!(spec.acquire_time.is_some() && spec.renew_time.is_some());
    let err = two.lock(&ns.name, "web").await.expect_err("busy");
    assert!(matches!(&err, Error::Locked { holder, .. } if holder.starts_with("one/")), "{err}");
    // Not even the same locker enters twice.
    assert!(matches!(one.lock(&ns.name, "web").await, Err(Error::Locked { .. })));
    // Another release is not affected.
    two.lock(&ns.name, "api").await.expect("other release").release().await.expect("release");

    // Released: two gets it, and the Lease is gone after it lets go.
    held.release().await.expect("release");
    let again = two.lock(&ns.name, "web").await.expect("lock after release");
    again.release().await.expect("release");
    assert!(leases.get_opt(&format!("{LEASE_PREFIX}web")).await.expect("get").is_none());

    // A waiter gets the lock as soon as the holder lets go.
    let patient = LeaseLocker::new(client.clone())
        .with_holder("patient")
        .with_wait(Duration::from_secs(20), Duration::from_millis(100));
    let held = one.lock(&ns.name, "db").await.expect("lock");
    let waiter = {
        let (patient, ns) = (patient.clone(), ns.name.clone());
        tokio::spawn(async move {
            let lock = patient.lock(&ns, "db").await?;
            let holder = lock.holder().map(str::to_owned);
            lock.release().await?;
            Ok::<_, Error>(holder)
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    held.release().await.expect("release");
    let holder = waiter.await.expect("join").expect("waited lock");
    assert!(holder.is_some_and(|h| h.starts_with("patient/")));

    // A crashed holder's Lease (renewed long ago) is stale: the next caller takes it over.
    let stale = Lease {
        metadata: ObjectMeta { name: Some(format!("{LEASE_PREFIX}old")), ..ObjectMeta::default() },
        spec: Some(LeaseSpec {
            holder_identity: Some("crashed".to_owned()),
            lease_duration_seconds: Some(5),
            renew_time: Some(MicroTime(Timestamp::now() - SignedDuration::from_secs(60))),
            ..LeaseSpec::default()
        }),
    };
    leases.create(&PostParams::default(), &stale).await.expect("stale lease");
    let took = two.lock(&ns.name, "old").await.expect("stale lock taken over");
    let spec = leases.get(&format!("{LEASE_PREFIX}old")).await.expect("lease").spec.expect("spec");
    assert_eq!(spec.holder_identity.as_deref(), took.holder());
    assert_eq!(spec.lease_transitions, Some(1));
    took.release().await.expect("release");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lease_is_renewed_while_held() {
    let Some(kc) = kubeconfig("lease_is_renewed_while_held") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-renew").await;
    let locker = LeaseLocker::new(client.clone()).with_holder("renewer").with_ttl(Duration::from_secs(1));
    let held = locker.lock(&ns.name, "web").await.expect("lock");
    let leases: Api<Lease> = Api::namespaced(client.clone(), &ns.name);
    let renewed = |l: Lease| l.spec.and_then(|s| s.renew_time).map(|t| t.0);
    let first = renewed(leases.get(&format!("{LEASE_PREFIX}web")).await.expect("lease"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let later = renewed(leases.get(&format!("{LEASE_PREFIX}web")).await.expect("lease"));
    assert!(later > first, "renewed: {first:?} -> {later:?}");
    // Still valid for others: a quick competitor does not get it.
    let other =
        LeaseLocker::new(client).with_holder("other").with_wait(Duration::from_millis(300), Duration::from_millis(100));
    assert!(matches!(other.lock(&ns.name, "web").await, Err(Error::Locked { .. })));
    held.release().await.expect("release");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_lock_serialises_one_release() {
    let locker = Arc::new(MemoryLocker::new(Duration::from_secs(10)));
    let inside = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (locker, inside) = (locker.clone(), inside.clone());
        tasks.push(tokio::spawn(async move {
            let guard = locker.lock("default", "web").await.expect("lock");
            assert!(!inside.swap(true, Ordering::SeqCst), "two holders at once");
            tokio::time::sleep(Duration::from_millis(5)).await;
            inside.store(false, Ordering::SeqCst);
            guard.release().await.expect("release");
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    // A busy lock times out with Locked; another release does not wait.
    let short = MemoryLocker::new(Duration::from_millis(50));
    let held = short.lock("default", "web").await.expect("lock");
    assert!(matches!(short.lock("default", "web").await, Err(Error::Locked { .. })));
    short.lock("other", "web").await.expect("other namespace");
    drop(held);
    short.lock("default", "web").await.expect("after drop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn locked_upgrades_of_one_release_never_collide() {
    use release_storage::{KubeDriver, Status, Storage};
    let Some(kc) = kubeconfig("locked_upgrades_of_one_release_never_collide") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-upgrades").await;
    let storage = Arc::new(Storage::new(KubeDriver::secrets(client.clone(), &ns.name)));
    storage.create(&crate::suite::release("web", 1, Status::Deployed)).await.expect("create");
    // Six "upgrades" from three processes' worth of lockers: each reads the last revision, supersedes it and
    // writes the next one. Without the lock two would pick the same revision number.
    let mut tasks = Vec::new();
    for i in 0..6 {
        let locker = LeaseLocker::new(client.clone())
            .with_holder(format!("upgrader-{}", i % 3))
            .with_wait(Duration::from_secs(60), Duration::from_millis(20));
        let (storage, ns) = (storage.clone(), ns.name.clone());
        tasks.push(tokio::spawn(async move {
            let lock = locker.lock(&ns, "web").await.expect("lock");
            let mut last = storage.last("web").await.expect("last");
            let mut next = last.clone();
            last.set_status(Status::Superseded, "superseded");
            storage.update(&last).await.expect("supersede");
            next.version += 1;
            next.set_status(Status::Deployed, format!("upgrade {i}"));
            storage.create(&next).await.expect("create next revision");
            lock.release().await.expect("release");
        }));
    }
    for t in tasks {
        t.await.expect("upgrade");
    }
    let mut history: Vec<(i64, Status)> =
        storage.history("web").await.expect("history").into_iter().map(|r| (r.version, r.status())).collect();
    history.sort_by_key(|h| h.0);
    let expected: Vec<(i64, Status)> =
        (1..=7).map(|v| (v, if v == 7 { Status::Deployed } else { Status::Superseded })).collect();
    assert_eq!(history, expected);
}
