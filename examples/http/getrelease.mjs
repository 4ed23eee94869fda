// Step 7: a release's latest revision: status, chart, values, manifest, notes.
// usage: node getrelease.mjs <context name> <release name>
import { args, call, main, namespace, seg } from "./lib.mjs";

const [context, release] = args(2, "<context name> <release name>");
const query = namespace ? `?namespace=${seg(namespace)}` : "";
main(() => call("GET", `/v1/${seg(context)}/release/${seg(release)}${query}`));
