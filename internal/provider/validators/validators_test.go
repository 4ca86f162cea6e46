package validators

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stringCase is one input to a string validator. A bad input names the summary and a part of the detail the
// user sees; a good one leaves both empty.
type stringCase struct {
	in      string
	summary string
	detail  string
}

// checkString runs v on every case at a nested path, as Terraform does for an element of a set, and asserts
// the one error (with its summary, detail and path) or none. Null and unknown values are never errors: they
// are checked once known.
func checkString(t *testing.T, v validator.String, cases []stringCase) {
	t.Helper()
	at := path.Root("attr").AtListIndex(2)
	run := stringCheck(v)
	for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
		if d := run(at, value); d.HasError() {
			t.Errorf("%v: %v", value, d)
		}
	}
	for _, tc := range cases {
		diags := run(at, types.StringValue(tc.in))
		if tc.summary == "" {
			if diags.HasError() {
				t.Errorf("%q: unexpected error %v", tc.in, diags)
			}
			continue
		}
		assertOneError(t, tc.in, diags, at, tc.summary, tc.detail)
	}
	if d := v.Description(context.Background()); d == "" || d != v.MarkdownDescription(context.Background()) {
		t.Errorf("description %q, markdown %q", d, v.MarkdownDescription(context.Background()))
	}
}

// A check runs one validator on a value at a path and returns its diagnostics.
type check[V attr.Value] func(at path.Path, value V) diag.Diagnostics

func stringCheck(v validator.String) check[types.String] {
	return func(at path.Path, value types.String) diag.Diagnostics {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: value}, resp)
		return resp.Diagnostics
	}
}

func numberCheck(v validator.Number) check[types.Number] {
	return func(at path.Path, value types.Number) diag.Diagnostics {
		resp := &validator.NumberResponse{}
		v.ValidateNumber(context.Background(), validator.NumberRequest{Path: at, ConfigValue: value}, resp)
		return resp.Diagnostics
	}
}

func int64Check(v validator.Int64) check[types.Int64] {
	return func(at path.Path, value types.Int64) diag.Diagnostics {
		resp := &validator.Int64Response{}
		v.ValidateInt64(context.Background(), validator.Int64Request{Path: at, ConfigValue: value}, resp)
		return resp.Diagnostics
	}
}

// badNumber is a number a validator refuses, with a part of the detail the user sees.
type badNumber[V attr.Value] struct {
	in     V
	detail string
}

// checkNumbers asserts that run accepts every good value and refuses every bad one with one "Invalid number"
// error at the attribute.
func checkNumbers[V attr.Value](t *testing.T, at path.Path, run check[V], good []V, bad []badNumber[V]) {
	t.Helper()
	for _, ok := range good {
		if d := run(at, ok); d.HasError() {
			t.Errorf("%v: %v", ok, d)
		}
	}
	for _, tc := range bad {
		assertOneError(t, tc.in.String(), run(at, tc.in), at, "Invalid number", tc.detail)
	}
}

func assertOneError(t *testing.T, in string, diags diag.Diagnostics, at path.Path, summary, detail string) {
	t.Helper()
	if len(diags) != 1 || diags.ErrorsCount() != 1 {
		t.Errorf("%q: want one error, got %v", in, diags)
		return
	}
	d := diags[0]
	if d.Summary() != summary {
		t.Errorf("%q: summary %q, want %q", in, d.Summary(), summary)
	}
	if !strings.Contains(d.Detail(), detail) {
		t.Errorf("%q: detail %q does not contain %q", in, d.Detail(), detail)
	}
	withPath, ok := d.(diag.DiagnosticWithPath)
	if !ok || !withPath.Path().Equal(at) {
		t.Errorf("%q: error not at %s: %#v", in, at, d)
	}
}

