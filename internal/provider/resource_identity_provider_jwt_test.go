package provider_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// testKey is a key pair made for one test: the private key signs tokens, the PEM forms go into configurations.
type testKey struct {
	private *rsa.PrivateKey
	// pkix is the public key as -----BEGIN PUBLIC KEY-----, the form Qlik's examples use.
	pkix string
	// pkcs1 is the same key as -----BEGIN RSA PUBLIC KEY-----.
	pkcs1 string
}

func newTestKey(t *testing.T) testKey {
	t.Helper()
	return newTestKeyOfSize(t, 2048)
}

// newTestKeyOfSize is newTestKey with a key of bits bits, such as one too weak for Qlik.
func newTestKeyOfSize(t *testing.T, bits int) testKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{
		private: k,
		pkix:    string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		pkcs1:   string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)})),
	}
}

func testECPublicKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func testAccJWTIdPConfig(provider, issuer, keyID, pemText, description string) string {
	return provider + fmt.Sprintf(`
resource "qlik_identity_provider_jwt" "test" {
  issuer         = %[1]q
  key_id         = %[2]q
  public_key_pem = %[3]q
  description    = %[4]q
}
`, issuer, keyID, pemText, description)
}

func TestAccIdentityProviderJWT_basic(t *testing.T) {
	e, home := newTestEnv(t)
	key := newTestKey(t)
	var id string
	config := testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "portal-2026", key.pkix, "Customer portal")

	e.testCase(t, resource.TestCase{
		CheckDestroy: goneAfterDestroy("identity provider", home.Hostname, &id, e.idpByID),
		Steps: []resource.TestStep{
			createStep(config, "qlik_identity_provider_jwt.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_identity_provider_jwt.test", "issuer", "https://portal.example.com"),
					hasString("qlik_identity_provider_jwt.test", "key_id", "portal-2026"),
					hasString("qlik_identity_provider_jwt.test", "public_key_pem", key.pkix),
					hasString("qlik_identity_provider_jwt.test", "description", "Customer portal"),
					hasInt("qlik_identity_provider_jwt.test", "clock_tolerance_sec", 5),
					hasBool("qlik_identity_provider_jwt.test", "active", true),
					matches("qlik_identity_provider_jwt.test", "id", `^[0-9a-f]{24}$`),
				},
				func(*terraform.State) error {
					p, ok := e.idpByID(home.Hostname, id)
					if !ok || p.Protocol != "jwtAuth" || p.Provider != "external" || p.Options.Issuer != "https://portal.example.com" ||
						len(p.Options.StaticKeys) != 1 || p.Options.StaticKeys[0].KID != "portal-2026" || p.Options.StaticKeys[0].PEM != key.pkix {
						return fmt.Errorf("simulator holds %+v (found=%v)", p, ok)
					}
					if n := len(e.jwtIdPs(home.Hostname)); n != 1 {
						return fmt.Errorf("simulator holds %d identity providers, want 1", n)
					}
					return nil
				}),
			importStep("qlik_identity_provider_jwt.test"),
			importFromTenantStep("qlik_identity_provider_jwt.test", home.Hostname, "key_id", "portal-2026", &id),
			{
				// The same key with Windows line endings, indentation and in PKCS #1 form is no change.
				Config: testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "portal-2026",
					"\n  "+strings.ReplaceAll(key.pkcs1, "\n", "\r\n")+"\n", "Customer portal"),
				PlanOnly: true,
			},
			{
				Config:   testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "portal-2026", strings.TrimSpace(key.pkix), "Customer portal"),
				PlanOnly: true,
			},
		},
	})
}

