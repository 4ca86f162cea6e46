package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

type dataConnConfig struct {
	name, typ, conn, password string
	version                   int
}

func (c dataConnConfig) hcl(provider string) string {
	return testConfig(provider, "TestAccDataConnection", tfVars{
		"name": c.name, "type": c.typ, "connection_string": c.conn, "password": c.password, "password_version": c.version,
	})
}

func TestAccDataConnection_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id, firstID string
	stored := func(name, conn, password string) resource.TestCheckFunc {
		return theOnly("data connections", e.sim.DataConnections, home.Hostname, func(dc qliksim.DataConnectionInfo) error {
			if dc.QID != id || dc.QName != name || dc.QConnectStatement != conn || dc.Password != password || dc.Username != "loader" {
				return fmt.Errorf("stored %+v, want %s %q %q with the password %q", dc, id, name, conn, password)
			}
			return nil
		})
	}
	c := dataConnConfig{name: "orders", typ: "postgres", conn: "CUSTOM CONNECT TO \"host=db-a;database=orders\"", password: "s3cret-1", version: 1}
	eu := dataConnConfig{name: "orders-eu", typ: "postgres", conn: "CUSTOM CONNECT TO \"host=db-b;database=orders\"", password: "s3cret-2", version: 2}.hcl(e.oauthProvider())
	// Another data source type replaces the connection.
	sqlServer := dataConnConfig{name: "orders-eu", typ: "sqlserver", conn: "CUSTOM CONNECT TO \"host=db-b;database=orders\"", password: "s3cret-2", version: 2}.hcl(e.oauthProvider())
	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("data connections", countIn(e.sim.DataConnections, home.Hostname)),
		Steps: []resource.TestStep{
			createStep(c.hcl(e.oauthProvider()), "qlik_data_connection.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_data_connection.test", "type", "postgres"),
					isNull("qlik_data_connection.test", "password_wo"),
					hasString("qlik_data_connection.test", "owner_id", home.BotUserID),
					sameValue("qlik_data_connection.test", "space_id", "qlik_space.a", "id"),
				},
				captureID("qlik_data_connection.test", &firstID),
				stored(c.name, c.conn, "s3cret-1"),
				noSecretInState("s3cret-1")),
			importStep("qlik_data_connection.test", "username", "password_wo_version"),
			{
				// Rename, new connection string and a new password: all in place.
				Config:           eu,
				ConfigPlanChecks: planThenEmpty("qlik_data_connection.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					stored("orders-eu", "CUSTOM CONNECT TO \"host=db-b;database=orders\"", "s3cret-2"),
					noSecretInState("s3cret-2"),
				),
			},
			// A rename in the Qlik UI shows as an update that renames it back.
			driftStep(t, eu,
				func() error {
					return e.sim.EditDataConnection(home.Hostname, id, func(dc *qliksim.DataConnection) { dc.QName = "renamed" })
				},
				planAction("qlik_data_connection.test", plancheck.ResourceActionUpdate),
				stored("orders-eu", "CUSTOM CONNECT TO \"host=db-b;database=orders\"", "s3cret-2")),
			replaceStep(sqlServer, "qlik_data_connection.test", &id, &firstID,
				stored("orders-eu", "CUSTOM CONNECT TO \"host=db-b;database=orders\"", "s3cret-2")),
			{
				PreConfig:        func() { must(t, e.sim.DeleteDataConnection(home.Hostname, id)) },
				Config:           sqlServer,
				ConfigPlanChecks: planAction("qlik_data_connection.test", plancheck.ResourceActionCreate),
			},
		},
	})
}

func TestAccDataConnection_conflictAndValidation(t *testing.T) {
	e, _ := newTestEnv(t)
	cfg := e.oauthProvider() + `
resource "qlik_space" "a" {
  name = "Customer A"
  type = "shared"
}

resource "qlik_data_connection" "one" {
  name              = "orders"
  type              = "postgres"
  connector         = "QvOdbcConnectorPackage.exe"
  connection_string = "CONNECT 1"
  space_id          = qlik_space.a.id
}

resource "qlik_data_connection" "two" {
  name              = "orders"
  type              = "postgres"
  connector         = "QvOdbcConnectorPackage.exe"
  connection_string = "CONNECT 2"
  space_id          = qlik_space.a.id
  depends_on        = [qlik_data_connection.one]
}
`
	e.test(t, []resource.TestStep{
		{
			Config: e.oauthProvider() + `
resource "qlik_data_connection" "bad" {
  name              = "orders"
  type              = "postgres"
  connector         = "QvOdbcConnectorPackage.exe"
  connection_string = "CONNECT"
  password_wo       = "x"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`password_wo_version`),
		},
		{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Unable to create data connection.*HTTP 409.*already has this name`),
		},
	})
}