func TestHostname(t *testing.T) {
	t.Parallel()
	const want = `without "https://" or a path.`
	checkString(t, Hostname(), []stringCase{
		{in: "acme.eu.qlikcloud.com"},
		{in: "127.0.0.1:41234"},
		{in: "localhost"},
		{in: "https://acme.eu.qlikcloud.com", summary: "Invalid tenant hostname", detail: `"https://acme.eu.qlikcloud.com" must be a bare hostname such as "acme.eu.qlikcloud.com", ` + want},
		{in: "acme.eu.qlikcloud.com/hub", summary: "Invalid tenant hostname", detail: want},
		{in: "-acme.example.com", summary: "Invalid tenant hostname", detail: want},
		{in: "acme..example.com", summary: "Invalid tenant hostname", detail: want},
		{in: "acme.example.com:123456", summary: "Invalid tenant hostname", detail: want},
		{in: "", summary: "Invalid tenant hostname", detail: want},
	})
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	checkString(t, BaseURL(), []stringCase{
		{in: "https://acme.eu.qlikcloud.com"},
		{in: "https://acme.eu.qlikcloud.com/"},
		{in: "http://127.0.0.1:8080"},
		{in: "http://localhost:3000"},
		{in: "http://acme.eu.qlikcloud.com", summary: "Invalid URL", detail: "must use https; plain http is allowed only for loopback hosts"},
		{in: "acme.eu.qlikcloud.com", summary: "Invalid URL", detail: "must be absolute with a scheme and host"},
		{in: "ftp://acme.eu.qlikcloud.com", summary: "Invalid URL", detail: `has scheme "ftp"; use https`},
		{in: "https://user:secret@acme.eu.qlikcloud.com", summary: "Invalid URL", detail: "must not contain user information"},
		{in: " https://acme.eu.qlikcloud.com", summary: "Invalid URL", detail: "leading or trailing spaces"},
		{in: "", summary: "Invalid URL", detail: "URL must not be empty"},
	})
	// The password must not be echoed back in the error.
	resp := &validator.StringResponse{}
	BaseURL().ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("tenant_url"), ConfigValue: types.StringValue("https://user:s3cret@acme.eu.qlikcloud.com"),
	}, resp)
	if strings.Contains(resp.Diagnostics[0].Detail(), "s3cret") {
		t.Errorf("error shows the password: %q", resp.Diagnostics[0].Detail())
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	checkString(t, Duration(time.Second, 10*time.Minute), []stringCase{
		{in: "1s"},
		{in: "90s"},
		{in: "10m"},
		{in: "500ms", summary: "Invalid duration", detail: `"500ms" is out of range: it must be between 1s and 10m0s`},
		{in: "11m", summary: "Invalid duration", detail: "is out of range"},
		{in: "30", summary: "Invalid duration", detail: `"30" is not a duration: use a number with a unit, such as "30s" or "2m"`},
		{in: "", summary: "Invalid duration", detail: "is not a duration"},
	})
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	d, err := ParseDuration("2m", time.Second, time.Hour)
	if err != nil || d != 2*time.Minute {
		t.Fatalf("ParseDuration = %v, %v", d, err)
	}
}

func TestTrustedHost(t *testing.T) {
	t.Parallel()
	checkString(t, TrustedHost(), []stringCase{
		{in: "analytics.acme.com"},
		{in: "127.0.0.1:8443"},
		{in: "*.analytics.example.com"},
		{in: "https://analytics.acme.com", summary: "Invalid trusted host", detail: "must be a bare host[:port], without scheme, path or credentials"},
		{in: "Analytics.acme.com ", summary: "Invalid trusted host", detail: "must be a host[:port] without spaces"},
		{in: "*.com", summary: "Invalid trusted host", detail: "a wildcard needs a domain of at least two labels"},
		{in: "acme.com:0", summary: "Invalid trusted host", detail: `trusted host "acme.com:0"`},
		{in: "acme_corp.com", summary: "Invalid trusted host", detail: "must be a hostname, an IP address or *.domain"},
	})
}

func TestOrigin(t *testing.T) {
	t.Parallel()
	checkString(t, Origin(), []stringCase{
		{in: "https://portal.example.com"},
		{in: "http://localhost:3000"},
		{in: "https://[::1]:8443"},
		{in: "https://Portal.example.com", summary: "Origin not in canonical form", detail: `Qlik stores "https://Portal.example.com" as "https://portal.example.com"`},
		{in: "https://portal.example.com:443", summary: "Origin not in canonical form", detail: `as "https://portal.example.com"`},
		{in: "https://portal.example.com/", summary: "Origin not in canonical form", detail: `as "https://portal.example.com"`},
		{in: "portal.example.com", summary: "Invalid origin", detail: `"portal.example.com" has no scheme: write it as https://portal.example.com.`},
		{in: "javascript:alert(1)", summary: "Invalid origin", detail: "is not a web origin"},
		{in: "ftp://portal.example.com", summary: "Invalid origin", detail: "must use http:// or https://"},
		{in: "https://portal.example.com/app", summary: "Invalid origin", detail: "remove the path, query or fragment"},
		{in: "https://user@portal.example.com", summary: "Invalid origin", detail: "must not hold user information"},
		{in: "https://portal.example.com:99999", summary: "Invalid origin", detail: "has an invalid port"},
		{in: "https://", summary: "Invalid origin", detail: "has no host"},
	})
}

