// Step 1b: creates a context that uses the server's own service account (the server runs in the cluster).
// usage: node inclusterContext.mjs <namespace> [context name, default "incluster"]
import { args, call, main } from "./lib.mjs";

const [namespace, name = "incluster"] = args(1, "<namespace> [context name]");
main(() => call("POST", "/v1/context", { name, incluster: true, kubeinfo: { namespace } }));
