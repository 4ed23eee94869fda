// Step 8: every stored revision of a release, oldest first.
// usage: node history.mjs <context name> <release name>
import { args, call, main, namespace, seg } from "./lib.mjs";

const [context, release] = args(2, "<context name> <release name>");
main(() => call("POST", `/v1/${seg(context)}/release/${seg(release)}/history`, { namespace }));
