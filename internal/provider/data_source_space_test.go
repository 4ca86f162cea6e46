package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccSpaceDataSource_byNameAndID(t *testing.T) {
	e, _ := newTestEnv(t)
	config := e.oauthProvider() + `
resource "qlik_space" "shared" {
  name        = "Reports"
  type        = "shared"
  description = "shared one"
}

resource "qlik_space" "other" {
  name = "Reports archive"
  type = "managed"
}

data "qlik_space" "by_name" {
  name = qlik_space.shared.name
}

data "qlik_space" "by_name_and_type" {
  name = qlik_space.other.name
  type = "managed"
}

data "qlik_space" "by_id" {
  id = qlik_space.other.id
}
`
	e.test(t, []resource.TestStep{{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			sameValue("data.qlik_space.by_name", "id", "qlik_space.shared", "id"),
			hasString("data.qlik_space.by_name", "description", "shared one"),
			hasString("data.qlik_space.by_name", "type", "shared"),
			sameValue("data.qlik_space.by_name_and_type", "id", "qlik_space.other", "id"),
			hasString("data.qlik_space.by_id", "name", "Reports archive"),
			sameValue("data.qlik_space.by_id", "owner_id", "qlik_space.other", "owner_id"),
		},
	}})
}

func TestAccSpaceDataSource_errors(t *testing.T) {
	e, _ := newTestEnv(t)
	e.test(t, []resource.TestStep{
		{
			Config:      e.oauthProvider() + `data "qlik_space" "x" { name = "Does not exist" }`,
			ExpectError: regexp.MustCompile(`(?s)Space not found.*name "Does not exist"`),
		},
		{
			Config:      e.oauthProvider() + `data "qlik_space" "x" { id = "000000000000000000000000" }`,
			ExpectError: regexp.MustCompile(`(?s)Space not found.*id "000000000000000000000000"`),
		},
		{
			Config:      e.oauthProvider() + `data "qlik_space" "x" {}`,
			ExpectError: regexp.MustCompile(`(?s)No attribute specified when one \(and only one\) of \[id,name\] is\s+required`),
		},
		{
			Config:      e.oauthProvider() + `data "qlik_space" "x" { type = "personal" }`,
			ExpectError: regexp.MustCompile(`(?s)value must be one of`),
		},
	})
}
