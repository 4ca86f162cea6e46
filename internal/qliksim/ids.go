package qliksim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
)

// Identifiers come from crypto/rand rather than the seeded RNG: the seed makes fault injection reproducible, and
// tying ids to it would make two simulators in one test process hand out the same ids, hiding mix-ups between
// tenants.

// randomHex returns 2*n lowercase hex characters.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (it panics instead).
	return hex.EncodeToString(b)
}

// randomToken returns an opaque URL-safe string carrying n random bytes.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newObjectID returns a 24-hex-character id like Qlik's space and user ids (62716f4b39b865ece543cd45).
func newObjectID() string { return randomHex(12) }

// newTenantID returns a 32-character id like Qlik's tenant ids (xqGQ0k66vSR8f9G7J-vYtHZQkiYrCpct).
func newTenantID() string { return randomToken(24) }

// newUUID returns a random (version 4) UUID, the form of webhook and delivery ids.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
