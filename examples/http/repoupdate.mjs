// Step 2: adds (or replaces) a chart repository of the context and downloads its index.
// usage: node repoupdate.mjs [repo name] [url] [username] [password]
//   default: bitnami https://charts.bitnami.com/bitnami; a private CA: HELM_API_REPO_CA_FILE (PEM file);
//   an OCI registry: an oci:// URL.
import { call, contextName, main, readText, seg } from "./lib.mjs";

const [name = "bitnami", url = "https://charts.bitnami.com/bitnami", username = "", password = ""] = process.argv.slice(2);
main(() =>
  call("PUT", `/v1/${seg(contextName)}/repo`, {
    repoinfo: { entrys: [{ name, url, username, password, caFile: readText(process.env.HELM_API_REPO_CA_FILE) }] },
  }),
);
