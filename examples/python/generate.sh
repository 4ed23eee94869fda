#!/bin/sh
# Generates the Python gRPC client from the ORIGINAL service's proto, protos/original/helm-api.proto (a client of
# the original helm-api, unchanged), into ./gen (or $1) with grpcio-tools; protos/ supplies google/api/*.proto.
# usage: python3 -m venv venv && venv/bin/pip install -r requirements.txt && venv/bin/python -m grpc_tools.protoc ...
# or simply: PYTHON=venv/bin/python ./generate.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
protos="$here/../../protos"
out="${1:-$here/gen}"
mkdir -p "$out"
"${PYTHON:-python3}" -m grpc_tools.protoc -I"$protos/original" -I"$protos" --python_out="$out" --grpc_python_out="$out" \
  helm-api.proto google/api/annotations.proto google/api/http.proto
echo "generated into $out"
