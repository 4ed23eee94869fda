#!/usr/bin/env python3
"""Clones a release stored by the real helm into N releases, as Helm 3 stores them (for the load test).

usage: clone_releases.py <secret.json> <count> <name prefix> > list.json

Reads one release Secret (`kubectl get secret sh.helm.release.v1.<name>.v1 -o json`), decodes its record
(base64 of base64(gzip(JSON)), as Helm's Secret driver writes it), and prints a kubectl List of <count>
Secrets `sh.helm.release.v1.<prefix>-NNNN.v1`, each the same record with its own name, labels as Helm's.
Standard library only.
"""

import base64
import gzip
import json
import sys


def main():
    source, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(source) as f:
        secret = json.load(f)
    record = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(secret["data"]["release"]))))
    items = []
    for i in range(count):
        name = "%s-%04d" % (prefix, i)
        record["name"] = name
        payload = base64.b64encode(gzip.compress(json.dumps(record, separators=(",", ":")).encode())).decode()
        labels = dict(secret["metadata"].get("labels", {}))
        labels["name"] = name
        items.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": secret["type"],
                "metadata": {
                    "name": "sh.helm.release.v1.%s.v%d" % (name, record["version"]),
                    "namespace": secret["metadata"]["namespace"],
                    "labels": labels,
                },
                "data": {"release": base64.b64encode(payload.encode()).decode()},
            }
        )
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, sys.stdout)


if __name__ == "__main__":
    main()
