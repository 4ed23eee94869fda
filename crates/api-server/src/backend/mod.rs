//! The `Backend` trait: the Helm operations the service needs, and `HelmBackend`, its
//! implementation over helm-core.
//!
//! The service validates requests, resolves contexts and maps errors; everything
//! Helm does happens behind this trait. helm-core cannot depend on api-server
//! (the layers point the other way), so the implementation over helm-core lives
//! here: `helm.rs` (configurations per context), `release.rs` (the release RPCs),
//! `chart.rs` (repositories and charts), `convert.rs` (helm-core types to proto
//! messages), `errors.rs` (helm-core errors to codes). `UnimplementedBackend`
//! answers UNIMPLEMENTED for every cluster or repository operation; tests use
//! their own fakes.

pub mod chart;
pub mod convert;
pub mod errors;
pub mod helm;
pub mod release;

pub use helm::{HelmBackend, HelmBackendOptions};

use tokio::sync::mpsc;

use crate::contexts::{Context, Repository};
use crate::error::{Error, Result};
use crate::proto;

/// Where a long operation reports its progress; reports go nowhere when nobody streams.
#[derive(Clone, Debug, Default)]
pub struct ProgressSink {
    sender: Option<mpsc::UnboundedSender<proto::Progress>>,
}

impl ProgressSink {
    /// A sink that sends to `sender`.
    pub fn new(sender: mpsc::UnboundedSender<proto::Progress>) -> Self {
        Self { sender: Some(sender) }
    }

    /// A sink that drops every report.
    pub fn discard() -> Self {
        Self::default()
    }

    /// Whether reports go anywhere.
    pub fn is_active(&self) -> bool {
        self.sender.as_ref().is_some_and(|s| !s.is_closed())
    }

    /// Reports progress (ignored when the receiver is gone).
    pub fn report(&self, progress: proto::Progress) {
        if let Some(sender) = &self.sender {
            let _ = sender.send(progress);
        }
    }

    /// Reports a phase with a message, stamped now.
    pub fn phase(&self, phase: &str, message: impl Into<String>) {
        self.report(proto::Progress {
            time: Some(crate::wire_time::Timestamp::now()),
            phase: phase.to_owned(),
            message: message.into(),
            ..Default::default()
        });
    }
}

/// The Helm operations behind the service. Every method has a default that
/// answers UNIMPLEMENTED, so an implementation provides what it supports.
#[tonic::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Checks a context's credentials before it is stored (a kubeconfig that does not parse is refused).
    async fn check_context(&self, _context: &Context) -> Result<()> {
        Ok(())
    }

    /// Downloads the indexes of `repos` (the context's repositories after the update).
    async fn update_repos(&self, _context: &Context, _repos: &[Repository]) -> Result<()> {
        Err(unimplemented("UpdateRepo"))
    }

    /// Fetches a chart.
    async fn get_chart(&self, _context: &Context, _req: proto::GetChartReq) -> Result<proto::Chart> {
        Err(unimplemented("GetChart"))
    }

    /// Searches the context's repositories.
    async fn search(&self, _context: &Context, _req: proto::SearchReq) -> Result<proto::SearchRes> {
        Err(unimplemented("Search"))
    }

    /// Lists every chart of the context's repositories.
    async fn all_charts(&self, _context: &Context) -> Result<proto::SearchRes> {
        Err(unimplemented("All"))
    }

    /// Installs a chart.
    async fn install(
        &self,
        _context: &Context,
        _req: proto::InstallReq,
        _progress: ProgressSink,
    ) -> Result<proto::Release> {
        Err(unimplemented("InstallRelease"))
    }

    /// Upgrades a release.
    async fn upgrade(
        &self,
        _context: &Context,
        _req: proto::UpgradeReq,
        _progress: ProgressSink,
    ) -> Result<proto::Release> {
        Err(unimplemented("UpgradeRelease"))
    }

    /// Rolls a release back; the new revision.
    async fn rollback(
        &self,
        _context: &Context,
        _req: proto::ReleaseRollbackReq,
        _progress: ProgressSink,
    ) -> Result<proto::Release> {
        Err(unimplemented("RollbackRelease"))
    }

    /// Uninstalls a release; the uninstalled release.
    async fn uninstall(
        &self,
        _context: &Context,
        _req: proto::ReleaseReq,
        _progress: ProgressSink,
    ) -> Result<proto::Release> {
        Err(unimplemented("UninstallRelease"))
    }

    /// A release (the latest revision, or `req.revision`).
    async fn get_release(&self, _context: &Context, _req: proto::ReleaseReq) -> Result<proto::Release> {
        Err(unimplemented("GetRelease"))
    }

    /// A release's values.
    async fn get_release_values(&self, _context: &Context, _req: proto::ReleaseReq) -> Result<proto::Values> {
        Err(unimplemented("GetReleaseValues"))
    }

    /// A release's revisions, oldest first.
    async fn get_release_history(&self, _context: &Context, _req: proto::ReleaseReq) -> Result<Vec<proto::Release>> {
        Err(unimplemented("GetReleaseHistory"))
    }

    /// A release's status.
    async fn get_release_status(&self, _context: &Context, _req: proto::ReleaseReq) -> Result<proto::ReleaseStatus> {
        Err(unimplemented("GetReleaseStatus"))
    }

    /// A release's manifest.
    async fn get_release_manifest(&self, _context: &Context, _req: proto::ReleaseReq) -> Result<proto::Manifest> {
        Err(unimplemented("GetReleaseManifest"))
    }

    /// The releases of a context.
    async fn list_releases(&self, _context: &Context, _req: proto::ListReleaseReq) -> Result<Vec<proto::Release>> {
        Err(unimplemented("ListRelease"))
    }
}

/// A backend with contexts only: every Helm operation answers UNIMPLEMENTED.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnimplementedBackend;

impl Backend for UnimplementedBackend {}

fn unimplemented(rpc: &str) -> Error {
    Error::Unimplemented(format!("{rpc} is not available: this server has no Helm backend"))
}
