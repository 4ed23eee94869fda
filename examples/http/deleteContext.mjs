// Step 11: deletes a context and its stored credentials.
// usage: node deleteContext.mjs <context name>
import { args, call, main, seg } from "./lib.mjs";

const [context] = args(1, "<context name>");
main(() => call("DELETE", `/v1/context/${seg(context)}`));
