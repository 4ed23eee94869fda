//! `Storage`: a release's history over a driver, as Helm's `pkg/storage.Storage`.

use std::collections::BTreeMap;

use crate::driver::{Driver, release_key};
use crate::error::{Error, Result};
use crate::release::Release;
use crate::status::Status;
use crate::summary::ReleaseSummary;

/// Release history over a [`Driver`]: revisions by name and version, the last
/// deployed one, and pruning to `max_history` revisions.
#[derive(Debug)]
pub struct Storage<D> {
    driver: D,
    /// The most revisions to keep per release; 0 keeps them all. Pruning happens
    /// in [`Storage::create`] and never removes the last deployed revision.
    pub max_history: usize,
}

impl<D: Driver> Storage<D> {
    /// Storage over a driver, keeping every revision.
    pub fn new(driver: D) -> Self {
        Storage { driver, max_history: 0 }
    }

    /// The driver underneath.
    pub fn driver(&self) -> &D {
        &self.driver
    }

    /// One revision of a release.
    pub async fn get(&self, name: &str, version: i64) -> Result<Release> {
        self.driver.get(&release_key(name, version)).await
    }

    /// Stores a new revision, first pruning the oldest ones so that at most
    /// `max_history` remain with it (Helm's `Create`).
    pub async fn create(&self, release: &Release) -> Result<()> {
        if self.max_history > 0 {
            match self.remove_least_recent(&release.name, self.max_history - 1).await {
                Ok(()) | Err(Error::ReleaseNotFound) => {}
                Err(e) => return Err(e),
            }
        }
        self.driver.create(&release_key(&release.name, release.version), release).await
    }

    /// Replaces a stored revision.
    pub async fn update(&self, release: &Release) -> Result<()> {
        self.driver.update(&release_key(&release.name, release.version), release).await
    }

    /// Removes one revision and returns it.
    pub async fn delete(&self, name: &str, version: i64) -> Result<Release> {
        self.driver.delete(&release_key(name, version)).await
    }

    /// Every stored revision of every release.
    pub async fn list_releases(&self) -> Result<Vec<Release>> {
        self.driver.list(&|_| true).await
    }

    /// Name, namespace, revision and status of the revisions whose labels match all of
    /// `labels` (every one when empty), without decoding payloads where the driver can.
    pub async fn summaries(&self, labels: &BTreeMap<String, String>) -> Result<Vec<ReleaseSummary>> {
        self.driver.summaries(labels).await
    }

    /// Every revision in status `uninstalled`.
    pub async fn list_uninstalled(&self) -> Result<Vec<Release>> {
        self.driver.list(&|r| r.status() == Status::Uninstalled).await
    }

    /// Every revision in status `deployed`.
    pub async fn list_deployed(&self) -> Result<Vec<Release>> {
        self.driver.list(&|r| r.status() == Status::Deployed).await
    }

    /// The deployed revision of a release with the highest version, or
    /// [`Error::NoDeployedReleases`].
    pub async fn deployed(&self, name: &str) -> Result<Release> {
        let mut all = self.deployed_all(name).await?;
        sort_by_revision(&mut all);
        all.pop().ok_or_else(|| Error::NoDeployedReleases(name.to_owned()))
    }

    /// Every deployed revision of a release (normally one), or [`Error::NoDeployedReleases`].
    pub async fn deployed_all(&self, name: &str) -> Result<Vec<Release>> {
        match self.driver.query(&labels(&[("name", name), ("owner", "helm"), ("status", "deployed")])).await {
            Ok(all) => Ok(all),
            // Helm matches the message, so any driver's not-found counts.
            Err(e) if e.to_string().contains("not found") => Err(Error::NoDeployedReleases(name.to_owned())),
            Err(e) => Err(e),
        }
    }

    /// Every revision of a release, in the driver's order (or [`Error::ReleaseNotFound`]).
    pub async fn history(&self, name: &str) -> Result<Vec<Release>> {
        self.driver.query(&labels(&[("name", name), ("owner", "helm")])).await
    }

    /// The revision of a release with the highest version.
    pub async fn last(&self, name: &str) -> Result<Release> {
        let mut history = self.history(name).await?;
        sort_by_revision(&mut history);
        history.pop().ok_or_else(|| Error::NoRevision(name.to_owned()))
    }

    /// Deletes the oldest revisions until at most `max` remain, never the last deployed one.
    async fn remove_least_recent(&self, name: &str, max: usize) -> Result<()> {
        let mut history = self.history(name).await?;
        if history.len() <= max {
            return Ok(());
        }
        sort_by_revision(&mut history);
        let last_deployed = match self.deployed(name).await {
            Ok(r) => Some(r.version),
            Err(Error::NoDeployedReleases(_)) => None,
            Err(e) => return Err(e),
        };
        let mut doomed = Vec::new();
        for r in &history {
            if history.len() - doomed.len() == max {
                break;
            }
            if last_deployed != Some(r.version) {
                doomed.push(r.version);
            }
        }
        let mut errors = Vec::new();
        for version in doomed {
            if let Err(e) = self.delete(name, version).await {
                errors.push(e);
            }
        }
        let count = errors.len();
        match errors.into_iter().next() {
            None => Ok(()),
            Some(first) if count == 1 => Err(first),
            Some(first) => Err(Error::Prune { count, first: Box::new(first) }),
        }
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Sorts by version, as Helm's `releaseutil.SortByRevision`.
fn sort_by_revision(releases: &mut [Release]) {
    releases.sort_by_key(|r| r.version);
}
