#!/usr/bin/env bash
# Release build of every Lambda function: one arm64 (Graviton) `bootstrap` per binary of
# plumbline-lambda, for the provided.al2023 runtime, in target/lambda/<binary>/bootstrap.
# `sam build` (scripts/deploy.sh) runs the same cargo-lambda build per function.
#
#   bash scripts/build-lambdas.sh             # build (installs cargo-lambda and zig with pip when absent)
#   bash scripts/build-lambdas.sh --measure   # also measure each function's init time locally
#   bash scripts/build-lambdas.sh --measure-only [BIN...]   # measure only (all, or the named ones)
#
# --measure builds the same binaries for this machine (x86_64 release), starts each under a
# local Lambda Runtime API (scripts/lambda-init-time.py) and times process start to its first
# request for an event; docs/benchmarks.md records the figures and the method. The audit
# function reads a real (empty) table in a local moto server while measured.
# Not part of scripts/test.sh: a clean release build takes minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PYTHON="${PYTHON:-python3}"
MEASURE=0 BUILD=1
case "${1:-}" in
  --measure) MEASURE=1 ;;
  --measure-only) MEASURE=1 BUILD=0; shift ;;
esac

say() { printf '==> %s\n' "$*" >&2; }

# The binaries are the files in functions/lambda/src/bin (one Lambda function each).
mapfile -t BINS < <(find functions/lambda/src/bin -maxdepth 1 -name '*.rs' -printf '%f\n' | sed 's/\.rs$//' | sort)

if [[ $BUILD -eq 1 ]]; then
  if ! command -v cargo-lambda >/dev/null 2>&1; then
    say "installing cargo-lambda (with zig) from PyPI"
    "$PYTHON" -m pip install --quiet cargo-lambda
  fi
  if command -v rustup >/dev/null 2>&1; then
    rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1 || true
  fi
  say "building ${BINS[*]} for arm64 (release)"
  cargo lambda build --release --arm64 -p plumbline-lambda
  for bin in "${BINS[@]}"; do
    artifact="$TARGET_DIR/lambda/$bin/bootstrap"
    [[ -x "$artifact" ]] || { echo "missing $artifact" >&2; exit 1; }
    printf '%-8s %s (%s bytes)\n' "$bin" "$artifact" "$(stat -c %s "$artifact")"
  done
elif [[ $# -gt 0 ]]; then
  BINS=("$@")
fi

[[ $MEASURE -eq 1 ]] || exit 0

say "building ${BINS[*]} for this machine to measure init time"
cargo build --release -p plumbline-lambda "${BINS[@]/#/--bin=}"

WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
  if [[ -n "$MOTO_PID" ]]; then kill "$MOTO_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PYTHON" -c 'import moto' 2>/dev/null || "$PYTHON" -m pip install --quiet 'moto[server]'
PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$PYTHON" -m moto.server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
ENDPOINT="http://127.0.0.1:$PORT"

# What Lambda sets for every function, plus this stack's variables (infra/template.yaml).
export AWS_REGION=eu-west-2 AWS_DEFAULT_REGION=eu-west-2
export AWS_ACCESS_KEY_ID=measure AWS_SECRET_ACCESS_KEY=measure AWS_SESSION_TOKEN=measure
export AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION='$LATEST'
export AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/measure AWS_LAMBDA_LOG_STREAM_NAME=measure
export AWS_ENDPOINT_URL="$ENDPOINT" RUST_LOG=info PLUMBLINE_TABLE=plumbline-data
export PLUMBLINE_ISSUER=https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_measure PLUMBLINE_CLIENT_ID=measure
# The user pool's key set inline, as the API takes it when PLUMBLINE_JWKS is set; unset, the
# API fetches it from the issuer at start (a network round trip not measured here).
export PLUMBLINE_JWKS='{"keys":[{"kty":"RSA","kid":"measure","alg":"RS256","use":"sig","e":"AQAB","n":"u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw"}]}'

"$PYTHON" - "$ENDPOINT" <<'EOF'
import sys, time, boto3
dynamodb = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="eu-west-2")
for _ in range(50):
    try:
        dynamodb.create_table(TableName="plumbline-data", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("moto did not start")
EOF

cat >"$WORK/api.json" <<'EOF'
{"version":"2.0","routeKey":"GET /api/health","rawPath":"/api/health","rawQueryString":"","headers":{"host":"example.cloudfront.net"},
 "requestContext":{"accountId":"111122223333","apiId":"measure","domainName":"example.cloudfront.net","domainPrefix":"example","http":{"method":"GET","path":"/api/health","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"measure"},"requestId":"measure-1","routeKey":"GET /api/health","stage":"$default","time":"21/Nov/2026:12:00:00 +0000","timeEpoch":1795262400000},
 "isBase64Encoded":false}
EOF
echo '{"version":"0","id":"measure","detail-type":"Scheduled Event","source":"aws.events","detail":{}}' >"$WORK/audit.json"
cp "$WORK/audit.json" "$WORK/coach.json"
cat >"$WORK/token.json" <<'EOF'
{"version":"2","triggerSource":"TokenGeneration_Authentication","region":"eu-west-2","userPoolId":"eu-west-2_measure","userName":"measure",
 "request":{"userAttributes":{"sub":"measure","custom:person_id":"P0001"},"groupConfiguration":{"groupsToOverride":["rep"]},"scopes":["openid"]},
 "response":{"claimsAndScopeOverrideDetails":null}}
EOF
# A key outside incoming/ is refused before any S3 call: the function starts, reads the event
# and reports the error, which is what is checked.
echo '{"Records":[{"s3":{"bucket":{"name":"measure"},"object":{"key":"elsewhere/x.csv"}}}]}' >"$WORK/import.json"

measure() { # BIN LABEL ANSWER EXPECT
  [[ -f "$WORK/$1.json" ]] || { echo "no measurement event for $1: add one to scripts/build-lambdas.sh" >&2; exit 1; }
  AWS_LAMBDA_FUNCTION_NAME="plumbline-$1" "$PYTHON" scripts/lambda-init-time.py --runs "${RUNS:-30}" \
    --label "$2" --event "$WORK/$1.json" --answer "$3" --expect "$4" "$TARGET_DIR/release/$1"
}
for bin in "${BINS[@]}"; do
  case "$bin" in
    api) measure api api response '"statusCode":200' ;;
    audit) measure audit audit response '"records":0' ;;
    token) measure token token response P0001 ;;
    import) measure import import error 'not under incoming/' ;;
    # The weekly run reads the (empty) table and reports that no firm is loaded. Measured with
    # the template writer and with the Bedrock writer on, whose client is built at init.
    coach)
      measure coach coach error 'no firm is loaded yet'
      PLUMBLINE_COACH_MODEL_ID=anthropic.claude-3-haiku-20240307-v1:0 measure coach coach+bedrock error 'no firm is loaded yet'
      ;;
    *) measure "$bin" "$bin" any '' ;;
  esac
done
