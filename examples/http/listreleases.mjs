// The releases of a context (its default namespace, or HELM_API_NAMESPACE).
// usage: node listreleases.mjs <context name>
import { args, call, main, namespace, seg } from "./lib.mjs";

const [context] = args(1, "<context name>");
const query = namespace ? `?namespace=${seg(namespace)}` : "";
main(() => call("GET", `/v1/${seg(context)}/release${query}`));