func TestCSPSource(t *testing.T) {
	t.Parallel()
	const want = "is not a CSP source: use host[:port]"
	checkString(t, CSPSource(), []stringCase{
		{in: "portal.example.com"},
		{in: "portal.example.com:8443"},
		{in: "https://portal.example.com"},
		{in: "wss://*.example.com:*"},
		{in: "https://portal.example.com/path", summary: "Invalid CSP origin", detail: `"https://portal.example.com/path" ` + want},
		{in: "ftp://portal.example.com", summary: "Invalid CSP origin", detail: want},
		{in: "portal.*.example.com", summary: "Invalid CSP origin", detail: want},
		{in: strings.Repeat("a", 250) + ".example.com", summary: "Invalid CSP origin", detail: "at most 256 characters"},
	})
}

// rsaKey is a new RSA key of the given size.
func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ecKey is a new ECDSA key on the given curve.
func ecKey(t *testing.T, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// pemOf encodes a block of the given type.
func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// pkixPEM is a public key as a PKIX "PUBLIC KEY" block.
func pkixPEM(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("PUBLIC KEY", der)
}

func TestPublicKeyPEM(t *testing.T) {
	t.Parallel()
	rk, ek := rsaKey(t, 2048), ecKey(t, elliptic.P256())
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkix := func(key any) string { return pkixPEM(t, key) }
	rsaPKIX := pkix(&rk.PublicKey)
	checkString(t, PublicKeyPEM(), []stringCase{
		{in: rsaPKIX},
		{in: "\r\n" + strings.ReplaceAll(rsaPKIX, "\n", "\r\n")},
		{in: pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rk.PublicKey))},
		{in: pkix(&ek.PublicKey)},
		{in: "ssh-rsa AAAA", summary: "Invalid public key", detail: "the value is not PEM-encoded: expected a block starting with -----BEGIN PUBLIC KEY-----."},
		{in: rsaPKIX + rsaPKIX, summary: "Invalid public key", detail: "the value holds more than one PEM block"},
		{in: pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), summary: "Invalid public key", detail: "the value is a private key; give the public key only"},
		{in: pemOf("CERTIFICATE", []byte("x")), summary: "Invalid public key", detail: "openssl x509 -pubkey -noout"},
		{in: pkix(edPub), summary: "Invalid public key", detail: "Qlik verifies JWTs with RSA or ECDSA keys only"},
		{in: pemOf("PUBLIC KEY", []byte("garbage")), summary: "Invalid public key", detail: "the PUBLIC KEY block cannot be parsed"},
		{in: pemOf("RSA PUBLIC KEY", []byte("garbage")), summary: "Invalid public key", detail: "the RSA PUBLIC KEY block cannot be parsed"},
		{in: pemOf("DH PARAMETERS", []byte("x")), summary: "Invalid public key", detail: `the PEM block is a "DH PARAMETERS"; a PUBLIC KEY is required`},
	})

	// One key in either layout has one canonical form; another key has another.
	a, errA := CanonicalPublicKeyPEM(pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rk.PublicKey)))
	b, errB := CanonicalPublicKeyPEM("  " + strings.ReplaceAll(rsaPKIX, "\n", "\r\n"))
	c, errC := CanonicalPublicKeyPEM(pkix(&ek.PublicKey))
	if errA != nil || errB != nil || errC != nil || a != b || a != rsaPKIX || a == c {
		t.Errorf("canonical forms: %v %v %v, equal %v, PKIX %v, other key equal %v", errA, errB, errC, a == b, a == rsaPKIX, a == c)
	}
}

func TestWholeNumberBetween(t *testing.T) {
	t.Parallel()
	number := func(f float64) types.Number { return types.NumberValue(big.NewFloat(f)) }
	checkNumbers(t, path.Root("max_retries"), numberCheck(WholeNumberBetween(1, 10)),
		[]types.Number{types.NumberNull(), types.NumberUnknown(), number(1), number(10)},
		[]badNumber[types.Number]{
			{number(2.5), "2.5 must be a whole number from 1 to 10."},
			{number(0), "0 must be a whole number from 1 to 10."},
			{number(11), "11 must be a whole number from 1 to 10."},
			{number(-1), "-1 must be a whole number from 1 to 10."},
		})
	if n, ok := WholeNumber(big.NewFloat(1e30), 0, 1<<62); ok {
		t.Errorf("WholeNumber(1e30) = %d, accepted beyond the range of int64", n)
	}
	if _, ok := WholeNumber(nil, 0, 1); ok {
		t.Error("WholeNumber(nil) accepted")
	}
}

