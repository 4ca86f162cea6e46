#!/usr/bin/env bash
# The main job on a laptop: build the provider and the simulator, start the simulator, apply an example
# with the locally built provider (dev_overrides, no registry needed), print its outputs, prove that the
# next plan is empty, then stop the simulator and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
example=${DEMO_EXAMPLE:-examples/quickstart}

work=$(mktemp -d "${TMPDIR:-/tmp}/qlik-demo.XXXXXX")
sim_pid=""
cleanup() {
	if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building the provider and qliksim"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
go build -o "$work/bin/terraform-provider-qlik" .
go build -o "$work/bin/qliksim" ./cmd/qliksim

step "Starting qliksim"
"$work/bin/qliksim" >"$work/sim.env" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do
	[ "$(grep -c '^export ' "$work/sim.env" 2>/dev/null || true)" -ge 6 ] && break
	kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; echo "qliksim exited early" >&2; exit 1; }
	sleep 0.1
done
# shellcheck disable=SC1091
source "$work/sim.env"
# qliksim prints an API key and an OAuth client; the OAuth client is the one that reaches every tenant.
unset QLIK_API_KEY
echo "home tenant:  $QLIK_TENANT_URL"
echo "register host: $QLIK_REGISTRATION_URL"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "qlik-terraform/qlik" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir -p "$work/config"
cp -R "$root/$example/." "$work/config/"
cd "$work/config"

step "terraform apply ($example)"
# No `terraform init`: with dev_overrides Terraform serves the provider from the build directory, and
# init would still ask the registry about it, which fails offline. Terraform prints a warning that the
# overrides are in effect, which is expected here.
terraform apply -auto-approve -input=false -no-color

step "Outputs"
terraform output -no-color

step "Next plan (must be empty)"
set +e
terraform plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1
code=$?
set -e
case $code in
	0) grep -E 'No changes' "$work/plan.txt" ;;
	2) cat "$work/plan.txt"; echo "the plan after apply is not empty" >&2; exit 1 ;;
	*) cat "$work/plan.txt"; echo "terraform plan failed" >&2; exit 1 ;;
esac

step "Done: the simulator stops and the temporary files are removed"
