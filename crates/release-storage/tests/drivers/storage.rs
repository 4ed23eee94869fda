//! Storage over the memory driver: history, last revision, last deployed, pruning, Helm's errors.

use release_storage::{Error, MemoryDriver, Status, Storage};

use crate::block_on;
use crate::suite::release;

fn storage_with(revisions: &[(&str, i64, Status)], max_history: usize) -> Storage<MemoryDriver> {
    let mut s = Storage::new(MemoryDriver::new());
    s.max_history = max_history;
    for (name, version, status) in revisions {
        block_on(s.create(&release(name, *version, status.clone()))).expect("create");
    }
    s
}

fn history(s: &Storage<MemoryDriver>, name: &str) -> Vec<i64> {
    let mut v: Vec<i64> =
        block_on(s.history(name)).map(|h| h.into_iter().map(|r| r.version).collect()).unwrap_or_default();
    v.sort();
    v
}

#[test]
fn history_last_and_deployed() {
    use Status::*;
    let s = storage_with(&[("web", 1, Superseded), ("web", 2, Deployed), ("web", 3, Failed), ("api", 1, Deployed)], 0);
    assert_eq!(history(&s, "web"), [1, 2, 3]);
    assert_eq!(block_on(s.last("web")).map(|r| r.version).ok(), Some(3));
    assert_eq!(block_on(s.deployed("web")).map(|r| r.version).ok(), Some(2));
    assert_eq!(block_on(s.get("web", 1)).map(|r| r.status()).ok(), Some(Superseded));
    assert_eq!(block_on(s.list_deployed()).map(|l| l.len()).ok(), Some(2));
    assert_eq!(block_on(s.list_releases()).map(|l| l.len()).ok(), Some(4));
    assert_eq!(block_on(s.list_uninstalled()).map(|l| l.len()).ok(), Some(0));
}

#[test]
fn helm_errors() {
    let s = storage_with(&[("web", 1, Status::Failed)], 0);
    let err = block_on(s.deployed("web")).expect_err("no deployed");
    assert!(matches!(err, Error::NoDeployedReleases(_)));
    assert_eq!(err.to_string(), "\"web\" has no deployed releases");
    let err = block_on(s.deployed("nothing")).expect_err("no release");
    assert_eq!(err.to_string(), "\"nothing\" has no deployed releases");
    let err = block_on(s.last("nothing")).expect_err("no history");
    assert_eq!(err.to_string(), "release: not found");
    let err = block_on(s.get("web", 2)).expect_err("no revision");
    assert!(matches!(err, Error::ReleaseNotFound));
    let err = block_on(s.create(&release("web", 1, Status::Failed))).expect_err("exists");
    assert_eq!(err.to_string(), "release: already exists");
    assert!(matches!(block_on(s.delete("web", 7)), Err(Error::ReleaseNotFound)));
}

#[test]
fn deployed_picks_the_highest_of_several() {
    let s =
        storage_with(&[("web", 1, Status::Deployed), ("web", 3, Status::Deployed), ("web", 2, Status::Deployed)], 0);
    assert_eq!(block_on(s.deployed("web")).map(|r| r.version).ok(), Some(3));
    assert_eq!(block_on(s.deployed_all("web")).map(|l| l.len()).ok(), Some(3));
}

#[test]
fn pruning_keeps_max_history() {
    use Status::*;
    let s = storage_with(
        &[("web", 1, Superseded), ("web", 2, Superseded), ("web", 3, Superseded), ("web", 4, Deployed)],
        3,
    );
    // Creating the 4th pruned the 1st.
    assert_eq!(history(&s, "web"), [2, 3, 4]);
    block_on(s.create(&release("web", 5, Failed))).expect("create");
    assert_eq!(history(&s, "web"), [3, 4, 5]);
    // Other releases are untouched.
    block_on(s.create(&release("api", 1, Deployed))).expect("create");
    assert_eq!(history(&s, "api"), [1]);
}

#[test]
fn pruning_never_removes_the_last_deployed() {
    use Status::*;
    // Helm's TestStorageRemoveLeastRecentWithDeployed: the deployed revision is the oldest.
    let s = storage_with(&[("web", 1, Deployed), ("web", 2, Failed), ("web", 3, Failed), ("web", 4, Failed)], 2);
    assert_eq!(history(&s, "web"), [1, 4]);
    assert_eq!(block_on(s.deployed("web")).map(|r| r.version).ok(), Some(1));
    block_on(s.create(&release("web", 5, Failed))).expect("create");
    assert_eq!(history(&s, "web"), [1, 5]);
}

#[test]
fn max_history_one_keeps_only_the_new_revision() {
    use Status::*;
    let s = storage_with(&[("web", 1, Superseded), ("web", 2, Superseded), ("web", 3, Failed)], 1);
    assert_eq!(history(&s, "web"), [3]);
}

#[test]
fn memory_namespaces() {
    let d = MemoryDriver::new();
    let mut other = release("web", 1, Status::Deployed);
    other.namespace = "other".to_owned();
    block_on(release_storage::Driver::create(&d, &release_storage::release_key("web", 1), &other)).expect("create");
    // As in Helm, creating switches the memory driver to the release's namespace.
    assert_eq!(d.namespace(), "other");
    d.set_namespace("default");
    assert!(matches!(
        block_on(release_storage::Driver::get(&d, "sh.helm.release.v1.web.v1")),
        Err(Error::ReleaseNotFound)
    ));
    d.set_namespace("");
    assert_eq!(block_on(release_storage::Driver::list(&d, &|_| true)).map(|l| l.len()).ok(), Some(1));
    assert!(matches!(block_on(release_storage::Driver::get(&d, "web")), Err(Error::InvalidKey)));
}
