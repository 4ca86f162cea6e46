package qliksim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// ParseSigningKey reads a PEM private key (PKCS#8, or PKCS#1 RSA, or SEC 1 EC) as a portal keeps it, and returns
// it with the JWS algorithm that fits it: RS256 for RSA, ES256/ES384/ES512 for P-256/P-384/P-521.
func ParseSigningKey(pemText []byte) (crypto.Signer, string, error) {
	block, _ := pem.Decode(pemText)
	if block == nil {
		return nil, "", errors.New("no PEM block found: expected a private key")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, "", fmt.Errorf("PEM block %q is not a private key", block.Type)
	}
	if err != nil {
		return nil, "", fmt.Errorf("private key: %w", err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, "RS256", nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return k, "ES256", nil
		case elliptic.P384():
			return k, "ES384", nil
		case elliptic.P521():
			return k, "ES512", nil
		}
		return nil, "", errors.New("EC keys must be on P-256, P-384 or P-521")
	default:
		return nil, "", fmt.Errorf("%T keys cannot sign a login JWT: use RSA or EC", key)
	}
}

// NewSigningKey generates an RSA 2048 key pair for signing login JWTs and returns the private key (PKCS#8) and
// the public key (PKIX, what a JWT identity provider's public_key_pem holds), both in PEM.
func NewSigningKey() (private, public []byte, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), nil
}