func TestAccIdentityProviderJWT_updateAndReplace(t *testing.T) {
	e, home := newTestEnv(t)
	key, other := newTestKey(t), newTestKey(t)
	ecKey := testECPublicKeyPEM(t)
	var first, second, third, fourth string

	e.test(t, []resource.TestStep{
		{
			Config: testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "k1", key.pkix, ""),
			Check:  captureID("qlik_identity_provider_jwt.test", &first),
		},
		{
			Config:           testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "k1", key.pkix, "Rotated in 2027"),
			ConfigPlanChecks: planThenEmpty("qlik_identity_provider_jwt.test", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_identity_provider_jwt.test", &second),
				func(*terraform.State) error {
					p, _ := e.idpByID(home.Hostname, second)
					if first != second || p.Description != "Rotated in 2027" {
						return fmt.Errorf("description update: id %s -> %s, simulator holds %+v", first, second, p)
					}
					return nil
				},
				e.calls("PATCH", "/api/v1/identity-providers/{id}", home.Hostname, 1),
			),
		},
		// Qlik keeps one static key and cannot change it: a new key replaces the identity provider.
		replaceStep(testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "k1", other.pkix, "Rotated in 2027"),
			"qlik_identity_provider_jwt.test", &third, &second,
			func(*terraform.State) error {
				if _, ok := e.idpByID(home.Hostname, second); ok {
					return fmt.Errorf("old identity provider %s survived its replacement %s", second, third)
				}
				if p, _ := e.idpByID(home.Hostname, third); p.Options.StaticKeys[0].PEM != other.pkix {
					return fmt.Errorf("new identity provider holds the wrong key: %+v", p)
				}
				return nil
			}),
		{
			// So do a new key id, issuer or clock tolerance; an ECDSA key is accepted too.
			Config: e.oauthProvider() + fmt.Sprintf(`
resource "qlik_identity_provider_jwt" "test" {
  issuer              = "https://portal.example.org"
  key_id              = "k2"
  public_key_pem      = %q
  description         = "Rotated in 2027"
  clock_tolerance_sec = 30
}
`, ecKey),
			ConfigPlanChecks: planThenEmpty("qlik_identity_provider_jwt.test", plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				hasInt("qlik_identity_provider_jwt.test", "clock_tolerance_sec", 30),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_identity_provider_jwt.test", &fourth),
				func(*terraform.State) error {
					all := e.jwtIdPs(home.Hostname)
					if len(all) != 1 || all[0].ID != fourth || all[0].ClockToleranceSec != 30 || all[0].Options.Issuer != "https://portal.example.org" {
						return fmt.Errorf("simulator holds %+v, want only the new identity provider", all)
					}
					return nil
				},
			),
		},
	})
}

func TestAccIdentityProviderJWT_disappearsAndDrift(t *testing.T) {
	e, home := newTestEnv(t)
	key, intruder := newTestKey(t), newTestKey(t)
	var id string
	config := testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "k1", key.pkix, "Owned by Terraform")

	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_identity_provider_jwt.test", &id)},
		// A description edited in the console is put back in place.
		driftStep(t, config,
			func() error {
				return e.sim.EditIdentityProvider(home.Hostname, id, func(p *qliksim.IdentityProvider) { p.Description = "edited by hand" })
			},
			planAction("qlik_identity_provider_jwt.test", plancheck.ResourceActionUpdate),
			func(*terraform.State) error {
				if p, _ := e.idpByID(home.Hostname, id); p.Description != "Owned by Terraform" {
					return fmt.Errorf("drift not corrected: %+v", p)
				}
				return nil
			}),
		// A key swapped out of band is drift that only a replacement can undo.
		driftStep(t, config,
			func() error {
				return e.sim.EditIdentityProvider(home.Hostname, id, func(p *qliksim.IdentityProvider) { p.Options.StaticKeys[0].PEM = intruder.pkix })
			},
			planAction("qlik_identity_provider_jwt.test", plancheck.ResourceActionDestroyBeforeCreate),
			resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_identity_provider_jwt.test", &id),
				func(*terraform.State) error {
					if p, _ := e.idpByID(home.Hostname, id); p.Options.StaticKeys[0].PEM != key.pkix {
						return fmt.Errorf("key not restored: %+v", p)
					}
					return nil
				},
			)),
		recreateStep(t, config, "qlik_identity_provider_jwt.test",
			deleteByID(e.sim.DeleteIdentityProvider, home.Hostname, &id), countIn(e.jwtIdPs, home.Hostname)),
	})
}

