// Package bench measures the provider on a generated multi-customer estate: it runs the terraform CLI with the
// built provider against qliksim running as its own process, and reads the simulator's request audit and
// inventory through its admin endpoint. `make bench` drives it through cmd/qlikbench; the fault suites in
// this package's tests run it at a small size in `make test`.
package bench

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strings"
)

// Kind is one resource of the per-customer estate: every customer gets one instance of every kind. Adding a
// resource type to the benchmark, the fault suites and the inventory checks means adding one Kind to Kinds.
type Kind struct {
	// Address is the resource's type and name in the generated configuration, e.g. "qlik_space.work".
	Address string
	// Body is the HCL inside the resource block after `for_each = var.customers`. It may refer to each.key,
	// each.value.name, var.* and other kinds by address (indexed by [each.key]).
	Body string
	// DependsOn lists the addresses of the kinds this one refers to, for the critical path.
	DependsOn []string
	// Calls is the number of requests the resource's create makes one after another (each waits for the
	// previous answer), including the reads the provider makes after a write. It is the resource's length on
	// the critical path in units of the simulated latency; Report.ModelCalls checks the model against the
	// audit.
	Calls int
	// Objects is what one instance leaves in the customer's tenant, by inventory kind
	// (qliksim.InventoryObject.Kind).
	Objects map[string]int
	// Secrets names the secret variables (Secrets) the body uses, for the secrets suite.
	Secrets []string
}

// Secret is a secret value a configuration hands the provider, which must never appear in a log line or in
// the state. Every secret is a sensitive variable of the generated configuration, set through TF_VAR_<Name>.
type Secret struct {
	// Name is the Terraform variable carrying the value.
	Name string
	// Ephemeral marks a variable that only write-only attributes use, so that it is never stored.
	Ephemeral bool
	// Value returns the secret; simulator credentials come from its settings, others may be generated.
	Value func(Settings) string
}

// Secrets are every secret kind the provider takes: the provider block's OAuth client secret and API key, the
// tenant's write-only license key, the data connection's write-only password, the OIDC identity provider's
// write-only client secret and the webhook's write-only signing secret.
var Secrets = []Secret{
	{Name: "client_secret", Value: func(s Settings) string { return s.ClientSecret }},
	{Name: "api_key", Value: func(s Settings) string { return s.APIKey }},
	{Name: "license_key", Ephemeral: true, Value: func(s Settings) string { return s.LicenseKey }},
	{Name: "db_password", Ephemeral: true, Value: func(Settings) string { return dbPassword }},
	{Name: "oidc_client_secret", Ephemeral: true, Value: func(Settings) string { return oidcClientSecret }},
	{Name: "webhook_secret", Ephemeral: true, Value: func(Settings) string { return webhookSecret }},
}

// oidcClientSecret is the secret of the customers' OIDC identity providers, generated like dbPassword.
var oidcClientSecret = "oidc-" + rand.Text()

// dbPassword is generated once per process, so a leak cannot be mistaken for a fixed string in the code.
var dbPassword = "db-" + rand.Text()

// webhookSecret signs the deliveries of the customers' webhooks: 32 characters, Qlik's minimum.
var webhookSecret = "whsec-" + rand.Text()

// webhookURL is the vendor's alerting endpoint for one customer. Nothing listens there: the estate's reloads
// succeed, so the webhook (failed reloads only) never sends.
func webhookURL(key string) string { return "https://alerts.vendor.example/qlik/" + key }

// inNewTenant is a kind made in the customer's new tenant with one POST, after the request for a token of that
// tenant (two calls), leaving one object of the inventory kind object; secrets are the Secrets its body uses.
func inNewTenant(address, object, body string, secrets ...string) Kind {
	return Kind{
		Address: address, Body: body, DependsOn: []string{"qlik_tenant.customer"}, Calls: 2,
		Objects: map[string]int{object: 1}, Secrets: secrets,
	}
}

