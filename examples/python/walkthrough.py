#!/usr/bin/env python3
"""The original helm-api README's walkthrough over gRPC, with a client generated from protos/original/helm-api.proto.

Generate the client first (grpcio-tools from PyPI, see README.md), then run one step per invocation;
the steps and their arguments are those of the Node.js scripts in ../http:

    python walkthrough.py createContext ~/.kube/config "" test
    python walkthrough.py repoupdate bitnami https://charts.bitnami.com/bitnami
    python walkthrough.py getchart test bitnami mariadb
    python walkthrough.py install mysql bitnami/mariadb "" values.yaml
    ...

Only the original proto's RPCs and fields exist in that client (the same script also works with a client
generated from our protos/helm-api.proto, whose field numbers below 20 are the original's). Each step prints the answer as JSON (protobuf's canonical
mapping, as the HTTP API answers); an error prints {"code", "message"} on stderr and exits 1.

Environment: HELM_API_GRPC (host:port, default $host:$HELM_API_PORT or 127.0.0.1:8848), HELM_API_TOKEN or
HELM_API_TOKEN_FILE (bearer token), HELM_API_CONTEXT (default "test"), HELM_API_NAMESPACE (default: the
context's), HELM_API_CA_FILE (a CA to trust: the server serves TLS), HELM_API_REPO_CA_FILE (a repository's CA),
HELM_API_PYTHON_GEN (the folder of the generated modules, default ./gen).
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("HELM_API_PYTHON_GEN") or os.path.join(HERE, "gen"))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import helm_api_pb2 as pb  # noqa: E402
import helm_api_pb2_grpc as pb_grpc  # noqa: E402

CONTEXT = os.environ.get("HELM_API_CONTEXT") or "test"
NAMESPACE = os.environ.get("HELM_API_NAMESPACE", "")


def token():
    if os.environ.get("HELM_API_TOKEN"):
        return os.environ["HELM_API_TOKEN"].strip()
    if os.environ.get("HELM_API_TOKEN_FILE"):
        with open(os.environ["HELM_API_TOKEN_FILE"]) as f:
            return f.read().strip()
    return ""


def read_text(path):
    if not path:
        return ""
    with open(os.path.expanduser(path)) as f:
        return f.read()


def stub():
    default = "%s:%s" % (os.environ.get("host", "127.0.0.1"), os.environ.get("HELM_API_PORT", "8848"))
    target = os.environ.get("HELM_API_GRPC") or default
    ca = os.environ.get("HELM_API_CA_FILE")
    if ca:
        channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=read_text(ca).encode()))
    else:
        channel = grpc.insecure_channel(target)
    return pb_grpc.HelmApiServiceStub(channel)


def metadata():
    t = token()
    return [("authorization", "Bearer " + t)] if t else []


def arg(argv, i, default=None):
    if i < len(argv):
        return argv[i]
    if default is None:
        raise SystemExit("missing argument %d; see the usage in walkthrough.py" % (i + 1))
    return default


def create_context(s, a):
    kube = pb.KubeInfo(kubeconfig=read_text(arg(a, 0)), context=arg(a, 1), namespace=arg(a, 2))
    return s.CreateContext(pb.HelmContextReq(name=arg(a, 3, CONTEXT), kubeinfo=kube), metadata=metadata())


def incluster_context(s, a):
    req = pb.HelmContextReq(name=arg(a, 1, "incluster"), incluster=True, kubeinfo=pb.KubeInfo(namespace=arg(a, 0)))
    return s.CreateContext(req, metadata=metadata())


def repo_update(s, a):
    entry = pb.Entry(
        name=arg(a, 0, "bitnami"),
        url=arg(a, 1, "https://charts.bitnami.com/bitnami"),
        username=arg(a, 2, ""),
        password=arg(a, 3, ""),
        caFile=read_text(os.environ.get("HELM_API_REPO_CA_FILE")),
    )
    req = pb.UpdateRepoReq(contextName=CONTEXT, repoinfo=pb.RepoInfo(entrys=[entry]))
    return s.UpdateRepo(req, metadata=metadata())


def search(s, a):
    if len(a) > 1:
        return s.Search(pb.SearchReq(contextName=arg(a, 0), keyword=a[1]), metadata=metadata())
    return s.All(pb.ListChartReq(contextName=arg(a, 0)), metadata=metadata())


def get_chart(s, a):
    req = pb.GetChartReq(contextName=arg(a, 0), repo=arg(a, 1), chartName=arg(a, 2), chartVersion=arg(a, 3, ""))
    return s.GetChart(req, metadata=metadata())


def install(s, a):
    req = pb.InstallReq(
        contextName=CONTEXT,
        releaseName=arg(a, 0),
        repoChartName=arg(a, 1, "bitnami/mariadb"),
        chartVersion=arg(a, 2, ""),
        values=read_text(arg(a, 3, "")),
        namespace=NAMESPACE,
    )
    return s.InstallRelease(req, metadata=metadata())


def upgrade(s, a):
    req = pb.UpgradeReq(
        contextName=CONTEXT,
        releaseName=arg(a, 0),
        repoChartName=arg(a, 1, "bitnami/mariadb"),
        chartVersion=arg(a, 2, ""),
        values=read_text(arg(a, 3, "")),
        namespace=NAMESPACE,
    )
    return s.UpgradeRelease(req, metadata=metadata())


def release_req(a):
    return pb.ReleaseReq(contextName=arg(a, 0), releaseName=arg(a, 1), namespace=NAMESPACE)


def rollback(s, a):
    req = pb.ReleaseRollbackReq(
        contextName=arg(a, 0), releaseName=arg(a, 1), reversion=int(arg(a, 2)), namespace=NAMESPACE
    )
    return s.RollbackRelease(req, metadata=metadata())


STEPS = {
    "createContext": create_context,
    "inclusterContext": incluster_context,
    "repoupdate": repo_update,
    "search": search,
    "getchart": get_chart,
    "install": install,
    "getreleasevalues": lambda s, a: s.GetReleaseValues(release_req(a), metadata=metadata()),
    "upgrade": upgrade,
    "getrelease": lambda s, a: s.GetRelease(release_req(a), metadata=metadata()),
    "listreleases": lambda s, a: s.ListRelease(
        pb.ListReleaseReq(contextName=arg(a, 0), namespace=NAMESPACE), metadata=metadata()
    ),
    "history": lambda s, a: s.GetReleaseHistory(release_req(a), metadata=metadata()),
    "rollback": rollback,
    "deleterelease": lambda s, a: s.UninstallRelease(release_req(a), metadata=metadata()),
    "deleteContext": lambda s, a: s.DeleteContext(pb.DeleteHelmContextReq(name=arg(a, 0)), metadata=metadata()),
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in STEPS:
        raise SystemExit("usage: walkthrough.py <%s> [arguments]" % "|".join(STEPS))
    try:
        answer = STEPS[sys.argv[1]](stub(), sys.argv[2:])
    except grpc.RpcError as e:
        print(json.dumps({"code": e.code().value[0], "message": e.details()}), file=sys.stderr)
        sys.exit(1)
    print(json.dumps(json_format.MessageToDict(answer), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