func TestAccIdentityProviderJWT_validation(t *testing.T) {
	e, home := newTestEnv(t)
	key := newTestKey(t)
	privDER, err := x509.MarshalPKCS8PrivateKey(key.private)
	if err != nil {
		t.Fatal(err)
	}
	private := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
	truncated := key.pkix[:len(key.pkix)/2] + "\n-----END PUBLIC KEY-----\n"

	cases := []planError{
		{"not PEM", testAccJWTIdPConfig(e.oauthProvider(), "https://i", "k", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", ""), regexp.MustCompile(`(?s)Invalid public key.*public_key_pem.*not PEM-encoded`)},
		{"truncated key", testAccJWTIdPConfig(e.oauthProvider(), "https://i", "k", truncated, ""), regexp.MustCompile(`(?s)Invalid public key.*public_key_pem`)},
		{"private key", testAccJWTIdPConfig(e.oauthProvider(), "https://i", "k", private, ""), regexp.MustCompile(`(?s)Invalid public key.*is a private key`)},
		{"two keys", testAccJWTIdPConfig(e.oauthProvider(), "https://i", "k", key.pkix+key.pkix, ""), regexp.MustCompile(`(?s)more than one PEM block`)},
		{"empty issuer", testAccJWTIdPConfig(e.oauthProvider(), "", "k", key.pkix, ""), regexp.MustCompile(`(?s)Attribute issuer string length must be at least 1`)},
		{"long description", testAccJWTIdPConfig(e.oauthProvider(), "https://i", "k", key.pkix, strings.Repeat("x", 129)), regexp.MustCompile(`(?s)Attribute description string length must be at most 128`)},
		{"clock tolerance", e.oauthProvider() + fmt.Sprintf(`
resource "qlik_identity_provider_jwt" "test" {
  issuer              = "https://i"
  key_id              = "k"
  public_key_pem      = %q
  clock_tolerance_sec = 7201
}
`, key.pkix), regexp.MustCompile(`(?s)clock_tolerance_sec value must be between 0 and 7200`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

func TestAccIdentityProviderJWT_conflict(t *testing.T) {
	e, _ := newTestEnv(t)
	key := newTestKey(t)
	config := testAccJWTIdPConfig(e.oauthProvider(), "https://portal.example.com", "k1", key.pkix, "")
	e.test(t, []resource.TestStep{
		{Config: config},
		{
			Config: config + fmt.Sprintf(`
resource "qlik_identity_provider_jwt" "copy" {
  issuer         = "https://portal.example.com"
  key_id         = "k1"
  public_key_pem = %q
}
`, key.pkix),
			ExpectError: regexp.MustCompile(`(?s)Unable to create JWT identity provider.*HTTP\s+409.*Code: IDENTITY-PROVIDERS-409.*Detail: An identity provider for issuer.*already exists.*import\s+the\s+existing`),
		},
	})
}

// TestAccIdentityProviderJWT_qlikRejects shows a 400 that only Qlik can raise (an issuer of blanks passes the
// plan's length check) with Qlik's own code and detail.
func TestAccIdentityProviderJWT_qlikRejects(t *testing.T) {
	e, _ := newTestEnv(t)
	key := newTestKey(t)
	e.test(t, []resource.TestStep{{
		Config:      testAccJWTIdPConfig(e.oauthProvider(), "   ", "k1", key.pkix, ""),
		ExpectError: regexp.MustCompile(`(?s)Unable to create JWT identity provider.*HTTP\s+400.*Code: IDENTITY-PROVIDERS-400.*Title: Bad Request.*Detail: options.issuer is required`),
	}})
	if n := len(e.jwtIdPs(e.sim.Home().Hostname)); n != 0 {
		t.Errorf("%d identity providers created", n)
	}
}

// TestAccIdentityProviderJWT_importInteractiveRefused imports the tenant's interactive (OIDC) identity provider,
// which this resource must not adopt.
func TestAccIdentityProviderJWT_importInteractiveRefused(t *testing.T) {
	e, home := newTestEnv(t)
	interactive := e.sim.IdentityProviders(home.Hostname)[0]
	e.test(t, []resource.TestStep{{
		Config:        testAccJWTIdPConfig(e.oauthProvider(), "https://i", "k", newTestKey(t).pkix, ""),
		ResourceName:  "qlik_identity_provider_jwt.test",
		ImportState:   true,
		ImportStateId: interactive.ID,
		ExpectError:   regexp.MustCompile(`(?s)Not a JWT identity provider.*uses the OIDC protocol`),
	}})
}
