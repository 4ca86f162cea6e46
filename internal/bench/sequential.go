package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// SequentialResult is the fair sequential baseline: a program on the project's client library that builds the
// same estate customer by customer, as a script looping over customers would.
type SequentialResult struct {
	Seconds float64 `json:"seconds"`
	// Customers is how many customers it built.
	Customers int `json:"customers"`
	// RateLimited is the number of 429s it met.
	RateLimited int `json:"rate_limited"`
}

// RunSequentialClient builds n customers against the simulator of s, one after another, doing the real work of
// every Kind: create the tenant and name it, create the two spaces, copy the template across tenants (export,
// download, upload, import, bytes moved), rename it, create the data connection, set the load script, reload and
// wait for the reload to end, publish, create the two groups with their roles and space assignments, the
// assignment of the published space, the JWT identity provider, the web integration, the CSP origin, the
// webhook for failed reloads, the published app's reload schedule, and the onboarding automation and its run. It makes
// the writes a script makes and skips the reads a Terraform provider needs to fill its state. It uses one client
// for the run (one token per host, one export of the template), as a script using the library would.
func RunSequentialClient(ctx context.Context, s Settings, n int, templateAppID string) (SequentialResult, error) {
	res := SequentialResult{}
	c, err := qlik.New(qlik.Config{
		TenantURL: s.TenantURL, RegistrationURL: s.RegistrationURL, ClientID: s.ClientID, ClientSecret: s.ClientSecret,
		UserAgent: "qlikbench-sequential", TrustedHosts: trustedHosts(s.TrustedHosts),
	})
	if err != nil {
		return res, err
	}
	reg, err := c.Registration()
	if err != nil {
		return res, err
	}
	start := time.Now()
	for i := range n {
		if err := sequentialCustomer(ctx, c, reg, s, CustomerKey(i), templateAppID); err != nil {
			return res, fmt.Errorf("sequential client, customer %s: %w", CustomerKey(i), err)
		}
		res.Customers++
	}
	res.Seconds = time.Since(start).Seconds()
	res.RateLimited = c.RateStats().RateLimited
	return res, nil
}

