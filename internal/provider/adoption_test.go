package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestAccAdoption_handMadeObjectsAfterAmbiguousCreate: a space and a web integration made by hand carry the names
// a configuration declares. The creates answer 503; the provider must not adopt them (which used to end in
// "inconsistent result after apply", a tainted resource and the hand-made object deleted on the next apply). It
// fails with an error naming the object and its import id, and the objects are never written to.
func TestAccAdoption_handMadeObjectsAfterAmbiguousCreate(t *testing.T) {
	e, home := newTestEnv(t)
	var spaceID, wiID string
	config := e.oauthProvider() + `
resource "qlik_space" "sales" {
  name        = "Sales"
  type        = "shared"
  description = "managed by Terraform"
}

resource "qlik_web_integration" "portal" {
  name          = "portal"
  valid_origins = ["https://portal.example"]
}
`
	untouched := func(*terraform.State) error {
		var problems []string
		for _, a := range e.sim.Audit() {
			if a.Method != http.MethodGet && (strings.Contains(a.Path, spaceID) || strings.Contains(a.Path, wiID)) {
				problems = append(problems, a.Method+" "+a.Path)
			}
		}
		if _, ok := e.spaceByID(home.Hostname, spaceID); !ok {
			problems = append(problems, "the hand-made space is gone")
		}
		if len(problems) > 0 {
			return fmt.Errorf("hand-made objects were touched: %v", problems)
		}
		return nil
	}
	e.testCase(t, resource.TestCase{
		CheckDestroy: untouched,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c := e.apiClient(t)
					s, err := c.CreateSpace(context.Background(), qlik.SpaceCreateRequest{Name: "Sales", Type: "shared", Description: "by hand"})
					if err != nil {
						t.Fatal(err)
					}
					w, err := c.CreateWebIntegration(context.Background(), qlik.WebIntegrationCreateRequest{Name: "portal", ValidOrigins: []string{"https://portal.example"}})
					if err != nil {
						t.Fatal(err)
					}
					spaceID, wiID = s.ID, w.ID
					e.sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/spaces", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable})
					e.sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/web-integrations", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)already exists in tenant.*this apply did not create it.*terraform import <address of this resource>`),
			},
			{
				// Without faults Qlik's own 409 says the same; still nothing is taken over.
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Unable to create space.*(unique|already exists)`),
				Check:       untouched,
			},
		},
	})
}
