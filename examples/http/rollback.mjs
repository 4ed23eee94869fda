// Step 9: rolls a release back to a revision (0 = the previous one).
// usage: node rollback.mjs <context name> <release name> <revision>
import { args, call, main, namespace, seg } from "./lib.mjs";

const [context, release, revision] = args(3, "<context name> <release name> <revision>");
main(() =>
  call("PUT", `/v1/${seg(context)}/release/${seg(release)}/rollback`, { reversion: Number(revision), namespace }),
);
