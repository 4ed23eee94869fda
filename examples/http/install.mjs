// Step 4: installs a chart of the context's repositories as a release.
// usage: node install.mjs <release name> [repo/chart, default bitnami/mariadb] [version, "" = latest] [values.yaml]
import { args, call, contextName, main, namespace, readText, seg } from "./lib.mjs";

const [releaseName, repoChartName = "bitnami/mariadb", chartVersion = "", valuesFile] = args(
  1,
  '<release name> [repo/chart] [version|""] [values.yaml]',
);
main(() =>
  call("POST", `/v1/${seg(contextName)}/release`, {
    releaseName,
    repoChartName,
    chartVersion,
    namespace,
    values: readText(valuesFile),
  }),
);
