package qliksim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// fixIdentityProviderOneOfs repairs two defects of identity-providers.json that make every jwtAuth exchange fail
// validation, without changing what the API accepts:
//   - IDP and IDPPostSchema pick their variant by the discriminator protocol but give no mapping, so the protocol
//     values (jwtAuth, OIDC, SAML) are looked up as schema names that do not exist; the mapping the descriptions
//     imply is added.
//   - IDPPatchSchema is a oneOf of three arrays whose items overlap: a replace of /description is valid in all of
//     them, so no jwtAuth patch can match exactly one. It becomes an anyOf.
func fixIdentityProviderOneOfs(t *testing.T, doc *openapi3.T) {
	t.Helper()
	schemas := doc.Components.Schemas
	for name, mapping := range map[string]map[string]string{
		"IDP":           {"OIDC": "IDPOIDC", "SAML": "IDPSAML", "jwtAuth": "IDPJWTAuth"},
		"IDPPostSchema": {"OIDC": "CreateOIDCPayload", "SAML": "CreateSAMLPayload", "jwtAuth": "CreateJWTAuthPayload"},
	} {
		d := schemas[name].Value.Discriminator
		if d == nil || len(d.Mapping) > 0 {
			t.Fatalf("identity-providers.json: %s has a discriminator mapping now; drop fixIdentityProviderOneOfs", name)
		}
		d.Mapping = map[string]openapi3.MappingRef{}
		for value, schema := range mapping {
			d.Mapping[value] = openapi3.MappingRef{Ref: "#/components/schemas/" + schema, Value: schemas[schema].Value}
		}
	}
	patch := schemas["IDPPatchSchema"].Value
	if len(patch.OneOf) != 3 {
		t.Fatal("identity-providers.json: IDPPatchSchema is no longer a oneOf of three; drop fixIdentityProviderOneOfs")
	}
	patch.AnyOf, patch.OneOf = patch.OneOf, nil
}

// fixWebIntegrationsErrorsExample repairs the example of web-integrations.json's Errors schema, whose status is
// the number 404 although the schema (and every other example in the file) makes status a string. The example is
// documentation only; the simulator sends the string form.
func fixWebIntegrationsErrorsExample(t *testing.T, doc *openapi3.T) {
	t.Helper()
	changed, ok := stringErrorStatuses(doc)
	if !ok {
		t.Fatal("web-integrations.json: Errors has no example object now; drop fixWebIntegrationsErrorsExample")
	}
	if changed == 0 {
		t.Fatal("web-integrations.json: the Errors example has a string status now; drop fixWebIntegrationsErrorsExample")
	}
}

// testPublicKeyPEM returns a fresh public key in PEM: RSA in PKIX form, RSA in PKCS #1 form, or ECDSA P-256.
func testPublicKeyPEM(t testing.TB, kind string) string {
	t.Helper()
	var block *pem.Block
	switch kind {
	case "rsa", "rsa-pkcs1":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		if kind == "rsa-pkcs1" {
			block = &pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)}
			break
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "PUBLIC KEY", Bytes: der}
	case "ec":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "PUBLIC KEY", Bytes: der}
	default:
		t.Fatalf("unknown key kind %q", kind)
	}
	return string(pem.EncodeToMemory(block))
}

func jwtIDPBody(issuer, kid, pemText string) map[string]any {
	return map[string]any{
		"protocol": "jwtAuth", "provider": "external", "description": "embedding",
		"options": map[string]any{"issuer": issuer, "staticKeys": []map[string]string{{"kid": kid, "pem": pemText}}},
	}
}

