// Step 3: a chart's metadata, values, schema, templates and files.
// usage: node getchart.mjs <context name> <repo name> <chart name> [version, default latest]
import { args, call, main, seg } from "./lib.mjs";

const [context, repo, chart, version] = args(3, "<context name> <repo name> <chart name> [version]");
const path = `/v1/${seg(context)}/chart/${seg(repo)}/${seg(chart)}` + (version ? `/${seg(version)}` : "");
main(() => call("GET", path));
