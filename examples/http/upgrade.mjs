// Step 6: upgrades a release to a chart version (default the latest) with new values.
// usage: node upgrade.mjs <release name> [repo/chart, default bitnami/mariadb] [version, "" = latest] [values.yaml]
import { args, call, contextName, main, namespace, readText, seg } from "./lib.mjs";

const [releaseName, repoChartName = "bitnami/mariadb", chartVersion = "", valuesFile] = args(
  1,
  '<release name> [repo/chart] [version|""] [values.yaml]',
);
main(() =>
  call("PUT", `/v1/${seg(contextName)}/release`, {
    releaseName,
    repoChartName,
    chartVersion,
    namespace,
    values: readText(valuesFile),
  }),
);
