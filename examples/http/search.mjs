// Searches the charts of the context's repositories (names, descriptions, keywords); no keyword lists them all.
// usage: node search.mjs <context name> [keyword]
import { args, call, main, seg } from "./lib.mjs";

const [context, keyword] = args(1, "<context name> [keyword]");
main(() => call("GET", keyword ? `/v1/${seg(context)}/search/${seg(keyword)}` : `/v1/${seg(context)}/chart`));
