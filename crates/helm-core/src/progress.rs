//! Progress of one operation: the `tracing` events helm-core and kube-apply record while an
//! action runs, routed to that action's caller as typed [`ProgressEvent`]s.
//!
//! Every action already reports what it does as `tracing` events (target `helm_core` or
//! `kube_apply`, field `event`: `start`, `rendered`, `created`, `applied`, `waiting` with
//! `ready`/`total`, `hook-started`, `hook-succeeded`, `done`, `failed`...). To follow one
//! operation among many running at once:
//!
//! 1. install [`layer()`] in the process's subscriber once (or call [`try_init`] when the
//!    program has no subscriber of its own);
//! 2. make a [`Subscription`] and run the action inside it: [`Subscription::wrap`]
//!    wraps the action's future in the subscription's span, and every event recorded
//!    inside that span (in any task polled within it) reaches this subscription only.
//!
//! [`observe`] does both halves of step 2: it runs a future and hands each event to a
//! callback while the future runs.
//!
//! ```no_run
//! # async fn demo(install: helm_core::Install, chart: chart_model::Chart) {
//! let release = helm_core::progress::observe(install.run(&chart, &Default::default()), |event| {
//!     eprintln!("{}: {}", event.event, event.message);
//! })
//! .await;
//! # }
//! ```
//!
//! Code inside helm-core or kube-apply that spawns a task recording events must pass the
//! span on (`.instrument(Span::current())`), or its events belong to no operation.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::SystemTime;

use tokio::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::instrument::{Instrument, Instrumented};
use tracing::span::{Attributes, Id};
use tracing::{Event, Level, Metadata, Span, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{FilterFn, Filtered};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The name of the span that marks one operation.
pub const SPAN_NAME: &str = "helm_operation";

/// The span field carrying the operation's id.
const ID_FIELD: &str = "progress_id";

/// The targets whose events are progress.
const TARGETS: [&str; 2] = ["helm_core", "kube_apply"];

/// One progress event of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    /// When it was recorded.
    pub time: SystemTime,
    /// Who recorded it: `helm_core` or `kube_apply`.
    pub target: String,
    /// Its level (`INFO` for progress, `WARN` for failures).
    pub level: Level,
    /// The `event` field: what happened (`rendered`, `applied`, `waiting`, `done`...);
    /// empty when the event had none.
    pub event: String,
    /// The human-readable message.
    pub message: String,
    /// Every other field, as text (`kind`, `name`, `namespace`, `ready`, `total`, `hook`...).
    pub fields: BTreeMap<String, String>,
}

impl ProgressEvent {
    /// A field's text, if the event has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

type Channels = HashMap<u64, mpsc::UnboundedSender<ProgressEvent>>;

fn channels() -> MutexGuard<'static, Channels> {
    static CHANNELS: OnceLock<Mutex<Channels>> = OnceLock::new();
    // A panic while holding the lock leaves a plain map behind: keep using it.
    CHANNELS.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// One operation's progress: a span to run the operation in, and the channel its events arrive on.
///
/// Dropping the subscription stops the routing; events recorded later are discarded.
#[derive(Debug)]
pub struct Subscription {
    id: u64,
    span: Span,
    receiver: mpsc::UnboundedReceiver<ProgressEvent>,
}

impl Default for Subscription {
    fn default() -> Self {
        Self::new()
    }
}

impl Subscription {
    /// A new subscription with its own span.
    pub fn new() -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = mpsc::unbounded_channel();
        channels().insert(id, sender);
        let span = tracing::info_span!(target: "helm_core", SPAN_NAME, progress_id = id);
        Subscription { id, span, receiver }
    }

    /// The operation's span; events recorded inside it come to this subscription.
    pub fn span(&self) -> &Span {
        &self.span
    }

    /// `future`, run inside the operation's span.
    pub fn wrap<F: Future>(&self, future: F) -> Instrumented<F> {
        future.instrument(self.span.clone())
    }

