#!/usr/bin/env bash
# The OEM job on a laptop: build the provider and the simulator, start the simulator with three Qlik Cloud regions
# (eu, us, de: a register host and a region-level OAuth client each) and a source tenant in eu that holds the
# template app, apply the OEM example for three customers, one per region, from one provider block with the locally
# built provider
# (dev_overrides, no registry needed), print the vendor's configuration table, prove that the next plan is
# empty, then stop the simulator and clean up. DEMO_EXAMPLE=examples/<dir> applies another example.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
example=${DEMO_EXAMPLE:-examples/oem-multitenant}

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
go build -o "$work/configtable" ./scripts/configtable

step "Starting qliksim: regions eu, us and de, the vendor's source tenant in eu and its template app"
# Each region's hosts listen on their own loopback address (127.0.0.1, .2, .3), which QLIK_TRUSTED_HOSTS maps to
# the region.
"$work/bin/qliksim" -regions eu,us,de -seed-app "Sales template=256KiB" >"$work/sim.env" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do
	[ "$(grep -c '^export ' "$work/sim.env" 2>/dev/null || true)" -ge 6 ] && break
	kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; echo "qliksim exited early" >&2; exit 1; }
	sleep 0.1
done
# shellcheck disable=SC1091
source "$work/sim.env"
# qliksim prints an API key and a region-level OAuth client per region (QLIK_CLIENT_ID for the home region eu,
# QLIK_US_CLIENT_ID and QLIK_DE_CLIENT_ID for the others); the OAuth clients are what reach the customer tenants.
unset QLIK_API_KEY
echo "home tenant:   $QLIK_TENANT_URL (region $QLIK_REGION)"
grep '^qliksim: region ' "$work/sim.log" | sed 's/^qliksim: /            /'
echo "trusted hosts: $QLIK_TRUSTED_HOSTS"
grep '^qliksim: app ' "$work/sim.log" | sed 's/^qliksim: /template /'
# The license key the customer tenants are created under; a write-only attribute, so never in the state.
export TF_VAR_license_key="$QLIK_LICENSE_KEY"
# The customers' database passwords, as a workspace would set them; write-only too. (Demo values: the
# simulated databases accept anything.)
if [ "$example" = examples/oem-multitenant ]; then
	export TF_VAR_database_passwords='{acme="demo-acme",globex="demo-globex",initech="demo-initech"}'
fi

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
rm -rf "$work/config/.terraform" "$work/config"/terraform.tfstate*
cd "$work/config"

# Local modules must be installed before a plan; `terraform get` does only that. `terraform init` would also
# ask the registry about the provider, which dev_overrides serves from the build directory, and fail offline.
terraform get -no-color >/dev/null

step "terraform apply ($example)"
# The full log is shown only when the apply fails; Terraform's warning that dev_overrides are in effect is
# expected here.
start=$SECONDS
if ! terraform apply -auto-approve -input=false -no-color >"$work/apply.txt" 2>&1; then
	cat "$work/apply.txt"
	echo "terraform apply failed" >&2
	exit 1
fi
grep -E '^(Plan:|Apply complete!)' "$work/apply.txt"
echo "(in $((SECONDS - start)) s)"

if terraform output -json | grep -q '"customers"'; then
	step "The vendor's configuration table"
	terraform output -json | "$work/configtable"
else
	step "Outputs"
	terraform output -no-color
fi

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
