// Package validators holds the provider's own attribute validators, for rules the framework validators
// cannot express.
package validators

import (
	"fmt"
	"net/url"
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

// HTTPSURL accepts an absolute https:// URL with a host and no user information: where Qlik sends a webhook
// (webhooks.json: "Target URL for webhook HTTPS requests").
func HTTPSURL() validator.String {
	return knownString{
		rule:  "must be an https:// URL with a host",
		check: errorCheck("Invalid URL", checkHTTPSURL),
	}
}

func checkHTTPSURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %w", s, err)
	case u.Scheme != "https":
		return fmt.Errorf("%q must start with https:// (Qlik delivers webhooks over HTTPS only)", s)
	case u.Hostname() == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q must not hold user information; send credentials in encrypted_headers_wo", s)
	case len(s) > 2048:
		return fmt.Errorf("the URL is %d characters long; Qlik accepts at most 2048", len(s))
	}
	return nil
}