func TestISODuration(t *testing.T) {
	t.Parallel()
	good := []string{"P90D", "PT24H", "P1DT12H", "P1Y2M3W4DT5H6M7S", "P365D"}
	bad := []string{"", "P", "PT", "P0D", "PT0H", "90D", "p90d", "P1DT", "P 90D", "P1.5D", "30 days"}
	var cases []stringCase
	for _, in := range good {
		cases = append(cases, stringCase{in: in})
	}
	for _, in := range bad {
		cases = append(cases, stringCase{in: in, summary: "Invalid duration", detail: `must be a positive ISO 8601 duration such as P90D or PT24H`})
	}
	checkString(t, ISODuration(), cases)
}

func TestInt64MultipleOf(t *testing.T) {
	t.Parallel()
	checkNumbers(t, path.Root("max_session_lifespan_minutes"), int64Check(Int64MultipleOf(60)),
		[]types.Int64{types.Int64Null(), types.Int64Unknown(), types.Int64Value(60), types.Int64Value(1440), types.Int64Value(0)},
		[]badNumber[types.Int64]{
			{types.Int64Value(90), "90 must be a multiple of 60."},
			{types.Int64Value(1), "1 must be a multiple of 60."},
			{types.Int64Value(-30), "-30 must be a multiple of 60."},
		})
}

func TestHTTPSURL(t *testing.T) {
	checkString(t, HTTPSURL(), []stringCase{
		{in: "https://alerts.example.com/qlik/reloads"},
		{in: "https://127.0.0.1:8443/hook"},
		{in: "http://alerts.example.com", summary: "Invalid URL", detail: "must start with https://"},
		{in: "https:///path", summary: "Invalid URL", detail: "has no host"},
		{in: "https://user:pw@alerts.example.com", summary: "Invalid URL", detail: "encrypted_headers_wo"},
		{in: "https://alerts.example.com/" + strings.Repeat("a", 2048), summary: "Invalid URL", detail: "at most 2048"},
	})
}

func TestRRule(t *testing.T) {
	checkString(t, RRule(), []stringCase{
		{in: "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0"},
		{in: "RRULE:FREQ=WEEKLY;BYDAY=MO,TH;INTERVAL=2"},
		{in: "FREQ=DAILY", summary: "Invalid recurrence", detail: "must start with RRULE:"},
		{in: "RRULE:BYHOUR=2", summary: "Invalid recurrence", detail: "has no FREQ"},
		{in: "RRULE:FREQ=SOMETIMES", summary: "Invalid recurrence", detail: "FREQ must be"},
		{in: "RRULE:FREQ=DAILY;DTSTART=20260101T000000Z", summary: "Invalid recurrence", detail: "start_date_time"},
		{in: "RRULE:FREQ=DAILY;FREQ=WEEKLY", summary: "Invalid recurrence", detail: "twice"},
		{in: "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z", summary: "Invalid recurrence", detail: "cannot both"},
		{in: "RRULE:FREQ=DAILY;HOUR", summary: "Invalid recurrence", detail: "NAME=value"},
	})
}

func TestTimeZoneAndDateTime(t *testing.T) {
	checkString(t, TimeZone(), []stringCase{
		{in: "Europe/Berlin"},
		{in: "UTC"},
		{in: "Mars/Olympus", summary: "Invalid time zone", detail: "IANA"},
		{in: "Local", summary: "Invalid time zone", detail: "not a time zone name"},
	})
	checkString(t, DateTime(), []stringCase{
		{in: "2026-01-01T02:00:00Z"},
		{in: "2026-01-01T02:00:00+01:00"},
		{in: "2026-01-01 02:00", summary: "Invalid date-time", detail: "RFC 3339"},
	})
}

func TestJSONObject(t *testing.T) {
	checkString(t, JSONObject(), []stringCase{
		{in: `{"blocks":[]}`},
		{in: `[1,2]`, summary: "Invalid JSON", detail: "not a JSON object"},
		{in: `{"a":`, summary: "Invalid JSON", detail: "not a JSON object"},
	})
}
