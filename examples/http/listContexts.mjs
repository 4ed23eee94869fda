// Lists the contexts this token may use (names and non-secret fields only).
// usage: node listContexts.mjs
import { call, main } from "./lib.mjs";

main(() => call("GET", "/v1/context"));
