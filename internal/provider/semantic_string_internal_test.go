package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// testKeys returns one RSA key as PKIX and as PKCS #1 PEM, and another (ECDSA) key as PKIX PEM.
func testKeys(t *testing.T) (pkix, pkcs1, other string) {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pkix = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	pkcs1 = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)}))
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err = x509.MarshalPKIXPublicKey(&ek.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	other = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return pkix, pkcs1, other
}

func TestPublicKeyPEMSemanticEquality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pkix, pkcs1, other := testKeys(t)
	crlf := strings.ReplaceAll(pkix, "\n", "\r\n")
	for _, tc := range []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", pkix, pkix, true},
		{"CRLF line endings", pkix, crlf, true},
		{"surrounding whitespace", pkix, "\n  " + pkix + "\n\n", true},
		{"PKCS #1 and PKIX of one key", pkcs1, pkix, true},
		{"another key", pkix, other, false},
		{"valid and invalid", pkix, "not a key", false},
		{"invalid and its own text", "not a key", "not a key", true},
		{"two invalid texts", "not a key", "not a key either", false},
		{"invalid texts that differ only in a newline", "not a key", "not a key\n", false},
	} {
		got, diags := newPublicKeyPEMValue(tc.a).StringSemanticEquals(ctx, newPublicKeyPEMValue(tc.b))
		if diags.HasError() || got != tc.want {
			t.Errorf("%s: equal = %v (diags %v), want %v", tc.name, got, diags, tc.want)
		}
		back, _ := newPublicKeyPEMValue(tc.b).StringSemanticEquals(ctx, newPublicKeyPEMValue(tc.a))
		if back != got {
			t.Errorf("%s: not symmetric", tc.name)
		}
	}
}

// TestSemanticStringTypes checks that the kinds of text are distinct Terraform types: a script never equals a key
// and neither equals a plain string, even with the same text.
func TestSemanticStringTypes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if !(loadScriptType{}).Equal(loadScriptType{}) || !(publicKeyPEMType{}).Equal(publicKeyPEMType{}) {
		t.Error("a semantic string type is not equal to itself")
	}
	if (loadScriptType{}).Equal(publicKeyPEMType{}) || (publicKeyPEMType{}).Equal(types.StringType) {
		t.Error("different kinds of text compare equal as types")
	}
	if got := (loadScriptType{}).String(); got != "loadScriptType" {
		t.Errorf("String() = %q", got)
	}
	if got := (publicKeyPEMType{}).String(); got != "publicKeyPEMType" {
		t.Errorf("String() = %q", got)
	}

	script := newLoadScriptValue("x")
	if got, _ := script.StringSemanticEquals(ctx, newPublicKeyPEMValue("x")); got {
		t.Error("a script is semantically equal to a key with the same text")
	}
	if got, _ := script.StringSemanticEquals(ctx, types.StringValue("x")); got {
		t.Error("a script is semantically equal to a plain string")
	}
	if script.Equal(types.StringValue("x")) || !script.Equal(newLoadScriptValue("x")) || script.Equal(newLoadScriptValue("x\n")) {
		t.Error("Equal must compare type and exact text")
	}
	if !script.Type(ctx).Equal(loadScriptType{}) {
		t.Error("a script value does not report the script type")
	}

	v, err := (publicKeyPEMType{}).ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, "k"))
	if err != nil {
		t.Fatal(err)
	}
	key, ok := v.(publicKeyPEMValue)
	if !ok || key.ValueString() != "k" {
		t.Fatalf("ValueFromTerraform = %#v", v)
	}
	null, err := (loadScriptType{}).ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, nil))
	if err != nil || !null.IsNull() {
		t.Fatalf("ValueFromTerraform(null) = %v, %v", null, err)
	}
	fromString, diags := (loadScriptType{}).ValueFromString(ctx, basetypes.NewStringValue("s"))
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, ok := fromString.(loadScriptValue); !ok {
		t.Errorf("ValueFromString = %T", fromString)
	}
}

func TestKeepStateIfSame(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pkix, pkcs1, other := testKeys(t)
	run := func(m planmodifier.String, state, plan types.String) types.String {
		req := planmodifier.StringRequest{Path: path.Root("x"), StateValue: state, PlanValue: plan, ConfigValue: plan}
		resp := &planmodifier.StringResponse{PlanValue: plan}
		m.PlanModifyString(ctx, req, resp)
		return resp.PlanValue
	}
	for _, tc := range []struct {
		name              string
		m                 planmodifier.String
		state, plan, want types.String
	}{
		{"script with CRLF keeps the state", keepStateForSameScript{}, types.StringValue("A;\nB;"), types.StringValue("A;\r\nB;\r\n"), types.StringValue("A;\nB;")},
		{"edited script is planned", keepStateForSameScript{}, types.StringValue("A;"), types.StringValue("B;"), types.StringValue("B;")},
		{"create is left alone", keepStateForSameScript{}, types.StringNull(), types.StringValue("A;"), types.StringValue("A;")},
		{"unknown is left alone", keepStateForSameScript{}, types.StringValue("A;"), types.StringUnknown(), types.StringUnknown()},
		{"removed value is left alone", keepStateForSameScript{}, types.StringValue("A;"), types.StringNull(), types.StringNull()},
		{"same key in PKCS #1 keeps the state", keepStateForSameKey{}, types.StringValue(pkix), types.StringValue(pkcs1), types.StringValue(pkix)},
		{"another key is planned", keepStateForSameKey{}, types.StringValue(pkix), types.StringValue(other), types.StringValue(other)},
	} {
		if got := run(tc.m, tc.state, tc.plan); !got.Equal(tc.want) {
			t.Errorf("%s: planned %v, want %v", tc.name, got, tc.want)
		}
	}
	if d := (keepStateForSameKey{}).Description(ctx); d != "a reformatted copy of the same key is not a change" {
		t.Errorf("description = %q", d)
	}
	if d := (keepStateForSameScript{}).MarkdownDescription(ctx); d != "a script that differs only in line endings is not a change" {
		t.Errorf("description = %q", d)
	}
}
