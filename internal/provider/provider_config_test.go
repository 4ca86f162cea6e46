package provider_test

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
)

// probe is a data source read, which forces the provider to configure, so every case reaches Configure.
const probe = requiredProviders + `
data "qlik_spaces" "probe" {}
`

func TestAccProvider_invalidConfiguration(t *testing.T) {
	e, _ := newTestEnv(t)
	c := e.sim.Credentials()
	url := e.sim.Home().URL

	cases := []struct {
		name  string
		block string
		want  string
	}{
		{"malformed URL", `tenant_url = "acme.eu.qlikcloud.com"` + "\n" + `api_key = "k"`, `(?s)Invalid URL.*tenant_url`},
		{"http to a public host", `tenant_url = "http://acme.eu.qlikcloud.com"` + "\n" + `api_key = "k"`, `(?s)Invalid URL.*tenant_url.*https`},
		{"URL with a path", `tenant_url = "https://acme.eu.qlikcloud.com/api/v1"` + "\n" + `api_key = "k"`, `(?s)Invalid URL.*tenant_url`},
		{"client id without secret", fmt.Sprintf(`tenant_url = %q`+"\n"+`client_id = %q`, url, c.ClientID), `(?s)client_secret.*must be specified when.*client_id|Missing client_secret`},
		{"secret without client id", fmt.Sprintf(`tenant_url = %q`+"\n"+`client_secret = %q`, url, c.ClientSecret), `(?s)client_id.*must be specified|Missing client_id`},
		{"both auth modes", fmt.Sprintf(`tenant_url = %q`+"\n"+`api_key = %q`+"\n"+`client_id = %q`+"\n"+`client_secret = %q`, url, c.APIKey, c.ClientID, c.ClientSecret), `(?s)cannot be specified when|Conflicting credentials`},
		{"bad retry wait", fmt.Sprintf(`tenant_url = %q`+"\n"+`api_key = "k"`+"\n"+`retry_max_wait = "soon"`, url), `(?s)retry_max_wait.*not a duration`},
		{"retries out of range", fmt.Sprintf(`tenant_url = %q`+"\n"+`api_key = "k"`+"\n"+`max_retries = 500`, url), `(?s)Invalid number.*max_retries = 500.*whole\s+number\s+from\s+0\s+to\s+50`},
		// Terraform's conversion to an integer used to fail first, with "This is always an error in the provider".
		{"fractional retries", fmt.Sprintf(`tenant_url = %q`+"\n"+`api_key = "k"`+"\n"+`max_retries = 2.5`, url), `(?s)Invalid number.*max_retries = 2.5.*2.5\s+must\s+be\s+a\s+whole\s+number\s+from\s+0\s+to\s+50`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      fmt.Sprintf("provider \"qlik\" {\n%s\n}\n", tc.block) + probe,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(tc.want),
		})
	}
	e.test(t, steps)
	if n := len(e.sim.Audit()); n != 0 {
		t.Errorf("invalid provider configurations made %d API calls; they must fail first", n)
	}
}

// envFactories serve a provider that reads its settings from env instead of the process environment.
func envFactories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"qlik": providerserver.NewProtocol6WithError(provider.New("test", provider.WithEnv(func(k string) string { return env[k] }))()),
	}
}

