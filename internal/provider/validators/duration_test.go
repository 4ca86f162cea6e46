package validators

import "testing"

func TestIsISODuration(t *testing.T) {
	for s, want := range map[string]bool{
		"P90D": true, "PT24H": true, "P1DT12H": true, "P1Y2M3W4DT5H6M7S": true, "P365D": true,
		"": false, "P": false, "PT": false, "P0D": false, "PT0H": false, "90D": false, "p90d": false, "P1DT": false, "P 90D": false, "P1.5D": false,
	} {
		if got := IsISODuration(s); got != want {
			t.Errorf("IsISODuration(%q) = %v, want %v", s, got, want)
		}
	}
}
