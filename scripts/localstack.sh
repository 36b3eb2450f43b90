#!/usr/bin/env bash
# Starts community LocalStack on this machine, without Docker, in the
# foreground: `scripts/localstack.sh [PORT]` (default 4566). Stop it with
# Ctrl-C. ECS and RDS are served by the moto it bundles (the shim); without
# the shim community LocalStack answers them with HTTP 501.
#   cloudgrade world apply scenarios/reference --endpoint-url http://127.0.0.1:4566
#   cloudgrade grade --aws --endpoint-url http://127.0.0.1:4566
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup-localstack.sh"
source "$here/env.sh"
port="${1:-4566}"
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
# OVERRIDE_IN_DOCKER=0: a sandbox with /.dockerenv would make LocalStack
# write to /var/lib/localstack. EAGER_SERVICE_LOADING=1: the first world
# apply's concurrent calls otherwise race on importing moto. The last two
# keep it off the network (a certificate download, usage events).
GATEWAY_LISTEN="127.0.0.1:$port" \
  OVERRIDE_IN_DOCKER=0 EAGER_SERVICE_LOADING=1 \
  SERVICES=ec2,ecs,rds,elbv2,iam,sts,secretsmanager,logs,s3 \
  PROVIDER_OVERRIDE_ECS=moto PROVIDER_OVERRIDE_RDS=moto PROVIDER_OVERRIDE_ELBV2=moto \
  FILESYSTEM_ROOT="$state" LOCALSTACK_VOLUME_DIR="$state/volume" \
  SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 \
  "$CLOUDGRADE_LOCALSTACK_VENV/bin/python" -m localstack.runtime.main
