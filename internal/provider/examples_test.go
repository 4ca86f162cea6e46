package provider_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// exampleSetups create what an example refers to but does not create itself, as a user's tenant would
// already hold it.
var exampleSetups = map[string]func(t *testing.T, e *testEnv){
	"data-sources/qlik_space": func(t *testing.T, e *testEnv) {
		e.createSpace(t, "Templates", "shared")
	},
	"data-sources/qlik_spaces": func(t *testing.T, e *testEnv) {
		e.createSpace(t, "Sales EMEA", "managed")
		e.createSpace(t, "Sales APAC", "managed")
		e.createSpace(t, "Sales sandbox", "shared")
	},
	"data-sources/qlik_app": func(t *testing.T, e *testEnv) {
		e.seedTemplate(t, "Templates")
		e.seedTemplate(t, "") // same name in a personal space: the example must pick by space
	},
	"resources/qlik_app_copy":    func(t *testing.T, e *testEnv) { e.seedTemplate(t, "") },
	"resources/qlik_app_publish": func(t *testing.T, e *testEnv) { e.seedTemplate(t, "") },
	"resources/qlik_load_script": func(t *testing.T, e *testEnv) { e.seedTemplate(t, "") },
	"resources/qlik_reload":      func(t *testing.T, e *testEnv) { e.seedTemplate(t, "") },
	"app-pipeline":               func(t *testing.T, e *testEnv) { e.seedTemplate(t, "") },
	"data-sources/qlik_group": func(_ *testing.T, e *testEnv) {
		e.identityUser(e.sim.Home().Hostname, "idp|support-lead", "acme-support")
	},
	"resources/qlik_space_assignment": func(_ *testing.T, e *testEnv) {
		e.identityUser(e.sim.Home().Hostname, "idp|editor", "acme-editors")
	},
	"oem-multitenant": func(t *testing.T, e *testEnv) { e.seedTemplate(t, "") },
}

// exampleVars are the -var arguments an example needs beyond the provider settings: the simulator's license
// key, and tenants without the deletion guard so that the test can destroy them.
var exampleVars = map[string]func(e *testEnv) []string{
	"resources/qlik_tenant": tenantExampleVars,
	"multi-tenant":          tenantExampleVars,
	"resources/qlik_data_connection": func(*testEnv) []string {
		return []string{"-var", "orders_db_password=" + exampleDBPassword}
	},
	"resources/qlik_identity_provider_oidc": func(*testEnv) []string {
		return []string{"-var", "okta_client_secret=" + exampleOIDCSecret}
	},
	"oem-multitenant": func(e *testEnv) []string {
		return append(tenantExampleVars(e), "-var", "database_passwords="+oemPasswordsHCL())
	},
}

// exampleDBPassword is the database password the data connection example is applied with.
const (
	exampleDBPassword = "example-Passw0rd"
	exampleOIDCSecret = "example-okta-S3cret"
)

func tenantExampleVars(e *testEnv) []string {
	return []string{"-var", "license_key=" + e.sim.LicenseKey(), "-var", "deletion_protection=false"}
}

// exampleFollowUps run after an example's empty plan, for what needs the CLI beyond outputs.
var exampleFollowUps = map[string]func(t *testing.T, e *testEnv, tf *tfCLI, vars []string){
	"oem-multitenant": checkOEMFollowUps,
	"provider": func(t *testing.T, e *testEnv, tf *tfCLI, vars []string) {
		savedPlanKeepsNoSecret(t, tf, vars, e.sim.Credentials().ClientSecret)
	},
	"resources/qlik_data_connection": func(t *testing.T, _ *testEnv, tf *tfCLI, vars []string) {
		savedPlanKeepsNoSecret(t, tf, vars, exampleDBPassword)
	},
	"resources/qlik_identity_provider_oidc": func(t *testing.T, _ *testEnv, tf *tfCLI, vars []string) {
		savedPlanKeepsNoSecret(t, tf, vars, exampleOIDCSecret)
	},
}

// savedPlanKeepsNoSecret saves a plan and requires that the secret is nowhere in the plan file (the variable is
// ephemeral: a sensitive variable alone is stored in it), then applies the saved plan with the secret passed
// again, as an ephemeral variable requires.
func savedPlanKeepsNoSecret(t *testing.T, tf *tfCLI, vars []string, secret string) {
	t.Helper()
	planFile := filepath.Join(tf.dir, "saved.tfplan")
	tf.mustRun(append([]string{"plan", "-input=false", "-no-color", "-out=" + planFile}, vars...)...)
	zr, err := zip.OpenReader(planFile)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the saved plan's %s holds the secret; its variable must be ephemeral", f.Name)
		}
	}
	tf.mustRun(append(append([]string{"apply", "-input=false", "-no-color"}, vars...), planFile)...)
}