func TestAccProvider_environment(t *testing.T) {
	e, _ := newTestEnv(t)
	c := e.sim.Credentials()
	home := e.sim.Home()

	check := []statecheck.StateCheck{
		hasValue("data.qlik_spaces.probe", "spaces", knownvalue.ListSizeExact(0)),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{
			"QLIK_TENANT_URL": home.URL, "QLIK_CLIENT_ID": c.ClientID, "QLIK_CLIENT_SECRET": c.ClientSecret,
		}),
		Steps: []resource.TestStep{{Config: `provider "qlik" {}` + probe, ConfigStateChecks: check}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{"QLIK_TENANT_URL": home.URL, "QLIK_API_KEY": c.APIKey}),
		Steps:                    []resource.TestStep{{Config: `provider "qlik" {}` + probe, ConfigStateChecks: check}},
	})
	// Half an OAuth pair from the environment is named with its variable.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{"QLIK_TENANT_URL": home.URL, "QLIK_CLIENT_ID": c.ClientID}),
		Steps: []resource.TestStep{{
			Config:      `provider "qlik" {}` + probe,
			ExpectError: regexp.MustCompile(`(?s)Missing client_secret.*QLIK_CLIENT_ID`),
		}},
	})
	// A configured value wins over the environment: the wrong env key is never used.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{"QLIK_TENANT_URL": "https://wrong.example.com", "QLIK_API_KEY": "wrong"}),
		Steps: []resource.TestStep{{
			Config:            fmt.Sprintf("provider \"qlik\" {\n  tenant_url = %q\n  api_key = %q\n}\n", home.URL, c.APIKey) + probe,
			ConfigStateChecks: check,
		}},
	})
	// The auth mode named in the block wins over the other mode in the environment, and the missing half
	// of the OAuth pair comes from the environment.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{
			"QLIK_TENANT_URL": home.URL, "QLIK_API_KEY": "stale-key", "QLIK_CLIENT_SECRET": c.ClientSecret,
		}),
		Steps: []resource.TestStep{{
			Config:            fmt.Sprintf("provider \"qlik\" {\n  client_id = %q\n}\n", c.ClientID) + probe,
			ConfigStateChecks: check,
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{
			"QLIK_TENANT_URL": home.URL, "QLIK_CLIENT_ID": "stale-id", "QLIK_CLIENT_SECRET": "stale-secret",
		}),
		Steps: []resource.TestStep{{
			Config:            fmt.Sprintf("provider \"qlik\" {\n  api_key = %q\n}\n", c.APIKey) + probe,
			ConfigStateChecks: check,
		}},
	})
	// Both modes only in the environment is ambiguous.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{
			"QLIK_TENANT_URL": home.URL, "QLIK_API_KEY": c.APIKey, "QLIK_CLIENT_ID": c.ClientID, "QLIK_CLIENT_SECRET": c.ClientSecret,
		}),
		Steps: []resource.TestStep{{
			Config:      `provider "qlik" {}` + probe,
			ExpectError: regexp.MustCompile(`(?s)Conflicting credentials.*QLIK_API_KEY.*QLIK_CLIENT_ID`),
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{"QLIK_TENANT_URL": "http://qlik.example.com", "QLIK_API_KEY": "k"}),
		Steps: []resource.TestStep{{
			Config:      `provider "qlik" {}` + probe,
			ExpectError: regexp.MustCompile(`(?s)Invalid tenant_url.*QLIK_TENANT_URL`),
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(map[string]string{"QLIK_API_KEY": "k"}),
		Steps: []resource.TestStep{{
			Config:      `provider "qlik" {}` + probe,
			ExpectError: regexp.MustCompile(`(?s)Missing tenant_url`),
		}},
	})
}

func TestAccProvider_rejectedCredentials(t *testing.T) {
	e, _ := newTestEnv(t)
	e.test(t, []resource.TestStep{{
		Config: fmt.Sprintf(`provider "qlik" {
  tenant_url    = %q
  client_id     = %q
  client_secret = "not-the-secret"
}`, e.sim.Home().URL, e.sim.Credentials().ClientID) + probe,
		ExpectError: regexp.MustCompile(`(?s)Unable to list spaces.*401`),
	}})
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestAccProvider_unreachableHosts: a tenant URL or tenant hostname where nothing listens fails at once (it used
// to be retried silently for more than a minute) and names the attribute to check.
func TestAccProvider_unreachableHosts(t *testing.T) {
	e, _ := newTestEnv(t)
	c := e.sim.Credentials()
	dead := closedPort(t)
	e.test(t, []resource.TestStep{
		{
			Config: fmt.Sprintf(`provider "qlik" {
  tenant_url = "http://%s"
  api_key    = %q
}`, dead, c.APIKey) + probe,
			ExpectError: regexp.MustCompile(`(?s)connection refused; not\s+retried.*refuses\s+connections.\s+Check\s+tenant_url`),
		},
		{
			Config: e.oauthProvider() + fmt.Sprintf(`
data "qlik_spaces" "elsewhere" {
  tenant_hostname = %q
}
`, dead),
			ExpectError: regexp.MustCompile(`(?s)refuses\s+connections.\s+Check\s+tenant_hostname`),
		},
	})
}
