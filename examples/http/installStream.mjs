// Step 4, streaming: installs a chart and prints the progress as it happens (objects created, n/m ready, hooks),
// then the release. The answer is newline-delimited JSON: one {"result": {"progress"|"release": ...}} per line,
// or {"error": {...}} last when the operation fails.
// usage: node installStream.mjs <release name> <repo/chart> [version, "" = latest] [values.yaml]
import { args, contextName, main, namespace, readText, seg, serverUrl } from "./lib.mjs";

const [releaseName, repoChartName, chartVersion = "", valuesFile] = args(2, '<release name> <repo/chart> [version|""] [values.yaml]');

async function run() {
  const headers = { "content-type": "application/json" };
  const token = process.env.HELM_API_TOKEN ?? "";
  if (token) headers.authorization = `Bearer ${token.trim()}`;
  else if (process.env.HELM_API_TOKEN_FILE) {
    const { readFileSync } = await import("node:fs");
    headers.authorization = `Bearer ${readFileSync(process.env.HELM_API_TOKEN_FILE, "utf8").trim()}`;
  }
  const body = { releaseName, repoChartName, chartVersion, namespace, values: readText(valuesFile), wait: true };
  const res = await fetch(`${serverUrl}/v1/${seg(contextName)}/release:stream`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffered = "";
  let release;
  const phases = [];
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const event = JSON.parse(line);
      if (event.error) throw new Error(`${event.error.code}: ${event.error.message}`);
      const { progress, release: r } = event.result ?? {};
      if (progress) {
        phases.push(progress.phase);
        console.error(`${progress.phase} ${progress.kind ?? ""} ${progress.name ?? ""} ${progress.message ?? ""}`.trim());
      }
      if (r) release = r;
    }
  }
  if (!release) throw new Error("the stream ended without a release");
  return { phases, release };
}

main(run);
