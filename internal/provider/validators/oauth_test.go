package validators

import (
	"crypto/elliptic"
	"strings"
	"testing"
)

// TestJWKRoundTrip: an RSA and a P-384 key become the JWKs Qlik takes and come back as the same PEM; keys Qlik
// would refuse are refused with the reason.
func TestJWKRoundTrip(t *testing.T) {
	t.Parallel()
	rk, ek := rsaKey(t, 2048), ecKey(t, elliptic.P384())
	for _, tc := range []struct {
		name, pem, alg, kty string
	}{
		{"RSA", pkixPEM(t, &rk.PublicKey), "RS512", "RSA"},
		{"P-384", pkixPEM(t, &ek.PublicKey), "ES384", "EC"},
	} {
		j, err := JWKFromPEM(tc.pem, "k1", tc.alg)
		if err != nil || j.Kty != tc.kty || j.Alg != tc.alg || j.Kid != "k1" || j.Use != "sig" {
			t.Fatalf("%s: JWK %+v, %v", tc.name, j, err)
		}
		back, err := PEMFromJWK(j)
		if err != nil || back != tc.pem {
			t.Errorf("%s: round trip gave %q (%v), want the same PEM", tc.name, back, err)
		}
	}
	p256, weak := ecKey(t, elliptic.P256()), rsaKey(t, 1024)
	for _, tc := range []struct {
		name, pem, alg, want string
	}{
		{"P-256", pkixPEM(t, &p256.PublicKey), "ES384", "P-384"},
		{"RSA with ES384", pkixPEM(t, &rk.PublicKey), "ES384", "RS256 or RS512"},
		{"1024 bits", pkixPEM(t, &weak.PublicKey), "RS256", "1024 bits"},
	} {
		if _, err := JWKFromPEM(tc.pem, "k", tc.alg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
}
