package provider

import (
	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
)

// publicKeyPEMType is a string holding a PEM-encoded public key. Two values are semantically equal when they
// hold the same key, whatever their line breaks, surrounding whitespace or encoding (PKIX or PKCS #1): a key
// pasted with Windows line endings, read from a file with a trailing newline, or returned by Qlik in another
// layout causes no plan difference.
type (
	publicKeyPEMType  = semanticStringType[publicKeyText]
	publicKeyPEMValue = semanticStringValue[publicKeyText]
	// keepStateForSameKey plans the prior state's text when the configuration holds the same key in another layout.
	keepStateForSameKey = keepStateIfSame[publicKeyText]
)

func newPublicKeyPEMValue(s string) publicKeyPEMValue {
	return newSemanticStringValue[publicKeyText](s)
}

// publicKeyText is the normalizer of public keys: the key in canonical PKIX layout. Values that do not parse stay
// as they are, so they are equal only when their text is; validation reports them.
type publicKeyText struct{}

func (publicKeyText) normalize(s string) string {
	if canonical, err := validators.CanonicalPublicKeyPEM(s); err == nil {
		return canonical
	}
	return s
}

func (publicKeyText) typeName() string { return "publicKeyPEMType" }

func (publicKeyText) sameDescription() string {
	return "a reformatted copy of the same key is not a change"
}
