// Step 5: the values a release was installed or upgraded with (YAML).
// usage: node getreleasevalues.mjs <context name> <release name>
import { args, call, main, namespace, seg } from "./lib.mjs";

const [context, release] = args(2, "<context name> <release name>");
main(() => call("POST", `/v1/${seg(context)}/release/${seg(release)}/values`, { namespace }));
