#!/usr/bin/env bash
# Deploys (or updates) Plumbline in the AWS account of the current AWS credentials:
# builds the app and the Lambda functions, deploys infra/template.yaml with AWS SAM, uploads
# the app to its bucket and refreshes CloudFront. See README.md, "Deploy to AWS".
#
#   bash scripts/deploy.sh            # first time: asks for the stack name, region and
#                                     # parameters, and saves the answers in infra/samconfig.toml
#   bash scripts/deploy.sh            # afterwards: deploys with the saved answers
#   bash scripts/deploy.sh --guided   # ask again
#
# Prerequisites: the AWS CLI (v2), the AWS SAM CLI, Rust with rustup, Python 3 with pip
# (cargo-lambda and zig are installed with pip when absent; no Docker), Node.js (the app
# build's wasm-opt),
# and credentials allowed to create the stack's resources (CloudFormation, IAM roles, Lambda,
# API Gateway, Cognito, DynamoDB, S3, CloudFront, KMS, SNS, SQS, CloudWatch, EventBridge).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIG="$ROOT/infra/samconfig.toml"
TEMPLATE="$ROOT/infra/template.yaml"
PYTHON="${PYTHON:-python3}"
# Inside target/ so the build output stays out of git.
BUILD_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/sam-build"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v aws >/dev/null 2>&1 || die "the AWS CLI is not installed: see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
command -v sam >/dev/null 2>&1 || die "the AWS SAM CLI is not installed: see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html (or: pip install aws-sam-cli)"
command -v cargo >/dev/null 2>&1 || die "Rust is not installed: see https://rustup.rs"
aws sts get-caller-identity >/dev/null 2>&1 || die "no usable AWS credentials: run 'aws configure' or 'aws sso login', or set AWS_PROFILE"
if ! command -v cargo-lambda >/dev/null 2>&1; then
  say "installing cargo-lambda (with zig) from PyPI"
  "$PYTHON" -m pip install --quiet cargo-lambda
fi
rustup target add aarch64-unknown-linux-gnu >/dev/null

GUIDED=0
if [[ "${1:-}" == "--guided" || ! -f "$CONFIG" ]]; then GUIDED=1; fi

DIST="${PLUMBLINE_DIST:-$ROOT/dist}"
say "building the app ($DIST)"
PLUMBLINE_DIST="$DIST" bash scripts/build-app.sh

say "building the Lambda functions (arm64, release) with sam build"
# SAM's cargo-lambda build method was a SAM preview feature until late 2025: without the opt-in,
# older SAM CLIs stop to ask (or fail when nobody can answer). SAM builds in the functions'
# folder, into functions/lambda/target, and looks for the binaries there: a CARGO_TARGET_DIR
# pointing elsewhere would hide them from it.
env -u CARGO_TARGET_DIR sam build --beta-features --template-file "$TEMPLATE" --build-dir "$BUILD_DIR"

say "deploying the stack"
if [[ $GUIDED -eq 1 ]]; then
  sam deploy --guided --template-file "$BUILD_DIR/template.yaml" --config-file "$CONFIG" \
    --stack-name "${PLUMBLINE_STACK:-plumbline}" --capabilities CAPABILITY_IAM --resolve-s3
else
  sam deploy --template-file "$BUILD_DIR/template.yaml" --config-file "$CONFIG" --no-fail-on-empty-changeset
fi

# The stack and region the saved configuration names.
setting() { sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" "$CONFIG" | head -n 1; }
STACK="$(setting stack_name)"
REGION="$(setting region)"
[[ -n "$STACK" && -n "$REGION" ]] || die "could not read stack_name and region from $CONFIG"
output() {
  aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
APP_URL="$(output AppUrl)"
APP_BUCKET="$(output AppBucketName)"
DISTRIBUTION="$(output DistributionId)"

# What the app needs to send people to Cognito's sign-in page: written beside index.html.
CONFIG_DIR="$(mktemp -d)"
trap 'rm -rf "$CONFIG_DIR"' EXIT
# app/src/auth.rs reads it.
cat >"$CONFIG_DIR/config.json" <<EOF
{
  "mode": "cognito",
  "region": "$REGION",
  "userPoolId": "$(output UserPoolId)",
  "clientId": "$(output UserPoolClientId)",
  "authDomain": "$(output AuthDomain)",
  "redirectUri": "$APP_URL"
}
EOF

say "uploading the app to s3://$APP_BUCKET"
# Hashed files never change, so browsers may keep them; index.html and config.json are re-read.
aws s3 sync "$DIST/" "s3://$APP_BUCKET/" --region "$REGION" --delete --exclude index.html --exclude config.json \
  --cache-control "public, max-age=31536000, immutable"
aws s3 cp "$DIST/index.html" "s3://$APP_BUCKET/index.html" --region "$REGION" --cache-control "no-cache"
aws s3 cp "$CONFIG_DIR/config.json" "s3://$APP_BUCKET/config.json" --region "$REGION" --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths /index.html /config.json / >/dev/null

say "done"
echo "Plumbline: $APP_URL"
echo "Imports:   s3://$(output ImportsBucketName)/incoming/<kind>/<file>"
echo "Next: import the people roster, then create the first administrator (README.md, Deploy to AWS)."
