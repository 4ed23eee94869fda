#!/bin/sh
# Generates the Python gRPC client from protos/helm-api.proto into ./gen (or $1) with grpcio-tools.
# usage: python3 -m venv venv && venv/bin/pip install -r requirements.txt && venv/bin/python -m grpc_tools.protoc ...
# or simply: PYTHON=venv/bin/python ./generate.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
protos="$here/../../protos"
out="${1:-$here/gen}"
mkdir -p "$out"
"${PYTHON:-python3}" -m grpc_tools.protoc -I"$protos" --python_out="$out" --grpc_python_out="$out" \
  "$protos/helm-api.proto" "$protos/google/api/annotations.proto" "$protos/google/api/http.proto"
echo "generated into $out"