    /// Whether events can arrive: false when no subscriber with [`layer()`] records the span.
    pub fn is_active(&self) -> bool {
        !self.span.is_disabled()
    }

    /// The next event; waits for one. It never ends while the subscription lives, so wait on
    /// it beside the operation (`tokio::select!`), then drain with [`Subscription::try_recv`].
    pub async fn recv(&mut self) -> Option<ProgressEvent> {
        self.receiver.recv().await
    }

    /// The next event if one is waiting.
    pub fn try_recv(&mut self) -> Option<ProgressEvent> {
        self.receiver.try_recv().ok()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        channels().remove(&self.id);
    }
}

/// Runs `future` inside a new [`Subscription`], handing each of its events to `on_event` as
/// it comes (in the order recorded); returns the future's output once every event it
/// recorded has been handed over.
pub async fn observe<F, E>(future: F, mut on_event: E) -> F::Output
where
    F: Future,
    E: FnMut(ProgressEvent),
{
    let mut subscription = Subscription::new();
    let future = subscription.wrap(future);
    tokio::pin!(future);
    let output = loop {
        tokio::select! {
            biased;
            Some(event) = subscription.recv() => on_event(event),
            output = &mut future => break output,
        }
    };
    while let Some(event) = subscription.try_recv() {
        on_event(event);
    }
    output
}

/// The layer that routes events to subscriptions, unfiltered: prefer [`layer()`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ProgressLayer;

/// The id stored in an operation span's extensions.
struct OperationId(u64);

/// Only what the layer needs: operation spans, and progress events of INFO and above.
fn wanted(metadata: &Metadata<'_>) -> bool {
    if metadata.is_span() {
        return metadata.name() == SPAN_NAME;
    }
    *metadata.level() <= Level::INFO && TARGETS.iter().any(|t| is_target(metadata.target(), t))
}