// exampleChecks assert what each example is for, beyond a clean apply and an empty plan.
var exampleChecks = map[string]func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage){
	"quickstart": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var ids map[string]string
		decodeOutput(t, outputs, "space_ids", &ids)
		home := e.sim.Home().Hostname
		for key, id := range ids {
			if _, ok := e.spaceByID(home, id); !ok {
				t.Errorf("space_ids[%s] = %s is not in the simulator", key, id)
			}
		}
		if len(ids) != 3 || len(e.sim.Spaces(home)) != 3 {
			t.Errorf("space_ids = %v and the tenant holds %d spaces; want 3 and 3", ids, len(e.sim.Spaces(home)))
		}
		var names []string
		decodeOutput(t, outputs, "shared_space_names", &names)
		if fmt.Sprint(names) != "[Development Staging]" {
			t.Errorf("shared_space_names = %v, want [Development Staging]", names)
		}
		var owner string
		decodeOutput(t, outputs, "published_space_owner", &owner)
		if owner != e.sim.Home().BotUserID {
			t.Errorf("published_space_owner = %q, want the OAuth client's user %q", owner, e.sim.Home().BotUserID)
		}
	},
	"data-sources/qlik_spaces": func(t *testing.T, _ *testEnv, outputs map[string]json.RawMessage) {
		var ids map[string]string
		decodeOutput(t, outputs, "sales_space_ids", &ids)
		if len(ids) != 2 || ids["Sales EMEA"] == "" || ids["Sales APAC"] == "" {
			t.Errorf("sales_space_ids = %v, want the two managed sales spaces", ids)
		}
	},
	"data-sources/qlik_space": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "templates_space_id", &id)
		if s, ok := e.spaceByID(e.sim.Home().Hostname, id); !ok || s.Name != "Templates" {
			t.Errorf("templates_space_id = %q does not name the Templates space", id)
		}
	},
	"resources/qlik_tenant": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var out struct{ ID, Hostname, Region string }
		decodeOutput(t, outputs, "acme_tenant", &out)
		rec, ok := e.sim.TenantByID(out.ID)
		if !ok || rec.Name != "Acme Corp" || rec.Region != "eu" || out.Region != "eu" || rec.Hostnames[0] != out.Hostname ||
			len(rec.Hostnames) != 2 || rec.Hostnames[1] != "acme-analytics.example.com" ||
			rec.AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals || !rec.EnableAppOpeningFeedback {
			t.Errorf("tenant %+v (found=%v), output %+v", rec, ok, out)
		}
		if spaces := e.sim.Spaces(out.Hostname); len(spaces) != 1 || spaces[0].Name != "Published analytics" {
			t.Errorf("spaces in the new tenant: %+v", spaces)
		}
	},
	"data-sources/qlik_tenant": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var out struct{ ID, Hostname, Region string }
		decodeOutput(t, outputs, "home_tenant", &out)
		if home := e.sim.Home(); out.ID != home.ID || out.Hostname != home.Hostname || out.Region != "eu" {
			t.Errorf("home_tenant = %+v, want %s on %s", out, home.ID, home.Hostname)
		}
	},
	"multi-tenant": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var customers map[string]struct {
			TenantID string `json:"tenant_id"`
			Hostname string `json:"hostname"`
			Region   string `json:"region"`
			SpaceID  string `json:"space_id"`
		}
		decodeOutput(t, outputs, "customers", &customers)
		wantRegion := map[string]string{"acme": "eu", "globex": "us", "initech": "de"}
		if len(customers) != 3 || e.customerTenants() != 3 {
			t.Fatalf("customers = %v, simulator holds %d customer tenants", customers, e.customerTenants())
		}
		for k, c := range customers {
			rec, ok := e.sim.TenantByID(c.TenantID)
			if !ok || rec.Hostnames[0] != c.Hostname || rec.Region != wantRegion[k] || c.Region != wantRegion[k] {
				t.Errorf("%s: tenant %+v, output %+v", k, rec, c)
			}
			if _, ok := e.spaceByID(c.Hostname, c.SpaceID); !ok || len(e.sim.Spaces(c.Hostname)) != 1 {
				t.Errorf("%s: space %s is not the only space of %s", k, c.SpaceID, c.Hostname)
			}
		}
	},
	"resources/qlik_role_mapping": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		home := e.sim.Home().Hostname
		spaces := e.sim.Spaces(home)
		if len(spaces) != 1 {
			t.Fatalf("the tenant holds %d spaces, want 1", len(spaces))
		}
		want := map[string]string{"acme-analysts": "[EmbeddedAnalyticsUser]", "acme-admins": "[EmbeddedAnalyticsUser SharedSpaceCreator]"}
		for name, roles := range want {
			g, ok := e.sim.GroupByName(home, name)
			if !ok || fmt.Sprint(g.RoleNames()) != roles {
				t.Errorf("group %s: %+v (found=%v), want roles %s", name, g, ok, roles)
			}
		}
		if as := e.sim.SpaceAssignments(home, spaces[0].ID); len(as) != 2 {
			t.Errorf("the space holds %d assignments, want 2 (one per group)", len(as))
		}
	},
	"resources/qlik_space_assignment": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		home := e.sim.Home().Hostname
		g, _ := e.sim.GroupByName(home, "acme-editors")
		spaces := e.sim.Spaces(home)
		if len(spaces) != 1 {
			t.Fatalf("the tenant holds %d spaces, want 1", len(spaces))
		}
		as := e.sim.SpaceAssignments(home, spaces[0].ID)
		if len(as) != 1 || as[0].AssigneeID != g.ID || fmt.Sprint(as[0].Roles) != "[consumer producer]" {
			t.Errorf("assignments %+v, want the editors group with consumer and producer", as)
		}
	},
	"resources/qlik_user": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		home := e.sim.Home().Hostname
		licenses := e.sim.LicenseAssignments(home)
		for subject, want := range map[string]string{"auth0|64f1c0d2e4b5a6978899aacc": "professional", "auth0|64f1c0d2e4b5a6978899aadd": "analyzer"} {
			u, ok := e.userBySubject(home, subject)
			if !ok || u.Status != "active" || licenses[subject].Type != want {
				t.Errorf("user %s: %+v (found %v), license %+v; want active with %s", subject, u, ok, licenses[subject], want)
			}
		}
	},
	"resources/qlik_custom_role": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		roles := e.sim.Roles(e.sim.Home().Hostname)
		r := roles[len(roles)-1]
		if r.Type != "custom" || r.Name != "Report reader" || fmt.Sprint(r.AssignedScopes) != "[reports:read]" {
			t.Errorf("last role %+v, want the custom Report reader", r)
		}
	},
	"resources/qlik_custom_group": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		g, ok := e.sim.GroupByName(e.sim.Home().Hostname, "Finance")
		if !ok || g.ProviderType != "custom" || fmt.Sprint(g.RoleNames()) != "[Report reader SharedSpaceCreator]" {
			t.Errorf("group Finance: %+v (found %v)", g, ok)
		}
	},
	"resources/qlik_license_settings": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		if v, _ := e.sim.TenantSettings(e.sim.Home().Hostname); v.AutoAssignProfessional || !v.AutoAssignAnalyzer {
			t.Errorf("settings %+v", v)
		}
	},
	"resources/qlik_group_settings": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		if v, _ := e.sim.TenantSettings(e.sim.Home().Hostname); !v.AutoCreateGroups || fmt.Sprint(v.EveryoneRoles) != "[EmbeddedAnalyticsUser]" {
			t.Errorf("settings %+v", v)
		}
	},
	"resources/qlik_api_key_settings": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		if v, _ := e.sim.TenantSettings(e.sim.Home().Hostname); v.MaxKeysPerUser != 2 || v.MaxAPIKeyExpiry != "P90D" {
			t.Errorf("settings %+v", v)
		}
	},
	"resources/qlik_auth_settings": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		if v, _ := e.sim.TenantSettings(e.sim.Home().Hostname); v.SessionInactivityMinutes != 30 || v.MaxSessionLifespanMinutes != 480 {
			t.Errorf("settings %+v", v)
		}
	},
	"data-sources/qlik_users": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var subjects []string
		decodeOutput(t, outputs, "admin_subjects", &subjects)
		var want []string
		for _, u := range e.sim.Users(e.sim.Home().Hostname) {
			for _, r := range u.AssignedRoles {
				if r.Name == "TenantAdmin" && u.Status == "active" {
					want = append(want, u.Subject)
				}
			}
		}
		slices.Sort(subjects)
		slices.Sort(want)
		if len(subjects) == 0 || !slices.Equal(subjects, want) {
			t.Errorf("admin_subjects = %v, want %v", subjects, want)
		}
	},
	"data-sources/qlik_roles": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var names, admins []string
		decodeOutput(t, outputs, "role_names", &names)
		decodeOutput(t, outputs, "admin_roles", &admins)
		if len(names) != len(e.sim.Roles(e.sim.Home().Hostname)) || fmt.Sprint(admins) != "[AnalyticsAdmin AuditAdmin DataAdmin TenantAdmin]" {
			t.Errorf("role_names = %v, admin_roles = %v", names, admins)
		}
	},
	"data-sources/qlik_group": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "support_group_id", &id)
		if g, ok := e.sim.GroupByName(e.sim.Home().Hostname, "acme-support"); !ok || g.ID != id {
			t.Errorf("support_group_id = %q, want the acme-support group", id)
		}
	},
	"resources/qlik_identity_provider_jwt": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "identity_provider_id", &id)
		want, err := os.ReadFile(filepath.Join("..", "..", "examples", "resources", "qlik_identity_provider_jwt", "jwt_public_key.pem"))
		if err != nil {
			t.Fatal(err)
		}
		all := e.jwtIdPs(e.sim.Home().Hostname)
		if len(all) != 1 || all[0].ID != id || all[0].Options.Issuer != "https://portal.example.com" ||
			all[0].Options.StaticKeys[0].KID != "portal-2026" || all[0].Options.StaticKeys[0].PEM != string(want) {
			t.Errorf("identity_provider_id = %q; the tenant holds %+v", id, all)
		}
	},
	"resources/qlik_web_integration": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "web_integration_id", &id)
		all := e.sim.WebIntegrations(e.sim.Home().Hostname)
		if len(all) != 1 || all[0].ID != id || all[0].Name != "Customer portal" || len(all[0].ValidOrigins) != 2 {
			t.Errorf("web_integration_id = %q; the tenant holds %+v", id, all)
		}
	},
	"resources/qlik_csp_origin": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		all := e.sim.CSPOrigins(e.sim.Home().Hostname)
		if len(all) != 2 {
			t.Fatalf("the tenant holds %d CSP origins, want 2", len(all))
		}
		for _, c := range all {
			if (c.Origin == "portal.example.com") != (c.FrameAncestors && !c.ImgSrc) {
				t.Errorf("unexpected directives on %+v", c)
			}
		}
	},
	"resources/qlik_oauth_client": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		home := e.sim.Home()
		var id, secret string
		decodeOutput(t, outputs, "portal_client_id", &id)
		decodeOutput(t, outputs, "portal_client_secret", &secret)
		byName := map[string]qliksim.OAuthClient{}
		for _, c := range e.sim.OAuthClients(home.Hostname) {
			byName[c.ClientName] = c
		}
		if len(byName) != 3 || byName["Customer portal"].ClientID != id || len(byName["Reporting service"].ClientSecrets) != 0 ||
			len(byName["Reporting service"].PublicKeys) != 1 || byName["Analytics SPA"].AppType != "spa" {
			t.Errorf("the tenant holds %+v", byName)
		}
		if _, err := e.sim.AddUser(home.Hostname, "auth0|example"); err != nil {
			t.Fatal(err)
		}
		if status, _ := impersonate(t, home.URL, id, secret, "auth0|example"); status != 200 {
			t.Errorf("impersonation with the example's output secret: %d", status)
		}
	},
	"resources/qlik_identity_provider_oidc": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		home := e.sim.Home().Hostname
		for _, p := range e.sim.IdentityProviders(home) {
			if p.Protocol != "OIDC" || p.Provider == "qlik" {
				continue
			}
			if s, _ := e.sim.OIDCClientSecret(home, p.ID); !p.Active || !p.Interactive || s != exampleOIDCSecret || p.Options.Realm != "acme" {
				t.Errorf("identity provider %+v (secret as sent: %v)", p, s == exampleOIDCSecret)
			}
			return
		}
		t.Error("no OIDC identity provider in the tenant")
	},
	"embedding": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var settings struct {
			OAuthClientID    string            `json:"oauth_client_id"`
			WebIntegrationID string            `json:"web_integration_id"`
			JWTIssuer        string            `json:"jwt_issuer"`
			SheetURLs        map[string]string `json:"sheet_urls"`
		}
		decodeOutput(t, outputs, "portal_settings", &settings)
		home := e.sim.Home().Hostname
		wis, idps, csp := e.sim.WebIntegrations(home), e.jwtIdPs(home), e.sim.CSPOrigins(home)
		if len(wis) != 1 || wis[0].ID != settings.WebIntegrationID || len(wis[0].ValidOrigins) != 1 || wis[0].ValidOrigins[0] != "https://portal.example.com" {
			t.Errorf("web integration: output %q, tenant holds %+v", settings.WebIntegrationID, wis)
		}
		if len(idps) != 1 || idps[0].Options.Issuer != settings.JWTIssuer || len(csp) != 1 || csp[0].Origin != "portal.example.com" || !csp[0].FrameAncestors {
			t.Errorf("identity providers %+v, CSP origins %+v", idps, csp)
		}
		if clients := e.sim.OAuthClients(home); len(clients) != 1 || clients[0].ClientID != settings.OAuthClientID || clients[0].AllowedGrantTypes[0] != "urn:qlik:oauth:user-impersonation" {
			t.Errorf("OAuth client: output %q, tenant holds %+v", settings.OAuthClientID, clients)
		}
		if want := "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f&sheet=aBcDeF&opt=currsel"; settings.SheetURLs["details"] != want {
			t.Errorf("sheet_urls = %v, want details = %q", settings.SheetURLs, want)
		}
	},
	"oem-multitenant": checkOEMEstate,
	"functions/embed_url": func(t *testing.T, _ *testEnv, outputs map[string]json.RawMessage) {
		const app = "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f"
		var url string
		decodeOutput(t, outputs, "sales_app_url", &url)
		if url != app {
			t.Errorf("sales_app_url = %q, want %q", url, app)
		}
		var sheets map[string]string
		decodeOutput(t, outputs, "sales_sheet_urls", &sheets)
		if want := app + "&sheet=JpXmPa&opt=currsel&theme=horizon&lang=de"; len(sheets) != 2 || sheets["overview"] != want {
			t.Errorf("sales_sheet_urls = %v, want overview = %q", sheets, want)
		}
	},
	"resources/qlik_space": func(t *testing.T, e *testEnv, _ map[string]json.RawMessage) {
		if n := len(e.sim.Spaces(e.sim.Home().Hostname)); n != 2 {
			t.Errorf("the tenant holds %d spaces, want 2", n)
		}
	},
	"data-sources/qlik_app": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "sales_template_id", &id)
		a, ok := e.sim.App(e.sim.Home().Hostname, id)
		if !ok || a.Attributes.SpaceID == "" {
			t.Errorf("sales_template_id = %q is not the template in the Templates space (%+v)", id, a.Attributes)
		}
	},
	"resources/qlik_app_copy": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "sales_app_id", &id)
		a, ok := e.sim.App(e.sim.Home().Hostname, id)
		if !ok || a.Attributes.Name != "Sales" || a.Attributes.SpaceID == "" || len(e.sim.Apps(e.sim.Home().Hostname)) != 2 {
			t.Errorf("sales_app_id = %q: %+v; want one copy named Sales in a space besides the template", id, a.Attributes)
		}
	},
	"resources/qlik_load_script": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		home := e.sim.Home().Hostname
		apps := e.sim.Apps(home)
		if len(apps) != 2 {
			t.Fatalf("the tenant holds %d apps, want the template and its copy", len(apps))
		}
		versions, err := e.sim.Scripts(home, apps[1].Attributes.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur := versions[len(versions)-1]
		var sum string
		decodeOutput(t, outputs, "sales_script_sha256", &sum)
		if !strings.Contains(cur.Script, "LIB CONNECT TO 'Acme:orders-db';") || !strings.Contains(cur.Script, "customer_id = 'acme'") ||
			cur.VersionMessage != "Acme orders since 2024" || sum != sha256Hex(strings.TrimRight(cur.Script, "\n")) {
			t.Errorf("current script %+v, sha256 output %s", cur, sum)
		}
	},
	"resources/qlik_data_connection": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "orders_connection_id", &id)
		dc, ok := e.sim.DataConnectionByID(e.sim.Home().Hostname, id)
		if !ok || dc.QName != "orders-db" || dc.Password != exampleDBPassword || dc.Username != "qlik_loader" || dc.Space == "" {
			t.Errorf("orders_connection_id = %q: %+v", id, dc)
		}
	},
	"resources/qlik_reload": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var out struct{ ID, Status string }
		decodeOutput(t, outputs, "sales_reload", &out)
		r, ok := e.sim.ReloadByID(e.sim.Home().Hostname, out.ID)
		if !ok || out.Status != "SUCCEEDED" || r.Status != qliksim.ReloadSucceeded || r.Variables["vRegion"] != "EMEA" || !strings.Contains(r.Script, "$(vRegion), 100") {
			t.Errorf("sales_reload = %+v; simulator: %+v", out, r)
		}
	},
	"app-pipeline": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		home := e.sim.Home().Hostname
		var published map[string]string
		var reloads map[string]struct{ ID, Status string }
		decodeOutput(t, outputs, "published_apps", &published)
		decodeOutput(t, outputs, "reloads", &reloads)
		hosts := map[string]string{"acme": "orders.acme.internal", "globex": "db.globex.internal"}
		if len(published) != 2 || len(reloads) != 2 {
			t.Fatalf("published_apps = %v, reloads = %v", published, reloads)
		}
		for k, host := range hosts {
			r, ok := e.sim.ReloadByID(home, reloads[k].ID)
			if !ok || r.Status != qliksim.ReloadSucceeded || !strings.Contains(r.Script, "LIB CONNECT TO '") {
				t.Errorf("%s: reload %+v", k, r)
			}
			pub, ok := e.sim.App(home, published[k])
			if !ok || pub.Attributes.OriginAppID != r.AppID || pub.Attributes.PublishTime == "" {
				t.Errorf("%s: published app %+v is not published from the reloaded app %s", k, pub.Attributes, r.AppID)
			}
			var conn bool
			for _, dc := range e.sim.DataConnections(home) {
				conn = conn || strings.Contains(dc.QConnectStatement, "host="+host+";")
			}
			if !conn {
				t.Errorf("%s: no data connection points at %s", k, host)
			}
		}
	},
	"resources/qlik_app_publish": func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "published_app_id", &id)
		a, ok := e.sim.App(e.sim.Home().Hostname, id)
		if !ok || a.Attributes.PublishTime == "" || a.Attributes.OriginAppID == "" {
			t.Errorf("published_app_id = %q is not a published app: %+v", id, a.Attributes)
		}
	},
}

