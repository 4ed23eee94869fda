//! `ClusterLookup`: template-render's `Lookup` answered from the cluster, callable from any thread.

use std::sync::mpsc;

use chart_model::{Map, Value};
use serde_json::Value as Json;

use crate::client::KubeClient;
use crate::error::{Error, Result};

/// Answers the template function `lookup` from a cluster. Rendering is
/// synchronous (and may run on a runtime's threads), so the client lives on
/// its own thread with its own runtime and each lookup is a request to it.
#[derive(Debug)]
pub struct ClusterLookup {
    requests: mpsc::Sender<Request>,
}

#[derive(Debug)]
struct Request {
    api_version: String,
    kind: String,
    namespace: String,
    name: String,
    reply: mpsc::Sender<Result<Map, String>>,
}

impl ClusterLookup {
    /// Starts the lookup thread with a client from a kubeconfig's text and optional context.
    pub fn start(kubeconfig: &str, context: Option<&str>) -> Result<ClusterLookup> {
        let (requests, incoming) = mpsc::channel::<Request>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
        let kubeconfig = kubeconfig.to_owned();
        let context = context.map(str::to_owned);
        std::thread::Builder::new()
            .name("kube-apply-lookup".to_owned())
            .spawn(move || serve(&kubeconfig, context.as_deref(), &incoming, &ready_tx))
            .map_err(|e| Error::Config(format!("starting the lookup thread: {e}")))?;
        ready_rx.recv().map_err(|_| Error::Config("the lookup thread stopped".to_owned()))??;
        Ok(ClusterLookup { requests })
    }
}

fn serve(
    kubeconfig: &str,
    context: Option<&str>,
    incoming: &mpsc::Receiver<Request>,
    ready: &mpsc::Sender<Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(Error::Config(format!("lookup runtime: {e}"))));
            return;
        }
    };
    let client = match runtime.block_on(KubeClient::from_kubeconfig_yaml(kubeconfig, context, None)) {
        Ok(c) => c,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    // Ends when the ClusterLookup (the only sender) is dropped.
    while let Ok(r) = incoming.recv() {
        let answer = runtime
            .block_on(client.lookup(&r.api_version, &r.kind, &r.namespace, &r.name))
            .map(|m| m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())
            .map_err(|e| e.to_string());
        let _ = r.reply.send(answer);
    }
}

/// Unstructured JSON as client-go decodes it: integers are int64, other numbers float64.
fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int64(i),
            None => Value::Float64(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(to_value).collect()),
        Json::Object(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

impl template_render::helm::Lookup for ClusterLookup {
    fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Result<Map, String> {
        let (reply, answer) = mpsc::channel();
        let request = Request {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            reply,
        };
        self.requests.send(request).map_err(|_| "lookup: the cluster client stopped".to_owned())?;
        answer.recv().map_err(|_| "lookup: the cluster client stopped".to_owned())?
    }
}
