// Step 10: uninstalls a release.
// usage: node deleterelease.mjs <context name> <release name>
import { args, call, main, namespace, seg } from "./lib.mjs";

const [context, release] = args(2, "<context name> <release name>");
main(() => call("DELETE", `/v1/${seg(context)}/release/${seg(release)}`, { namespace }));
