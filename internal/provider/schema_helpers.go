package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
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

// useStateUnlessChanged keeps a computed value from state unless one of the watched attributes changes in the
// plan: a timestamp such as last_updated moves only when the update that bumps it happens.
type useStateUnlessChanged struct{ watched []path.Path }

func (m useStateUnlessChanged) Description(context.Context) string {
	return fmt.Sprintf("keeps the prior value unless one of %v changes", m.watched)
}

func (m useStateUnlessChanged) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m useStateUnlessChanged) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, p := range m.watched {
		var planned, prior attr.Value
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, p, &planned)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, p, &prior)...)
		if resp.Diagnostics.HasError() || planned == nil || prior == nil || !planned.Equal(prior) {
			return
		}
	}
	resp.PlanValue = req.StateValue
}
