package validators

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // time zone names are checked against the IANA database built into the provider

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// recurParts are the rule parts of an RFC 5545 RECUR value.
var recurParts = []string{"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}

// RRule accepts a recurrence as Qlik's Scheduling Tasks API takes it: "RRULE:" followed by RFC 5545 rule parts
// with a FREQ, such as "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0".
func RRule() validator.String {
	return knownString{
		rule:  `must be an RRULE recurrence such as "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0"`,
		check: errorCheck("Invalid recurrence", CheckRRule),
	}
}

// CheckRRule returns why s is not an RRULE recurrence, or nil.
func CheckRRule(s string) error {
	body, ok := strings.CutPrefix(s, "RRULE:")
	if !ok {
		return fmt.Errorf("%q must start with RRULE: (for example RRULE:FREQ=DAILY;BYHOUR=2)", s)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(body, ";") {
		k, v, ok := strings.Cut(part, "=")
		switch {
		case !ok || v == "":
			return fmt.Errorf("%q: %q is not NAME=value", s, part)
		case k == "DTSTART":
			return fmt.Errorf("%q: DTSTART is not part of the rule; set start_date_time instead", s)
		case !slices.Contains(recurParts, k):
			return fmt.Errorf("%q: %s is not an RRULE part (%s)", s, k, strings.Join(recurParts, ", "))
		case seen[k]:
			return fmt.Errorf("%q names %s twice", s, k)
		}
		seen[k] = true
		if k == "FREQ" && !slices.Contains([]string{"MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}, v) {
			return fmt.Errorf("%q: FREQ must be MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY", s)
		}
	}
	if !seen["FREQ"] {
		return fmt.Errorf("%q has no FREQ", s)
	}
	if seen["UNTIL"] && seen["COUNT"] {
		return fmt.Errorf("%q: UNTIL and COUNT cannot both be given", s)
	}
	return nil
}

// TimeZone accepts an IANA time zone name such as "Europe/Berlin" or "UTC".
func TimeZone() validator.String {
	return knownString{
		rule: `must be an IANA time zone name such as "Europe/Berlin" or "UTC"`,
		check: errorCheck("Invalid time zone", func(s string) error {
			if s == "" || s == "Local" {
				return fmt.Errorf("%q is not a time zone name", s)
			}
			if _, err := time.LoadLocation(s); err != nil {
				return fmt.Errorf("%q is not an IANA time zone name", s)
			}
			return nil
		}),
	}
}

// DateTime accepts an RFC 3339 date-time such as "2026-01-01T02:00:00Z".
func DateTime() validator.String {
	return knownString{
		rule: `must be an RFC 3339 date-time such as "2026-01-01T02:00:00Z"`,
		check: errorCheck("Invalid date-time", func(s string) error {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return fmt.Errorf("%q is not an RFC 3339 date-time (for example 2026-01-01T02:00:00Z)", s)
			}
			return nil
		}),
	}
}

// JSONObject accepts a JSON object, such as the workspace exported from the Qlik Automate editor.
func JSONObject() validator.String {
	return knownString{
		rule: "must be a JSON object",
		check: errorCheck("Invalid JSON", func(s string) error {
			var v map[string]any
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				return fmt.Errorf("the value is not a JSON object: %w", err)
			}
			return nil
		}),
	}
}