// oemPasswords are the database passwords the oem-multitenant example is applied with; the state must never
// hold them.
var oemPasswords = map[string]string{"acme": "acme-db-secret-1", "globex": "globex-db-secret-1", "initech": "initech-db-secret-1"}

func oemPasswordsHCL() string {
	parts := make([]string, 0, len(oemPasswords))
	for k, v := range oemPasswords {
		parts = append(parts, fmt.Sprintf("%s=%q", k, v))
	}
	slices.Sort(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

// oemCustomer is one row of the oem-multitenant example's configuration table (its customers output).
type oemCustomer struct {
	Name             string            `json:"name"`
	Cohort           string            `json:"cohort"`
	TemplateVersion  string            `json:"template_version"`
	TenantID         string            `json:"tenant_id"`
	Hostname         string            `json:"hostname"`
	Region           string            `json:"region"`
	AppID            string            `json:"app_id"`
	PublishedAppID   string            `json:"published_app_id"`
	WebIntegrationID string            `json:"web_integration_id"`
	OAuthClientID    string            `json:"oauth_client_id"`
	EmbedURLs        map[string]string `json:"embed_urls"`
	Groups           []string          `json:"groups"`
	Admins           []string          `json:"admins"`
}

// oemExpect is what customers.auto.tfvars of the oem-multitenant example asks for, per customer.
var oemExpect = map[string]struct {
	name, region, cohort, version string
	groups                        map[string]string // group name → tenant roles
	admin                         string            // the subject of the first administrator
}{
	"acme": {"Acme Corp", "eu", "canary", "2026.11.1", map[string]string{
		"acme-analysts": "[EmbeddedAnalyticsUser]", "acme-admins": "[EmbeddedAnalyticsUser SharedSpaceCreator]",
	}, "auth0|acme-it-lead"},
	"globex":  {"Globex", "us", "stable", "2026.10.3", map[string]string{"globex-viewers": "[EmbeddedAnalyticsUser]"}, "auth0|globex-ops"},
	"initech": {"Initech", "de", "stable", "2026.10.3", map[string]string{"initech-users": "[EmbeddedAnalyticsUser]"}, "auth0|initech-bi"},
}

// checkOEMEstate checks the configuration table of the oem-multitenant example against the simulator: every
// customer has its tenant, two spaces, a copy of the template in the development space published to the
// managed one, its groups with their roles, the embedding objects, and iframe URLs on its own host and app.
func checkOEMEstate(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
	t.Helper()
	var customers map[string]oemCustomer
	decodeOutput(t, outputs, "customers", &customers)
	var secrets map[string]string
	decodeOutput(t, outputs, "portal_oauth_client_secrets", &secrets)
	if len(customers) != len(oemExpect) || e.customerTenants() != len(oemExpect) {
		t.Fatalf("customers output has %d rows and the simulator %d customer tenants, want %d", len(customers), e.customerTenants(), len(oemExpect))
	}
	hosts := map[string]bool{}
	for key, want := range oemExpect {
		c, ok := customers[key]
		if !ok {
			t.Errorf("customer %s missing from the output", key)
			continue
		}
		hosts[c.Hostname] = true
		rec, ok := e.sim.TenantByID(c.TenantID)
		if !ok || rec.Hostnames[0] != c.Hostname || rec.Name != want.name || rec.Region != want.region || c.Region != want.region {
			t.Errorf("%s: tenant %+v (found=%v), output %+v", key, rec, ok, c)
		}
		if c.Cohort != want.cohort || c.TemplateVersion != want.version {
			t.Errorf("%s: cohort %q at %q, want %q at %q", key, c.Cohort, c.TemplateVersion, want.cohort, want.version)
		}
		spaces := map[string]qliksim.Space{}
		for _, sp := range e.sim.Spaces(c.Hostname) {
			spaces[sp.Type] = sp
		}
		if len(spaces) != 2 || spaces["shared"].Name != want.name+" development" || spaces["managed"].Name != want.name+" analytics" {
			t.Errorf("%s: spaces %+v, want a shared development and a managed analytics space", key, e.sim.Spaces(c.Hostname))
		}
		app, ok := e.sim.App(c.Hostname, c.AppID)
		if !ok || app.Attributes.Name != "Sales" || app.Attributes.SpaceID != spaces["shared"].ID ||
			!strings.Contains(app.Attributes.Description, want.version) {
			t.Errorf("%s: app %s (found=%v) %+v, want Sales of release %s in the development space", key, c.AppID, ok, app.Attributes, want.version)
		}
		pub, ok := e.sim.App(c.Hostname, c.PublishedAppID)
		if !ok || pub.Attributes.OriginAppID != c.AppID || pub.Attributes.SpaceID != spaces["managed"].ID || pub.Attributes.PublishTime == "" {
			t.Errorf("%s: published app %s (found=%v) %+v, want the copy published to the managed space", key, c.PublishedAppID, ok, pub.Attributes)
		}
		checkOEMPipeline(t, e, key, want.name, c, spaces["shared"])
		if n := len(e.sim.Apps(c.Hostname)); n != 2 {
			t.Errorf("%s: the tenant holds %d apps, want the copy and its published app", key, n)
		}
		// The portal signs in the users of these groups.
		if wantGroups := slices.Sorted(maps.Keys(want.groups)); !slices.Equal(c.Groups, wantGroups) {
			t.Errorf("%s: groups = %v, want %v", key, c.Groups, wantGroups)
		}
		for group, roles := range want.groups {
			g, ok := e.sim.GroupByName(c.Hostname, group)
			if !ok || fmt.Sprint(g.RoleNames()) != roles {
				t.Errorf("%s: group %s %+v (found=%v), want roles %s", key, group, g, ok, roles)
				continue
			}
			var inPublished bool
			for _, a := range e.sim.SpaceAssignments(c.Hostname, spaces["managed"].ID) {
				inPublished = inPublished || (a.AssigneeID == g.ID && slices.Contains(a.Roles, "consumer"))
			}
			if !inPublished {
				t.Errorf("%s: group %s is not a consumer of the published space", key, group)
			}
		}
		wis, idps, csp := e.sim.WebIntegrations(c.Hostname), e.jwtIdPs(c.Hostname), e.sim.CSPOrigins(c.Hostname)
		if len(wis) != 1 || wis[0].ID != c.WebIntegrationID || fmt.Sprint(wis[0].ValidOrigins) != "[https://portal.example.com]" {
			t.Errorf("%s: web integrations %+v, output %q", key, wis, c.WebIntegrationID)
		}
		if len(idps) != 1 || idps[0].Options.Issuer != "https://portal.example.com" || idps[0].Options.StaticKeys[0].KID != "portal-2026" {
			t.Errorf("%s: JWT identity providers %+v", key, idps)
		}
		if len(csp) != 1 || csp[0].Origin != "portal.example.com" || !csp[0].FrameAncestors {
			t.Errorf("%s: CSP origins %+v", key, csp)
		}
		checkOEMIdentity(t, e, key, want.admin, c, secrets[key])
		// The simulator's hosts are loopback, so the URLs use http; on Qlik Cloud they are https.
		base := "http://" + c.Hostname + "/single/?appid=" + c.PublishedAppID
		wantURLs := map[string]string{
			"app":      base,
			"overview": base + "&sheet=JpXmPa&opt=currsel",
			"details":  base + "&sheet=aBcDeF&opt=currsel",
		}
		if !maps.Equal(c.EmbedURLs, wantURLs) {
			t.Errorf("%s: embed_urls = %v, want %v", key, c.EmbedURLs, wantURLs)
		}
	}
	if len(hosts) != len(oemExpect) {
		t.Errorf("customers share tenant hosts: %v", hosts)
	}
	// Every customer lives in its own region, and no tenant was reached with another region's client.
	checkRegionAudit(t, e.sim)
}

// checkOEMIdentity checks the people and sign-in objects of one customer: the portal's OAuth client (its id in
// the configuration table, its secret in the sensitive output, and that they get an impersonation token for the
// customer's administrator), the administrator as a TenantAdmin with a professional license, and the license and
// group settings.
func checkOEMIdentity(t *testing.T, e *testEnv, key, admin string, c oemCustomer, secret string) {
	t.Helper()
	clients := e.sim.OAuthClients(c.Hostname)
	if len(clients) != 1 || clients[0].ClientID != c.OAuthClientID || clients[0].AppType != "web" ||
		!slices.Equal(clients[0].AllowedGrantTypes, []string{"urn:qlik:oauth:user-impersonation"}) {
		t.Errorf("%s: OAuth clients %+v, output %q", key, clients, c.OAuthClientID)
	}
	if !slices.Equal(c.Admins, []string{admin}) {
		t.Errorf("%s: admins = %v, want [%s]", key, c.Admins, admin)
	}
	var found bool
	for _, u := range e.sim.Users(c.Hostname) {
		if u.Subject != admin {
			continue
		}
		found = true
		_, roles, _ := e.sim.UserAccess(c.Hostname, u.ID)
		if !slices.Contains(roles, "TenantAdmin") {
			t.Errorf("%s: administrator %s has roles %v", key, admin, roles)
		}
	}
	if !found {
		t.Errorf("%s: no user with subject %s", key, admin)
		return
	}
	if status, _ := impersonate(t, "http://"+c.Hostname, c.OAuthClientID, secret, admin); status != 200 {
		t.Errorf("%s: impersonation token for the administrator with the output's client: %d", key, status)
	}
}

// checkOEMPipeline checks the data steps of one customer: the data connection holds the customer's password
// (sent write-only), the app's current script reads through that connection, and the one reload ran that
// script and succeeded before the app was published.
func checkOEMPipeline(t *testing.T, e *testEnv, key, name string, c oemCustomer, devSpace qliksim.Space) {
	t.Helper()
	conns := e.sim.DataConnections(c.Hostname)
	if len(conns) != 1 || conns[0].QName != key+" database" || conns[0].Space != devSpace.ID || conns[0].Password != oemPasswords[key] {
		t.Errorf("%s: data connections %+v, want %q in the development space with the customer's password", key, conns, key+" database")
	}
	scripts, err := e.sim.Scripts(c.Hostname, c.AppID) // oldest first: the last one is current
	if err != nil || len(scripts) == 0 {
		t.Errorf("%s: scripts of %s: %v", key, c.AppID, err)
		return
	}
	current := scripts[len(scripts)-1].Script
	if !strings.Contains(current, fmt.Sprintf("LIB CONNECT TO '%s development:%s database';", name, key)) {
		t.Errorf("%s: the current script of %s does not use the customer's connection:\n%s", key, c.AppID, current)
		return
	}
	var ran []qliksim.ReloadInfo
	for _, r := range e.sim.Reloads(c.Hostname) {
		if r.AppID == c.AppID {
			ran = append(ran, r)
		}
	}
	if len(ran) != 1 || ran[0].Status != "SUCCEEDED" || ran[0].Script != current {
		t.Errorf("%s: reloads of the copy %+v, want one SUCCEEDED run of the current script", key, ran)
		return
	}
	if pub, _ := e.sim.App(c.Hostname, c.PublishedAppID); pub.Attributes.PublishTime < ran[0].EndTime {
		t.Errorf("%s: published at %s, before the reload ended at %s", key, pub.Attributes.PublishTime, ran[0].EndTime)
	}
}

// checkOEMFollowUps runs after the empty plan of the oem-multitenant example. The load script renders with
// each customer's database settings, ready for the load script resource. Bumping the canary cohort's template
// release plans the replacement of the canary customer's app copy, load script and reload and an in-place update
// of its published app, and nothing else (TestAccOEMRollout applies such a bump).
func checkOEMFollowUps(t *testing.T, e *testEnv, tf *tfCLI, vars []string) {
	t.Helper()
	// Write-only secrets reach Qlik (checkOEMPipeline) but never the state.
	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range append(slices.Collect(maps.Values(oemPasswords)), e.sim.LicenseKey()) {
		if strings.Contains(string(state), secret) {
			t.Errorf("the state file holds a secret (%d characters)", len(secret))
		}
	}

	script := tf.console(`module.customer["globex"].load_script`)
	for _, want := range []string{
		"// Globex: rendered by Terraform",
		"// The connection points at database globex;",
		"LIB CONNECT TO 'Globex development:globex database';",
		`FROM "analytics"."orders"`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("globex load script lacks %q:\n%s", want, script)
		}
	}
	if db := tf.console(`module.customer["globex"].database.port`); strings.TrimSpace(db) != "6432" {
		t.Errorf("globex database port = %q, want 6432 from customers.auto.tfvars", db)
	}

	before := len(e.sim.Audit())
	bump := append(slices.Clone(vars), "-var", `template_versions={canary="2026.12.0",stable="2026.10.3"}`)
	changes := tf.plannedChanges(bump...)
	// A new copy has a new id: its script and reload follow it, and it is republished onto the same published app.
	want := map[string]string{
		`module.customer["acme"].qlik_app_copy.app`:    "replace",
		`module.customer["acme"].qlik_load_script.app`: "replace",
		`module.customer["acme"].qlik_reload.app`:      "replace",
		`module.customer["acme"].qlik_app_publish.app`: "update",
	}
	if !maps.Equal(changes, want) {
		t.Errorf("bumping the canary release plans %v, want %v", changes, want)
	}
	for _, a := range e.sim.Audit()[before:] {
		if a.Method != "GET" && a.Route != "/oauth/token" {
			t.Errorf("the plan wrote to Qlik: %s %s on %s", a.Method, a.Route, a.Host)
		}
	}

	checkOEMImport(t, tf, vars)
}

// oemImportable is how many importable resources one customer of the OEM example holds; files that add
// resources to the customer module count theirs in (examples_workflows_test.go).
var oemImportable = 15

// checkOEMImport does what the importing guide describes for one customer: it forgets the customer's objects,
// imports them with import blocks into the module, and requires a plan that imports all of them without adding
// or replacing anything, and an empty plan after the apply.
func checkOEMImport(t *testing.T, tf *tfCLI, vars []string) {
	t.Helper()
	const module = `module.customer["globex"]`
	var state struct {
		Values struct {
			RootModule struct {
				ChildModules []struct {
					Address   string `json:"address"`
					Resources []struct {
						Address string `json:"address"`
						Mode    string `json:"mode"`
						Values  struct {
							ID             string `json:"id"`
							Hostname       string `json:"hostname"`
							TenantHostname string `json:"tenant_hostname"`
						} `json:"values"`
					} `json:"resources"`
				} `json:"child_modules"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(tf.mustRun("show", "-json")), &state); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	var blocks strings.Builder
	var addresses []string
	for _, m := range state.Values.RootModule.ChildModules {
		if m.Address != module {
			continue
		}
		for _, r := range m.Resources {
			if r.Mode != "managed" {
				continue
			}
			tf.mustRun("state", "rm", "-no-color", r.Address)
			// A reload is a run, not an object: it cannot be imported, so the plan runs a new one.
			if strings.Contains(r.Address, ".qlik_reload.") {
				continue
			}
			// Tenants are imported by id alone, everything else as <tenant_hostname>/<id>; role mappings by
			// group name, which is their index key here.
			id := r.Values.TenantHostname + "/" + r.Values.ID
			switch {
			case strings.Contains(r.Address, ".qlik_tenant."):
				id = r.Values.ID
			case strings.Contains(r.Address, ".qlik_role_mapping."):
				id = r.Values.TenantHostname + "/globex-viewers"
			case strings.Contains(r.Address, "_settings."):
				// Tenant settings are one per tenant, imported by its hostname.
				id = r.Values.TenantHostname
			}
			fmt.Fprintf(&blocks, "import {\n  to = %s\n  id = %q\n}\n\n", r.Address, id)
			addresses = append(addresses, r.Address)
		}
	}
	if len(addresses) != oemImportable {
		t.Fatalf("%s holds %d importable resources in the state, want %d: %v", module, len(addresses), oemImportable, addresses)
	}
	if err := os.WriteFile(filepath.Join(tf.dir, "imports.tf"), []byte(blocks.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := tf.mustRun(append([]string{"plan", "-input=false", "-no-color"}, vars...)...)
	// A reload cannot be imported, so one new reload runs (and the app is republished after it); the data
	// connection re-sends its write-only password, which Terraform cannot know after an import. Nothing is
	// created twice or destroyed.
	if !strings.Contains(out, fmt.Sprintf("Plan: %d to import, 1 to add, ", oemImportable)) || !strings.Contains(out, " 0 to destroy.") {
		t.Errorf("the import plan should import the %d objects, add only the reload and destroy nothing:\n%s", oemImportable, out)
	}
	tf.apply(vars...)
	tf.requireEmptyPlan(vars...)
}

func decodeOutput(t *testing.T, outputs map[string]json.RawMessage, name string, v any) {
	t.Helper()
	raw, ok := outputs[name]
	if !ok {
		t.Fatalf("output %q missing; have %v", name, outputs)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("output %q = %s: %v", name, raw, err)
	}
}

// TestAccExamples applies every example under examples/ against a fresh simulator with the terraform CLI,
// checks what the example is for, requires an empty plan afterwards, and destroys it, so the examples in
// the docs are known to work.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "examples")
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// A module inside an example is applied with it, not on its own.
		if d.IsDir() && d.Name() == "modules" {
			return filepath.SkipDir
		}
		if d.IsDir() || !isExampleFile(d.Name()) {
			return nil
		}
		dir, _ := filepath.Rel(root, filepath.Dir(p))
		if len(dirs) == 0 || dirs[len(dirs)-1] != dir {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(dirs, "oem-multitenant") || len(dirs) < 5 {
		t.Fatalf("found only %d example directories under %s: %v", len(dirs), root, dirs)
	}
	for _, dir := range dirs {
		name := filepath.ToSlash(dir)
		t.Run(name, func(t *testing.T) {
			// The examples place customers in three regions; the simulator serves each with its own register
			// host and client, and the provider block gets one client per region.
			e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
			if setup := exampleSetups[name]; setup != nil {
				setup(t, e)
			}
			// terraform init installs the provider from the mirror, the local modules, and writes the lock file.
			tf := newTFCLI(t, e.exampleDir(t, filepath.Join(root, dir)))
			tf.requireLockedToMirror()
			c := e.sim.Credentials()
			vars := []string{"-var", "qlik_client_id=" + c.ClientID, "-var", "qlik_client_secret=" + c.ClientSecret}
			if name != "provider" {
				vars = nil
			}
			if extra := exampleVars[name]; extra != nil {
				vars = append(vars, extra(e)...)
			}
			tf.apply(vars...)
			if check := exampleChecks[name]; check != nil {
				check(t, e, tf.outputs())
			}
			tf.requireEmptyPlan(vars...)
			if followUp := exampleFollowUps[name]; followUp != nil {
				followUp(t, e, tf, vars)
			}
			tf.destroy(vars...)
			if exampleVars[name] != nil {
				// Destroying a tenant deactivates it; it stays until Qlik purges it.
				for _, tn := range e.sim.Tenants()[1:] {
					if tn.Status != "disabled" {
						t.Errorf("tenant %s is %q after destroy, want disabled", tn.Hostname, tn.Status)
					}
				}
			}
		})
	}
}

// isExampleFile tells configuration from the import snippets of the docs (import*.tf), which name objects
// of a real tenant and are shown, not applied.
func isExampleFile(name string) bool {
	return filepath.Ext(name) == ".tf" && !strings.HasPrefix(name, "import")
}