// Kinds is the per-customer estate. Every resource type of the provider appears at least once.
var Kinds = []Kind{
	{
		Address: "qlik_tenant.customer",
		Body: `  license_key_wo         = var.license_key
  license_key_wo_version = 1
  name                   = each.value.name
  datacenter             = "eu-west-1"
  deletion_protection    = false`,
		Calls:   3, // register-host token, POST /tenants, PATCH (the create answered the tenant: no read back)
		Secrets: []string{"license_key"},
	},
	inNewTenant("qlik_space.work", "space", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} work"
  type            = "shared"`),
	inNewTenant("qlik_space.published", "space", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} analytics"
  type            = "managed"
  description     = "Published apps for ${each.value.name}."`),
	{
		Address: "qlik_app_copy.sales",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  source_app_id   = data.qlik_app.template.id
  source_version  = "1"
  name            = "Sales"
  space_id        = qlik_space.work[each.key].id`,
		DependsOn: []string{"qlik_space.work"},
		Calls:     5, // item lookup, download, upload, import, rename (one export per process serves every copy)
		Objects:   map[string]int{"app": 1},
	},
	{
		Address: "qlik_app_import.release",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  source          = "${path.module}/release.qvf"
  name            = "Release notes"
  space_id        = qlik_space.work[each.key].id`,
		DependsOn: []string{"qlik_space.work"},
		Calls:     5, // space read, item lookup by marker, upload, import, rename
		Objects:   map[string]int{"app": 1},
	},
	{
		Address: "qlik_brand.vendor",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} brand"
  logo            = "${path.module}/logo.png"
  favicon         = "${path.module}/favicon.ico"
  active          = true`,
		DependsOn: []string{"qlik_tenant.customer"},
		Calls:     3, // token of the new tenant, POST /brands, activate
		Objects:   map[string]int{"brand": 1},
	},
	inNewTenant("qlik_theme.vendor", "theme", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  file            = "${path.module}/theme.zip"`),
	inNewTenant("qlik_extension.vendor", "extension", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  file            = "${path.module}/extension.zip"`),
	{
		Address: "qlik_data_connection.orders",
		Body: `  tenant_hostname     = qlik_tenant.customer[each.key].hostname
  space_id            = qlik_space.work[each.key].id
  name                = "orders"
  type                = "postgres"
  connector           = "QvOdbcConnectorPackage.exe"
  connection_string   = "CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;driver=postgres;host=${each.key}.db.example.internal;port=5432;db=orders;\""
  username            = "qlik_reader"
  password_wo         = var.db_password
  password_wo_version = 1`,
		DependsOn: []string{"qlik_space.work"},
		Calls:     1, // POST /data-connections
		Objects:   map[string]int{"data_connection": 1},
		Secrets:   []string{"db_password"},
	},
	{
		Address: "qlik_load_script.sales",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  app_id          = qlik_app_copy.sales[each.key].id
  script          = "LIB CONNECT TO '${qlik_space.work[each.key].name}:${qlik_data_connection.orders[each.key].name}';\nOrders: SQL SELECT * FROM orders;\n"`,
		DependsOn: []string{"qlik_app_copy.sales", "qlik_data_connection.orders"},
		Calls:     2, // POST the script version, GET the current script
	},
	{
		Address: "qlik_reload.sales",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  app_id          = qlik_app_copy.sales[each.key].id
  triggers = {
    script = qlik_load_script.sales[each.key].script_sha256
  }`,
		DependsOn: []string{"qlik_load_script.sales"},
		// POST /reloads and the GET that sees it end; the reload's own run time (qliksim's reload duration and
		// the poll interval) is not latency and is outside this count.
		Calls: 2,
	},
	{
		Address: "qlik_app_publish.sales",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  app_id          = qlik_app_copy.sales[each.key].id
  space_id        = qlik_space.published[each.key].id
  triggers = {
    reload = qlik_reload.sales[each.key].id
  }`,
		DependsOn: []string{"qlik_app_copy.sales", "qlik_space.published", "qlik_reload.sales"},
		Calls:     1, // POST /apps/{id}/publish
		Objects:   map[string]int{"app": 1},
	},
	{
		Address: "qlik_role_mapping.analysts",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  group_name      = "${each.key}-analysts"
  roles           = ["EmbeddedAnalyticsUser"]
  space_roles {
    space_id = qlik_space.published[each.key].id
    roles    = ["consumer"]
  }`,
		DependsOn: []string{"qlik_space.published"},
		Calls:     6, // roles, space meta, group lookup, group create, assignments list, assignment create
		Objects:   map[string]int{"group": 1, "space_assignment": 1},
	},
	{
		Address: "qlik_role_mapping.admins",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  group_name      = "${each.key}-admins"
  roles           = ["EmbeddedAnalyticsUser", "SharedSpaceCreator"]
  space_roles {
    space_id = qlik_space.work[each.key].id
    roles    = ["consumer", "producer"]
  }`,
		DependsOn: []string{"qlik_space.work"},
		Calls:     6, // roles, space meta, group lookup, group create, assignments list, assignment create
		Objects:   map[string]int{"group": 1, "space_assignment": 1},
	},
	{
		Address: "qlik_space_assignment.admins_published",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  space_id        = qlik_space.published[each.key].id
  assignee_type   = "group"
  assignee_id     = qlik_role_mapping.admins[each.key].group_id
  roles           = ["consumer", "facilitator", "publisher"]`,
		DependsOn: []string{"qlik_space.published", "qlik_role_mapping.admins"},
		Calls:     2, // space meta, POST assignment
		Objects:   map[string]int{"space_assignment": 1},
	},
	inNewTenant("qlik_identity_provider_jwt.portal", "identity_provider_jwtAuth", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  issuer          = "https://${each.key}.portal.example.com"
  key_id          = "${each.key}-2026"
  public_key_pem  = file("${path.module}/jwt_public_key.pem")
  description     = "Portal single sign-on for ${each.value.name}"`),
	inNewTenant("qlik_web_integration.portal", "web_integration", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} portal"
  valid_origins   = ["https://${each.key}.portal.example.com"]`),
	inNewTenant("qlik_csp_origin.portal", "csp_origin", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} portal"
  origin          = "${each.key}.portal.example.com"
  directives      = ["frame-ancestors"]`),
	inNewTenant("qlik_oauth_client.portal", "oauth_client", `  tenant_hostname     = qlik_tenant.customer[each.key].hostname
  app_type            = "web"
  name                = "${each.value.name} portal"
  allowed_grant_types = ["urn:qlik:oauth:user-impersonation"]
  allowed_scopes      = ["user_default"]
  consent_method      = "trusted"`),
	inNewTenant("qlik_identity_provider_oidc.login", "identity_provider_OIDC", `  tenant_hostname          = qlik_tenant.customer[each.key].hostname
  provider_type            = "okta"
  discovery_url            = "https://${each.key}.okta.example.com/.well-known/openid-configuration"
  client_id                = "qlik-${each.key}"
  client_secret_wo         = var.oidc_client_secret
  client_secret_wo_version = 1
  claims_mapping = {
    sub    = ["/sub"]
    groups = ["/groups"]
  }`, "oidc_client_secret"),
	inNewTenant("qlik_custom_role.viewer", "custom_role", `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "Portal viewer"
  description     = "Reads the portal's apps."
  scopes          = ["apps:read"]`),
	{
		Address: "qlik_custom_group.portal_users",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} portal users"
  roles           = [qlik_custom_role.viewer[each.key].name]`,
		DependsOn: []string{"qlik_custom_role.viewer"},
		Calls:     2, // GET /roles (the catalogue changed), POST /groups
		Objects:   map[string]int{"group": 1},
	},
	{
		Address: "qlik_user.admin",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  subject         = "portal|admin-${each.key}"
  name            = "${each.value.name} administrator"
  email           = "admin@${each.key}.example.com"
  roles           = ["TenantAdmin"]`,
		DependsOn: []string{"qlik_tenant.customer"},
		Calls:     6, // token, GET /roles, POST /users, PATCH status, GET the user, GET its license
		Objects:   map[string]int{"user": 1},
	},
	{
		Address: "qlik_license_settings.customer",
		Body: `  tenant_hostname          = qlik_tenant.customer[each.key].hostname
  auto_assign_professional = false
  auto_assign_analyzer     = true`,
		DependsOn: []string{"qlik_tenant.customer"},
		Calls:     3, // token, PUT, GET
	},
	{
		Address: "qlik_group_settings.customer",
		Body: `  tenant_hostname    = qlik_tenant.customer[each.key].hostname
  auto_create_groups = true
  everyone_roles     = []`,
		DependsOn: []string{"qlik_tenant.customer"},
		Calls:     3, // token, PATCH, GET
	},
	{
		Address: "qlik_api_key_settings.customer",
		Body: `  tenant_hostname    = qlik_tenant.customer[each.key].hostname
  max_keys_per_user  = 2
  max_api_key_expiry = "P90D"`,
		DependsOn: []string{"qlik_tenant.customer"},
		Calls:     5, // token, GET /tenants/me and its redirect, PATCH, GET
	},
	{
		Address: "qlik_auth_settings.customer",
		Body: `  tenant_hostname                    = qlik_tenant.customer[each.key].hostname
  session_inactivity_timeout_minutes = 30
  max_session_lifespan_minutes       = 480`,
		DependsOn: []string{"qlik_tenant.customer"},
		Calls:     3, // token, PATCH, GET
	},
	inNewTenant("qlik_webhook.failed_reloads", "webhook", `  tenant_hostname   = qlik_tenant.customer[each.key].hostname
  name              = "Failed reloads"
  url               = "https://alerts.vendor.example/qlik/${each.key}"
  event_types       = ["com.qlik.v1.app.reload.finished"]
  filter            = "data.status eq \"error\""
  secret_wo         = var.webhook_secret
  secret_wo_version = 1`, "webhook_secret"),
	{
		Address: "qlik_reload_schedule.nightly",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  app_id          = qlik_app_publish.sales[each.key].id
  name            = "Nightly reload"
  recurrence      = "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0"
  time_zone       = "Europe/Berlin"`,
		DependsOn: []string{"qlik_app_publish.sales"},
		Calls:     1, // POST /api/scheduling/tasks (the answer is the task: no read back)
		Objects:   map[string]int{"reload_schedule": 1},
	},
	{
		Address: "qlik_automation.onboarding",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "Onboarding"
  space_id        = qlik_space.work[each.key].id
  workspace_json  = jsonencode({ runMode = "triggered", blocks = [] })`,
		DependsOn: []string{"qlik_space.work"},
		Calls:     1, // POST /api/workflows/automations (the answer is the automation: no read back)
		Objects:   map[string]int{"automation": 1},
	},
	{
		Address: "qlik_automation_run.onboarding",
		Body: `  tenant_hostname = qlik_tenant.customer[each.key].hostname
  automation_id   = qlik_automation.onboarding[each.key].id`,
		DependsOn: []string{"qlik_automation.onboarding"},
		// POST the run and the GET that sees it end; the run's own time (qliksim's run duration and the poll
		// interval) is not latency and is outside this count.
		Calls: 2,
	},
}

