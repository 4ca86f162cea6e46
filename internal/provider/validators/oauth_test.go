package validators

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func pkixPEM(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// TestJWKRoundTrip: an RSA and a P-384 key become the JWKs Qlik takes and come back as the same PEM; keys Qlik
// would refuse are refused with the reason.
func TestJWKRoundTrip(t *testing.T) {
	t.Parallel()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
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
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
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
