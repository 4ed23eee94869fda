// Shared helpers of the HTTP walkthrough: where the server is, the bearer token, one JSON call.
//
// Environment:
//   HELM_API_URL         the server's HTTP address (default http://$host:$port, host 127.0.0.1, port 8611)
//   HELM_API_TOKEN       the bearer token (or HELM_API_TOKEN_FILE: a file holding it)
//   HELM_API_CONTEXT     the context the scripts use when they take no context argument (default "test")
//   HELM_API_NAMESPACE   the namespace of release operations (default: the context's)
//   NODE_EXTRA_CA_CERTS  a CA file to trust when the server serves TLS with a private CA (Node's own variable)

import { readFileSync } from "node:fs";

export const serverUrl = (
  process.env.HELM_API_URL ?? `http://${process.env.host ?? "127.0.0.1"}:${process.env.port ?? "8611"}`
).replace(/\/+$/, "");

export const contextName = process.env.HELM_API_CONTEXT || "test";

export const namespace = process.env.HELM_API_NAMESPACE ?? "";

function token() {
  if (process.env.HELM_API_TOKEN) return process.env.HELM_API_TOKEN.trim();
  if (process.env.HELM_API_TOKEN_FILE) return readFileSync(process.env.HELM_API_TOKEN_FILE, "utf8").trim();
  return "";
}

/** An HTTP error answered by the server: `code` is the gRPC code, `status` the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${body?.message ?? JSON.stringify(body)}`);
    this.status = status;
    this.code = body?.code;
    this.body = body;
  }
}

/** Calls `method path` with `body` (an object, sent as JSON) and returns the parsed JSON answer. */
export async function call(method, path, body) {
  const headers = { accept: "application/json" };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(serverUrl + path, init);
  const text = await res.text();
  let parsed;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** A path segment, escaped. */
export const seg = (s) => encodeURIComponent(s);

/** Reads a file's text, or "" when no file is named. */
export const readText = (file) => (file ? readFileSync(file, "utf8") : "");

/** Command-line arguments after the script's name; exits with `usage` when fewer than `min` are given. */
export function args(min, usage) {
  const a = process.argv.slice(2);
  if (a.length < min || a.includes("-h") || a.includes("--help")) {
    console.error(`usage: node ${process.argv[1].split("/").pop()} ${usage}`);
    process.exit(2);
  }
  return a;
}

/** Runs `fn`, prints its result as JSON on stdout; on an error prints it on stderr and exits 1. */
export function main(fn) {
  fn().then(
    (out) => console.log(JSON.stringify(out ?? {}, null, 2)),
    (err) => {
      if (err instanceof ApiError) console.error(JSON.stringify({ status: err.status, ...err.body }));
      else console.error(String(err?.stack ?? err));
      process.exit(1);
    },
  );
}
