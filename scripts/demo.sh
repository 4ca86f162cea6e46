#!/usr/bin/env bash
# The OEM job on a laptop: build the provider and the simulator, start the simulator with three Qlik Cloud regions
# (eu, us, de: a register host and a region-level OAuth client each) and a source tenant in eu that holds the
# template app, install the provider with `terraform init` from a local provider mirror that holds the release
# archive built for this machine (as users install it; no registry needed), apply the OEM example for three
# customers, one per region, from one provider block, print the vendor's configuration table, prove that the
# next plan is empty, then stop the simulator and clean up. The vendor portal of the OEM example (qliksim portal)
# signs users in and frames their sheets; DEMO_SERVE=1 keeps it and the simulator running until Ctrl-C to try it
# in a browser. DEMO_EXAMPLE=examples/<dir> applies another example.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
example=${DEMO_EXAMPLE:-examples/oem-multitenant}

work=$(mktemp -d "${TMPDIR:-/tmp}/qlik-demo.XXXXXX")
sim_pid=""
portal_pid=""
cleanup() {
	for pid in $portal_pid $sim_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building the provider and qliksim"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
go build -o "$work/bin/terraform-provider-qlik" .
go build -o "$work/bin/qliksim" ./cmd/qliksim
go build -o "$work/configtable" ./cmd/configtable

step "Packing the provider into a local provider mirror"
# The release archive for this platform, in the layout of `terraform providers mirror`, and a CLI
# configuration that installs qlik-terraform/qlik from it only (filesystem_mirror; direct excludes it).
go run ./scripts/providermirror -binary "$work/bin/terraform-provider-qlik" -dir "$work/mirror" -config "$work/terraformrc" |
	sed "s#$work/##"

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
	# The secret with which Qlik signs the failed-reload alerts; write-only as well.
	export TF_VAR_alerts_signing_secret="demo-alerts-signing-secret-$(date +%s)-0000"
fi

export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir -p "$work/config"
cp -R "$root/$example/." "$work/config/"
rm -rf "$work/config/.terraform" "$work/config"/terraform.tfstate*

portal_url=""
if [ "$example" = examples/oem-multitenant ]; then
	step "Starting the vendor portal"
	# The portal's signing key is made here; only its public half goes into the configuration, as in a real
	# estate. The portal reads the configuration table (terraform output -json) once the apply has written it.
	"$work/bin/qliksim" jwt -new-key "$work/portal_key.pem" >"$work/config/portal_jwt_public_key.pem"
	"$work/bin/qliksim" portal -key "$work/portal_key.pem" -outputs "$work/outputs.json" >"$work/portal.url" 2>"$work/portal.log" &
	portal_pid=$!
	for _ in $(seq 1 100); do
		[ -s "$work/portal.url" ] && break
		kill -0 "$portal_pid" 2>/dev/null || { cat "$work/portal.log" >&2; echo "the portal exited early" >&2; exit 1; }
		sleep 0.1
	done
	portal_url=$(cat "$work/portal.url")
	# The tenants' web integrations, CSP origins and JWT issuer name the portal's origin.
	export TF_VAR_portal_origin="${portal_url%/}"
	echo "portal origin: $TF_VAR_portal_origin"
fi
cd "$work/config"

step "terraform init (provider from the mirror, lock file written)"
if ! terraform init -input=false -no-color >"$work/init.txt" 2>&1; then
	cat "$work/init.txt"
	echo "terraform init failed" >&2
	exit 1
fi
grep -E '^- (Install|Reusing)|successfully initialized' "$work/init.txt"
grep -A4 'provider "registry.terraform.io/qlik-terraform/qlik"' .terraform.lock.hcl

step "terraform apply ($example)"
# The full log is shown only when the apply fails.
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
	terraform output -json >"$work/outputs.json"
	"$work/configtable" <"$work/outputs.json"
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

if [ -n "$portal_url" ]; then
	step "The vendor portal"
	# The page lists every customer of the configuration table; a browser signs in and frames the sheets.
	port=${portal_url##*:}
	port=${port%/}
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	printf 'GET / HTTP/1.0\r\nHost: localhost:%s\r\n\r\n' "$port" >&3
	page=$(cat <&3)
	exec 3<&-
	if ! grep -q '^HTTP/1.[01] 200' <<<"$page" || ! grep -q 'data-customer=' <<<"$page"; then
		echo "the portal does not show the configuration table:" >&2
		echo "$page" >&2
		exit 1
	fi
	echo "menu: $(grep -o 'data-customer="[^"]*"' <<<"$page" | sort -u | cut -d'"' -f2 | tr '\n' ' ')"
	echo "Portal: $portal_url (menu: customer -> sheet; sign in as a customer's user)"
	if [ -n "${DEMO_SERVE:-}" ]; then
		echo "Serving until Ctrl-C."
		wait "$portal_pid" || true
	else
		echo "(DEMO_SERVE=1 make demo keeps the portal and the simulator running until Ctrl-C.)"
	fi
fi

step "Done: the simulator stops and the temporary files are removed"
