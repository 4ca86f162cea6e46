package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
)

func hostnameValidator() validator.String { return validators.Hostname() }

// spaceNamePattern is Qlik's own rule for space names (spaces.json, SpaceCreate.name).
var spaceNamePattern = regexp.MustCompile(`^[^"*?<>/|\\:]+$`)

func spaceNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 256),
		stringvalidator.RegexMatches(spaceNamePattern, `must not contain any of " * ? < > / | \ :`),
	}
}