fn is_target(target: &str, crate_name: &str) -> bool {
    target.strip_prefix(crate_name).is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// What [`layer()`] returns: the progress layer behind its filter.
pub type FilteredLayer<S> = Filtered<ProgressLayer, FilterFn<fn(&Metadata<'_>) -> bool>, S>;

/// The progress layer with its own filter, so it sees progress events whatever level the
/// other layers log at (put the other layers' filters on them, not on the whole subscriber):
///
/// ```no_run
/// use tracing_subscriber::prelude::*;
/// tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer().with_filter(tracing_subscriber::EnvFilter::new("warn")))
///     .with(helm_core::progress::layer())
///     .init();
/// ```
pub fn layer<S>() -> FilteredLayer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    ProgressLayer.with_filter(FilterFn::new(wanted as fn(&Metadata<'_>) -> bool))
}

/// Installs a global subscriber that does nothing but route progress (for programs without a
/// subscriber of their own); false when a global subscriber is already set.
pub fn try_init() -> bool {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(layer());
    tracing::subscriber::set_global_default(subscriber).is_ok()
}

impl<S> Layer<S> for ProgressLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != SPAN_NAME {
            return;
        }
        let mut visitor = IdVisitor(None);
        attrs.record(&mut visitor);
        if let (Some(operation), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().insert(OperationId(operation));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        if !TARGETS.iter().any(|t| is_target(metadata.target(), t)) {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else { return };
        // The innermost operation span wins (an operation run inside another one).
        let Some(operation) = scope.into_iter().find_map(|span| span.extensions().get::<OperationId>().map(|o| o.0))
        else {
            return;
        };
        let Some(sender) = channels().get(&operation).cloned() else { return };
        let mut visitor = EventVisitor::default();
        event.record(&mut visitor);
        let _ = sender.send(ProgressEvent {
            time: SystemTime::now(),
            target: metadata.target().to_owned(),
            level: *metadata.level(),
            event: visitor.event,
            message: visitor.message,
            fields: visitor.fields,
        });
    }
}

struct IdVisitor(Option<u64>);

impl Visit for IdVisitor {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == ID_FIELD {
            self.0 = Some(value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == ID_FIELD {
            self.0 = u64::try_from(value).ok();
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

#[derive(Default)]
struct EventVisitor {
    event: String,
    message: String,
    fields: BTreeMap<String, String>,
}

impl EventVisitor {
    fn put(&mut self, field: &Field, text: String) {
        match field.name() {
            "event" => self.event = text,
            "message" => self.message = text,
            name => {
                self.fields.insert(name.to_owned(), text);
            }
        }
    }
}

impl Visit for EventVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, format!("{value:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    async fn operation(label: &'static str, steps: u32) {
        for step in 0..steps {
            tracing::info!(target: "helm_core", event = "step", op = label, step, "{label} step {step}");
            tokio::task::yield_now().await;
        }
        tracing::debug!(target: "helm_core", event = "detail", "not progress: below INFO");
        tracing::info!(target: "other_crate", event = "foreign", "not progress: another target");
        tracing::info!(target: "kube_apply::wait", event = "waiting", ready = 1u64, total = 2u64, "1 of 2 resources ready");
    }

    #[tokio::test]
    async fn events_of_two_concurrent_operations_do_not_mix() {
        let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer()));
        let mut a = Vec::new();
        let mut b = Vec::new();
        let run_a = observe(operation("a", 5), |e| a.push(e));
        let run_b = observe(operation("b", 3), |e| b.push(e));
        tracing::info!(target: "helm_core", event = "outside", "belongs to no operation");
        tokio::join!(run_a, run_b);
        let ops = |events: &[ProgressEvent]| {
            events.iter().map(|e| (e.event.clone(), e.field("op").unwrap_or("").to_owned())).collect::<Vec<_>>()
        };
        let expected = |label: &str, steps: u32| {
            let mut v: Vec<(String, String)> = (0..steps).map(|_| ("step".to_owned(), label.to_owned())).collect();
            v.push(("waiting".to_owned(), String::new()));
            v
        };
        assert_eq!(ops(&a), expected("a", 5));
        assert_eq!(ops(&b), expected("b", 3));
        assert_eq!(a[1].message, "a step 1");
        assert_eq!(a[1].field("step"), Some("1"));
        assert_eq!(a[1].target, "helm_core");
        assert_eq!(a[5].field("ready"), Some("1"));
        assert_eq!(a[5].field("total"), Some("2"));
        assert_eq!(a[5].target, "kube_apply::wait");
    }

    #[tokio::test]
    async fn a_subscription_routes_only_while_it_lives() {
        let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer()));
        let mut subscription = Subscription::new();
        assert!(subscription.is_active());
        let span = subscription.span().clone();
        subscription.wrap(async { tracing::info!(target: "helm_core", event = "one", "one") }).await;
        let event = subscription.try_recv().map(|e| e.event);
        assert_eq!(event.as_deref(), Some("one"));
        assert!(subscription.try_recv().is_none());
        let id = subscription.id;
        drop(subscription);
        assert!(!channels().contains_key(&id));
        // Recording in the span afterwards goes nowhere (and does not panic).
        span.in_scope(|| tracing::info!(target: "helm_core", event = "late", "late"));
    }

    #[tokio::test]
    async fn nested_operations_route_to_the_innermost() {
        let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer()));
        let mut outer = Vec::new();
        let mut inner = Vec::new();
        observe(
            async {
                tracing::info!(target: "helm_core", event = "outer", "outer");
                observe(async { tracing::info!(target: "helm_core", event = "inner", "inner") }, |e| inner.push(e))
                    .await;
            },
            |e| outer.push(e),
        )
        .await;
        assert_eq!(outer.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(), ["outer"]);
        assert_eq!(inner.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(), ["inner"]);
    }

    #[test]
    fn targets_match_whole_crate_names() {
        assert!(is_target("helm_core", "helm_core"));
        assert!(is_target("kube_apply::wait", "kube_apply"));
        assert!(!is_target("helm_core_extra", "helm_core"));
    }
}