func TestContractEmbedding(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{}, "identity-providers.json", "web-integrations.json", "csp-origins.json")
	call := calls.call
	callInvalid := calls.callInvalid

	// Identity providers: create (RSA, PKCS #1 and EC keys), the one-key rule, a bad PEM, a duplicate, list
	// with small pages, PATCH of the description only, delete.
	idps := home.URL + "/api/v1/identity-providers"
	var idp IdentityProvider
	call(http.MethodPost, idps, http.StatusCreated, jwtIDPBody("https://vendor.example", "key-1", testPublicKeyPEM(t, "rsa"))).decode(t, &idp)
	call(http.MethodPost, idps, http.StatusCreated, jwtIDPBody("https://vendor.example", "key-2", testPublicKeyPEM(t, "rsa-pkcs1")))
	call(http.MethodPost, idps, http.StatusCreated, jwtIDPBody("https://other.example", "key-1", testPublicKeyPEM(t, "ec")))
	call(http.MethodPost, idps, http.StatusConflict, jwtIDPBody("https://vendor.example", "key-1", testPublicKeyPEM(t, "rsa")))
	call(http.MethodPost, idps, http.StatusBadRequest, jwtIDPBody("https://vendor.example", "key-3", "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"))
	twoKeys := jwtIDPBody("https://vendor.example", "key-4", testPublicKeyPEM(t, "ec"))
	twoKeys["options"] = map[string]any{"issuer": "https://vendor.example", "staticKeys": []map[string]string{
		{"kid": "a", "pem": testPublicKeyPEM(t, "ec")}, {"kid": "b", "pem": testPublicKeyPEM(t, "ec")},
	}}
	call(http.MethodPost, idps, http.StatusBadRequest, twoKeys)
	callInvalid(http.MethodPost, idps, http.StatusBadRequest, map[string]any{"protocol": "jwtAuth", "provider": "external"})
	call(http.MethodGet, idps+"/"+idp.ID, http.StatusOK, nil)
	call(http.MethodGet, idps+"/62716f4b39b865ece543cd45", http.StatusNotFound, nil)
	walked, _ := walkPages[IdentityProvider](t, calls.get, idps+"?limit=2", nil)
	if walked != 4 {
		t.Errorf("walked %d identity providers, want 4 (the interactive one and 3 jwtAuth)", walked)
	}
	var interactive IdentityProvider
	for _, p := range sim.IdentityProviders(home.Hostname) {
		if p.Interactive {
			interactive = p
		}
	}
	call(http.MethodGet, idps+"/"+interactive.ID, http.StatusOK, nil)
	call(http.MethodGet, idps+"?active=true", http.StatusOK, nil)
	call(http.MethodDelete, idps+"/"+interactive.ID, http.StatusBadRequest, nil)
	call(http.MethodPatch, idps+"/"+idp.ID, http.StatusNoContent, []map[string]any{{"op": "replace", "path": "/description", "value": "renamed"}})
	callInvalid(http.MethodPatch, idps+"/"+idp.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/issuer", "value": "x"}})
	call(http.MethodPatch, idps+"/"+idp.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/active", "value": false}})
	call(http.MethodPatch, idps+"/62716f4b39b865ece543cd45", http.StatusNotFound, []map[string]any{{"op": "replace", "path": "/description", "value": "x"}})
	call(http.MethodDelete, idps+"/"+idp.ID, http.StatusNoContent, nil)
	call(http.MethodDelete, idps+"/"+idp.ID, http.StatusNotFound, nil)

	// Web integrations: create, the documented 400s, get and 404, list paged by id in both directions, PATCH.
	wis := home.URL + "/api/v1/web-integrations"
	var wi WebIntegration
	call(http.MethodPost, wis, http.StatusCreated, map[string]any{"name": "Portal", "validOrigins": []string{"https://portal.example.com"}}).decode(t, &wi)
	for i := range 4 {
		call(http.MethodPost, wis, http.StatusCreated, map[string]any{"name": fmt.Sprintf("Portal %d", i)})
	}
	call(http.MethodPost, wis, http.StatusConflict, map[string]any{"name": "Portal"})
	callInvalid(http.MethodPost, wis, http.StatusBadRequest, map[string]any{"validOrigins": []string{"https://a.example"}})
	call(http.MethodPost, wis, http.StatusBadRequest, map[string]any{"name": "No scheme", "validOrigins": []string{"portal.example.com"}})
	call(http.MethodGet, wis+"/"+wi.ID, http.StatusOK, nil)
	call(http.MethodGet, wis+"/Nr8vTL2q0Zd4XW2uPzXmgA", http.StatusNotFound, nil)
	walked, lastPrev := walkPages[WebIntegration](t, calls.get, wis+"?limit=2", nil)
	if walked != 5 || lastPrev == "" {
		t.Errorf("walked %d web integrations (want 5), last prev link %q", walked, lastPrev)
	}
	call(http.MethodGet, lastPrev, http.StatusOK, nil)
	call(http.MethodGet, wis+"?sort=-name&limit=0", http.StatusOK, nil)
	// The schema types every patch value as a string, so the contract sees the string form of /validOrigins; the
	// array form, which the provider sends, is tested in TestWebIntegrations_OriginsAndPatch.
	call(http.MethodPatch, wis+"/"+wi.ID, http.StatusNoContent, []map[string]any{{"op": "replace", "path": "/name", "value": "Portal (EU)"}, {"op": "replace", "path": "/validOrigins", "value": "https://eu.portal.example.com"}})
	callInvalid(http.MethodPatch, wis+"/"+wi.ID, http.StatusBadRequest, []map[string]any{{"op": "add", "path": "/name", "value": "x"}})
	call(http.MethodPatch, wis+"/Nr8vTL2q0Zd4XW2uPzXmgA", http.StatusNotFound, []map[string]any{{"op": "replace", "path": "/name", "value": "x"}})
	call(http.MethodDelete, wis+"/"+wi.ID, http.StatusNoContent, nil)
	call(http.MethodDelete, wis+"/"+wi.ID, http.StatusNotFound, nil)

	// CSP origins: create, a bad origin, a duplicate, list with a filter and small pages, PUT, delete.
	csp := home.URL + "/api/v1/csp-origins"
	var entry CSPEntry
	call(http.MethodPost, csp, http.StatusCreated, map[string]any{"name": "Portal", "origin": "portal.example.com", "frameAncestors": true}).decode(t, &entry)
	call(http.MethodPost, csp, http.StatusCreated, map[string]any{"origin": "https://cdn.example.com:8443", "imgSrc": true, "scriptSrc": true})
	call(http.MethodPost, csp, http.StatusCreated, map[string]any{"origin": "*.example.org", "connectSrc": true, "connectSrcWSS": true})
	call(http.MethodPost, csp, http.StatusConflict, map[string]any{"origin": "Portal.Example.com"})
	call(http.MethodPost, csp, http.StatusBadRequest, map[string]any{"origin": "https://portal.example.com/path"})
	callInvalid(http.MethodPost, csp, http.StatusBadRequest, map[string]any{"name": "no origin"})
	call(http.MethodGet, csp+"/"+entry.ID, http.StatusOK, nil)
	call(http.MethodGet, csp+"/62716f4b39b865ece543cd45", http.StatusNotFound, nil)
	var filtered listPage[CSPEntry]
	call(http.MethodGet, csp+"?frameAncestors=true", http.StatusOK, nil).decode(t, &filtered)
	if len(filtered.Data) != 1 || filtered.Data[0].ID != entry.ID {
		t.Errorf("frameAncestors filter = %+v", filtered.Data)
	}
	walked, _ = walkPages[CSPEntry](t, calls.get, csp+"?limit=2&sort=-origin", nil)
	if walked != 3 {
		t.Errorf("walked %d CSP entries, want 3", walked)
	}
	call(http.MethodGet, csp+"?origin=*EXAMPLE.COM*", http.StatusOK, nil).decode(t, &filtered)
	if len(filtered.Data) != 2 {
		t.Errorf("origin wildcard filter found %d entries, want 2", len(filtered.Data))
	}
	var put CSPEntry
	call(http.MethodPut, csp+"/"+entry.ID, http.StatusOK, map[string]any{"name": "Portal", "origin": "portal.example.com", "frameSrc": true}).decode(t, &put)
	if put.FrameAncestors || !put.FrameSrc || put.CreatedDate != entry.CreatedDate {
		t.Errorf("PUT is not a full replace: %+v", put)
	}
	call(http.MethodPut, csp+"/"+entry.ID, http.StatusConflict, map[string]any{"origin": "https://CDN.example.com:8443"})
	call(http.MethodPut, csp+"/62716f4b39b865ece543cd45", http.StatusNotFound, map[string]any{"origin": "a.example.com"})
	call(http.MethodDelete, csp+"/"+entry.ID, http.StatusNoContent, nil)
	call(http.MethodDelete, csp+"/"+entry.ID, http.StatusNotFound, nil)

	calls.allValidated(c)
}
