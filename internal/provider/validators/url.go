// Package validators holds the provider's own attribute validators, for rules the framework validators
// cannot express.
package validators

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// BaseURL accepts an absolute Qlik Cloud host URL: https, or http for a loopback host such as the simulator.
func BaseURL() validator.String {
	return knownString{
		rule:  "must be an https:// URL of a host with no path (http:// is accepted for loopback hosts only)",
		check: errorCheck("Invalid URL", qlik.ValidateBaseURL),
	}
}

// Duration accepts a Go duration string ("90s", "2m") between minimum and maximum.
func Duration(minimum, maximum time.Duration) validator.String {
	return knownString{
		rule: fmt.Sprintf("must be a duration such as \"30s\" or \"2m\", between %s and %s", minimum, maximum),
		check: errorCheck("Invalid duration", func(s string) error {
			_, err := ParseDuration(s, minimum, maximum)
			return err
		}),
	}
}

// ParseDuration parses s and checks it lies within [minimum, maximum]; the provider uses it for values
// that arrive through environment variables as well as for configuration.
func ParseDuration(s string, minimum, maximum time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: use a number with a unit, such as \"30s\" or \"2m\"", s)
	}
	if d < minimum || d > maximum {
		return 0, fmt.Errorf("%q is out of range: it must be between %s and %s", s, minimum, maximum)
	}
	return d, nil
}
