package validators

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// ParsePublicKeyPEM decodes one PEM block holding an RSA or ECDSA public key, in PKIX ("PUBLIC KEY") or PKCS #1
// ("RSA PUBLIC KEY") form: the keys that verify JWTs signed with the RS* and ES* algorithms Qlik accepts.
func ParsePublicKeyPEM(s string) (crypto.PublicKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, errors.New("the value is not PEM-encoded: expected a block starting with -----BEGIN PUBLIC KEY-----")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return nil, errors.New("the value holds more than one PEM block; Qlik keeps exactly one key per identity provider")
	}
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the PUBLIC KEY block cannot be parsed: %w", err)
		}
		switch key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
			return key, nil
		}
		return nil, fmt.Errorf("the key is a %T; Qlik verifies JWTs with RSA or ECDSA keys only", key)
	case "RSA PUBLIC KEY":
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the RSA PUBLIC KEY block cannot be parsed: %w", err)
		}
		return key, nil
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("the value is a private key; give the public key only (keep the private key with the token issuer)")
	case "CERTIFICATE":
		return nil, errors.New("the value is a certificate; give its public key (openssl x509 -pubkey -noout)")
	}
	return nil, fmt.Errorf("the PEM block is a %q; a PUBLIC KEY is required", block.Type)
}

// CanonicalPublicKeyPEM returns the key in s as a PKIX PEM block with standard line breaks, so that keys that
// differ only in formatting compare equal.
func CanonicalPublicKeyPEM(s string) (string, error) {
	key, err := ParsePublicKeyPEM(s)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return "", fmt.Errorf("encoding the public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// PublicKeyPEM accepts a PEM-encoded RSA or ECDSA public key.
func PublicKeyPEM() validator.String {
	return knownString{rule: "must be a PEM-encoded RSA or ECDSA public key", check: func(s string) (string, string) {
		if _, err := ParsePublicKeyPEM(s); err != nil {
			return "Invalid public key", err.Error() + "."
		}
		return "", ""
	}}
}

// CanonicalOrigin checks that s is a web origin (http or https, a host, an optional port, nothing else) and
// returns it in the form Qlik stores: scheme and host in lower case, no default port, no trailing slash.
func CanonicalOrigin(s string) (string, error) {
	if !strings.Contains(s, "://") {
		// Suggest a scheme only for what is a host already; "javascript:alert(1)" is no origin at all.
		if hostnamePattern.MatchString(s) {
			return "", fmt.Errorf("%q has no scheme: write it as https://%s", s, s)
		}
		return "", fmt.Errorf("%q is not a web origin: an origin is http:// or https:// followed by a host name and an optional port, such as https://portal.example.com", s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w", s, err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("%q must use http:// or https://", s)
	case u.Hostname() == "":
		return "", fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return "", fmt.Errorf("%q must not hold user information", s)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", fmt.Errorf("%q is not an origin: remove the path, query or fragment", s)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%q has an invalid port", s)
		}
		if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
			port = ""
		}
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), nil
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, nil
}

// Origin accepts a web origin written the way Qlik stores it (see CanonicalOrigin). Requiring the canonical form
// at plan time, rather than normalising silently, keeps configuration and state identical, so no plan ever
// shows a difference that is not one.
func Origin() validator.String {
	return knownString{
		rule: "must be an origin: http:// or https://, a host in lower case and an optional non-default port, with no path",
		check: func(s string) (string, string) {
			canon, err := CanonicalOrigin(s)
			switch {
			case err != nil:
				return "Invalid origin", err.Error() + "."
			case canon != s:
				return "Origin not in canonical form",
					fmt.Sprintf("Qlik stores %q as %q; write it that way so the plan stays empty after apply.", s, canon)
			}
			return "", ""
		},
	}
}

// cspSourcePattern is a CSP source without a path: an optional scheme (http, https, ws, wss), a host that may
// start with a "*." wildcard label, and an optional port or "*".
var cspSourcePattern = regexp.MustCompile(`^(?:(?:https?|wss?)://)?(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::(?:[0-9]{1,5}|\*))?$`)

// CSPSource accepts the origin of a Content Security Policy entry: host[:port], optionally with a scheme and a
// leading "*." wildcard, at most 256 characters, without a path.
func CSPSource() validator.String {
	return knownString{
		rule: "must be host[:port], optionally with a scheme (https://, wss://) and a leading *. wildcard, without a path",
		check: func(s string) (string, string) {
			if len(s) <= 256 && cspSourcePattern.MatchString(s) {
				return "", ""
			}
			return "Invalid CSP origin", fmt.Sprintf("%q is not a CSP source: use host[:port] such as portal.example.com or portal.example.com:8443, "+
				"optionally with a scheme (https://portal.example.com) or a wildcard (*.example.com), without a path; at most 256 characters.", s)
		},
	}
}
