package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// knownString is a string validator made of its rule (the description, "must be ...") and a check of a known
// value: check returns the error's summary and detail, or two empty strings for a valid value. Null and unknown
// values pass; Terraform validates them again once they are known.
type knownString struct {
	rule  string
	check func(s string) (summary, detail string)
}

func (v knownString) Description(context.Context) string { return v.rule }

func (v knownString) MarkdownDescription(context.Context) string { return v.rule }

func (v knownString) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, detail := v.check(req.ConfigValue.ValueString()); summary != "" {
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

// errorCheck adapts a function that returns an error for a bad value to a check with the given summary; the
// error's text is the detail.
func errorCheck(summary string, f func(string) error) func(string) (string, string) {
	return func(s string) (string, string) {
		if err := f(s); err != nil {
			return summary, err.Error()
		}
		return "", ""
	}
}