func sequentialCustomer(ctx context.Context, home, reg *qlik.Client, s Settings, key, templateAppID string) error {
	name := "Customer " + key
	t, err := reg.CreateTenant(ctx, qlik.TenantCreateRequest{LicenseKey: s.LicenseKey, Datacenter: "eu-west-1"})
	if err != nil {
		return err
	}
	if _, err := reg.UpdateTenant(ctx, t.ID, qlik.TenantUpdateRequest{Name: &name}); err != nil {
		return err
	}
	c, err := home.ForTenant(t.Hostnames[0])
	if err != nil {
		return err
	}
	work, err := c.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: name + " work", Type: "shared"})
	if err != nil {
		return err
	}
	published, err := c.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: name + " published", Type: "managed"})
	if err != nil {
		return err
	}
	app, _, err := c.TransferApp(ctx, home, templateAppID, "1", qlik.ImportAppRequest{Name: "Sales [copying]", SpaceID: work.ID, UniqueName: true})
	if err != nil {
		return err
	}
	appName := "Sales"
	if _, err := c.UpdateApp(ctx, app.Attributes.ID, qlik.AppUpdateRequest{Name: &appName}); err != nil {
		return err
	}
	user, password := "qlik_reader", dbPassword
	if _, err := c.CreateDataConnection(ctx, qlik.DataConnectionCreateRequest{
		Name: "orders", Type: "QvOdbcConnectorPackage.exe", DatasourceID: "postgres", SpaceID: work.ID,
		ConnectStatement: `CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=postgres;host=` + key + `.db.example.internal;port=5432;db=orders;"`,
		Username:         &user, Password: &password,
	}); err != nil {
		return err
	}
	script := "LIB CONNECT TO '" + work.Name + ":orders';\nOrders: SQL SELECT * FROM orders;\n"
	if err := c.SetScript(ctx, app.Attributes.ID, script, ""); err != nil {
		return err
	}
	r, err := c.CreateReload(ctx, qlik.ReloadRequest{AppID: app.Attributes.ID})
	if err != nil {
		return err
	}
	if r, err = c.WaitForReload(ctx, r.ID); err != nil {
		return err
	}
	if r.Status != "SUCCEEDED" {
		return fmt.Errorf("reload %s ended %s", r.ID, r.Status)
	}
	pub, err := c.PublishApp(ctx, app.Attributes.ID, qlik.PublishAppRequest{SpaceID: published.ID})
	if err != nil {
		return err
	}
	publishedID := pub.Attributes.ID
	analysts, err := c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: key + "-analysts", ProviderType: qlik.GroupProviderIDP, Roles: []string{"EmbeddedAnalyticsUser"}})
	if err != nil {
		return err
	}
	if _, err := c.CreateSpaceAssignment(ctx, published.ID, qlik.SpaceAssignmentCreateRequest{Type: qlik.AssigneeGroup, AssigneeID: analysts.ID, Roles: []string{"consumer"}}); err != nil {
		return err
	}
	admins, err := c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: key + "-admins", ProviderType: qlik.GroupProviderIDP, Roles: []string{"EmbeddedAnalyticsUser", "SharedSpaceCreator"}})
	if err != nil {
		return err
	}
	if _, err := c.CreateSpaceAssignment(ctx, work.ID, qlik.SpaceAssignmentCreateRequest{Type: qlik.AssigneeGroup, AssigneeID: admins.ID, Roles: []string{"consumer", "producer"}}); err != nil {
		return err
	}
	if _, err := c.CreateSpaceAssignment(ctx, published.ID, qlik.SpaceAssignmentCreateRequest{Type: qlik.AssigneeGroup, AssigneeID: admins.ID, Roles: []string{"consumer", "facilitator", "publisher"}}); err != nil {
		return err
	}
	if _, err := c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{
		Issuer: "https://" + key + ".portal.example.com", KeyID: key + "-2026", PublicKey: jwtPublicKeyPEM, Description: "Portal single sign-on for " + name,
	}); err != nil {
		return err
	}
	if _, err := c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: name + " portal", ValidOrigins: []string{"https://" + key + ".portal.example.com"}}); err != nil {
		return err
	}
	if _, err := c.CreateCSPOrigin(ctx, qlik.CSPOriginRequest{Name: name + " portal", Origin: key + ".portal.example.com", CSPDirectiveFlags: qlik.CSPDirectiveFlags{FrameAncestors: true}}); err != nil {
		return err
	}
	if _, err := c.CreateWebhook(ctx, qlik.WebhookCreateRequest{
		Name: "Failed reloads", URL: webhookURL(key), EventTypes: []string{"com.qlik.v1.app.reload.finished"},
		Filter: `data.status eq "error"`, Enabled: true, Secret: webhookSecret,
	}); err != nil {
		return err
	}
	if _, err := c.CreateReloadSchedule(ctx, qlik.ReloadScheduleRequest{
		Name: "Nightly reload", AppID: publishedID, Recurrence: "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0", Timezone: "Europe/Berlin", Enabled: true,
	}); err != nil {
		return err
	}
	auto, err := c.CreateAutomation(ctx, qlik.AutomationRequest{Name: "Onboarding", SpaceID: work.ID, Workspace: json.RawMessage(`{"blocks":[],"runMode":"triggered"}`)})
	if err != nil {
		return err
	}
	run, err := c.RunAutomation(ctx, auto.ID)
	if err != nil {
		return err
	}
	if run, err = c.WaitForAutomationRun(ctx, auto.ID, run.ID); err != nil {
		return err
	}
	if !run.Succeeded() {
		return fmt.Errorf("automation run %s ended %s", run.ID, run.Status)
	}
	return nil
}

// trustedHosts reads QLIK_TRUSTED_HOSTS as qliksim prints it: comma-separated host=region pairs.
func trustedHosts(v string) map[string]string {
	out := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		host, region, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && host != "" {
			out[host] = region
		}
	}
	return out
}
