// Step 1: creates (or replaces) a context from a kubeconfig file.
// usage: node createContext.mjs <kubeconfig file> <kube context, "" = current> <namespace> [context name]
import { args, call, contextName, main, readText } from "./lib.mjs";

const [kubeconfig, kubeContext, namespace, name = contextName] = args(3, '<kubeconfig> <kube context|""> <namespace> [context name]');
main(() =>
  call("POST", "/v1/context", {
    name,
    kubeinfo: { kubeconfig: readText(kubeconfig), context: kubeContext, namespace },
  }),
);
