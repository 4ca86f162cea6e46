package validators

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// hostnamePattern is a DNS name or IP address with an optional port; the port is there for loopback
// tenants of the simulator (127.0.0.1:41234).
var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)

// Hostname accepts a bare tenant hostname such as "acme.eu.qlikcloud.com": no scheme, no path.
func Hostname() validator.String {
	const rule = `must be a bare hostname such as "acme.eu.qlikcloud.com", without "https://" or a path`
	return knownString{rule: rule, check: func(s string) (string, string) {
		if hostnamePattern.MatchString(s) {
			return "", ""
		}
		return "Invalid tenant hostname", "\"" + s + "\" " + rule + "."
	}}
}