// TemplateAppName is the app seeded in the home tenant that every customer gets a copy of.
const TemplateAppName = "Sales template"

// rootModuleHeader starts every root module the bench writes: our provider's source, the home tenant's
// connection variables, the provider block connecting to it and the template app found by name.
const rootModuleHeader = `terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

variable "tenant_url" {
  type = string
}

variable "registration_url" {
  type = string
}

variable "client_id" {
  type = string
}

provider "qlik" {
  tenant_url       = var.tenant_url
  registration_url = var.registration_url
  client_id        = var.client_id
  client_secret    = var.client_secret
}

data "qlik_app" "template" {
  name = "` + TemplateAppName + `"
}
`

// CustomerKey names customer i (0-based) in the generated configuration.
func CustomerKey(i int) string { return fmt.Sprintf("c%03d", i+1) }

// Config renders the estate for n customers: one provider block for the whole estate (home tenant, OAuth
// client and register host from variables, rootModuleHeader), the template app found by name, and every kind
// for_each customer.
func Config(n int, kinds []Kind) string {
	var b strings.Builder
	b.WriteString(rootModuleHeader)
	b.WriteString(`
variable "customers" {
  type = map(object({ name = string }))
  default = {
`)
	for i := range n {
		fmt.Fprintf(&b, "    %s = { name = %q }\n", CustomerKey(i), "Customer "+CustomerKey(i))
	}
	b.WriteString("  }\n}\n")
	for _, sec := range Secrets {
		fmt.Fprintf(&b, "\nvariable %q {\n  type      = string\n  sensitive = true\n", sec.Name)
		if sec.Ephemeral {
			b.WriteString("  ephemeral = true\n")
		}
		b.WriteString("}\n")
	}
	for _, k := range kinds {
		typ, name, _ := strings.Cut(k.Address, ".")
		fmt.Fprintf(&b, "\nresource %q %q {\n  for_each = var.customers\n\n%s\n}\n", typ, name, k.Body)
	}
	b.WriteString(`
output "tenant_hostnames" {
  value = { for k, t in qlik_tenant.customer : k => t.hostname }
}
`)
	return b.String()
}

// ExpectedObjects is what every customer tenant must hold after a converged apply, by inventory kind.
func ExpectedObjects(kinds []Kind) map[string]int {
	want := map[string]int{}
	for _, k := range kinds {
		for kind, n := range k.Objects {
			want[kind] += n
		}
	}
	return want
}

// ResourcesPerCustomer is the number of managed resources one customer adds to the state.
func ResourcesPerCustomer(kinds []Kind) int { return len(kinds) }

// sortedKeys returns the keys of m in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
