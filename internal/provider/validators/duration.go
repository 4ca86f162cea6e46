package validators

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// isoDuration is an ISO 8601 duration: P, then years, months, weeks and days, then T and hours, minutes and
// seconds, each optional (P90D, PT24H, P1DT12H).
var isoDuration = regexp.MustCompile(`^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$`)

// IsISODuration reports whether s is a positive ISO 8601 duration.
func IsISODuration(s string) bool {
	return isoDuration.MatchString(s) && !strings.HasSuffix(s, "T") && strings.ContainsAny(s, "123456789")
}

// ISODuration accepts a positive ISO 8601 duration such as P90D or PT24H.
func ISODuration() validator.String { return isoDurationValidator{} }

type isoDurationValidator struct{}

func (isoDurationValidator) Description(context.Context) string {
	return "must be a positive ISO 8601 duration such as P90D or PT24H"
}

func (v isoDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v isoDurationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !IsISODuration(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%q %s (upper-case letters, no spaces).", s, v.Description(ctx)))
	}
}
