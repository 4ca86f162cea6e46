package validators

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// RedirectURI accepts an absolute http or https URL of at most 256 characters, Qlik's limit for an OAuth
// client's redirect URIs and origins (oauth-clients.json, maxLength 256).
func RedirectURI() validator.String {
	return knownString{rule: "must be an absolute http or https URL of at most 256 characters", check: errorCheck("Invalid redirect URI", CheckRedirectURI)}
}

// CheckRedirectURI is RedirectURI's check.
func CheckRedirectURI(s string) error {
	if len(s) > 256 {
		return fmt.Errorf("%q is %d characters long; Qlik accepts at most 256", s, len(s))
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http or https URL, for example https://portal.example.com/callback", s)
	}
	return nil
}

// OAuthScope accepts one OAuth scope: a word of at most 256 characters without whitespace.
func OAuthScope() validator.String {
	return knownString{rule: "must be one scope of at most 256 characters, without spaces", check: func(s string) (string, string) {
		if s == "" || len(s) > 256 || strings.ContainsAny(s, " \t\r\n") {
			return "Invalid scope", fmt.Sprintf("%q is not one scope: give each scope as its own element (at most 256 characters, no spaces), for example \"user_default\".", s)
		}
		return "", ""
	}}
}

// JWK is a public key as a JSON Web Key, in the form Qlik takes for an OAuth client's public keys.
type JWK struct {
	Kty, Use, Alg, Kid, N, E, Crv, X, Y string
}

// JWKFromPEM converts a PEM public key into the JWK Qlik takes for private_key_jwt: RSA keys (at least 2048 bits)
// with RS256 or RS512, EC keys on P-384 with ES384.
func JWKFromPEM(pemText, kid, alg string) (JWK, error) {
	key, err := ParsePublicKeyPEM(pemText)
	if err != nil {
		return JWK{}, err
	}
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	switch k := key.(type) {
	case *rsa.PublicKey:
		if alg != "RS256" && alg != "RS512" {
			return JWK{}, fmt.Errorf("an RSA key signs with RS256 or RS512, not %s", alg)
		}
		if k.N.BitLen() < 2048 {
			return JWK{}, fmt.Errorf("the RSA key has %d bits; Qlik needs at least 2048", k.N.BitLen())
		}
		return JWK{Kty: "RSA", Use: "sig", Alg: alg, Kid: kid, N: b64(k.N.Bytes()), E: b64(big.NewInt(int64(k.E)).Bytes())}, nil
	case *ecdsa.PublicKey:
		if alg != "ES384" || k.Curve != elliptic.P384() {
			return JWK{}, errors.New("an EC key must be on P-384 and sign with ES384, the EC algorithm Qlik accepts")
		}
		point, err := k.Bytes() // 0x04, then X and Y
		if err != nil {
			return JWK{}, fmt.Errorf("the EC key: %w", err)
		}
		size := (len(point) - 1) / 2
		return JWK{Kty: "EC", Use: "sig", Alg: alg, Kid: kid, Crv: "P-384", X: b64(point[1 : 1+size]), Y: b64(point[1+size:])}, nil
	}
	return JWK{}, fmt.Errorf("a %T cannot be an OAuth client key", key)
}

// PEMFromJWK renders a JWK as a PKIX PEM public key, for keys read back from Qlik.
func PEMFromJWK(j JWK) (string, error) {
	dec := func(s string) (*big.Int, error) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			return nil, errors.New("a key parameter is not base64url")
		}
		return new(big.Int).SetBytes(b), nil
	}
	var pub any
	switch j.Kty {
	case "RSA":
		n, err := dec(j.N)
		if err != nil {
			return "", err
		}
		e, err := dec(j.E)
		if err != nil || !e.IsInt64() {
			return "", errors.New("the RSA exponent is not valid")
		}
		pub = &rsa.PublicKey{N: n, E: int(e.Int64())}
	case "EC":
		x, err := dec(j.X)
		if err != nil {
			return "", err
		}
		y, err := dec(j.Y)
		if err != nil {
			return "", err
		}
		const size = 48 // P-384 coordinates
		if len(x.Bytes()) > size || len(y.Bytes()) > size {
			return "", errors.New("the EC point is not on P-384")
		}
		p, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), append(append([]byte{4}, x.FillBytes(make([]byte, size))...), y.FillBytes(make([]byte, size))...))
		if err != nil {
			return "", fmt.Errorf("the EC key: %w", err)
		}
		pub = p
	default:
		return "", fmt.Errorf("key type %q is not RSA or EC", j.Kty)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
