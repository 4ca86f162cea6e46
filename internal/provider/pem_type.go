package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
)

// publicKeyPEMType is a string holding a PEM-encoded public key. Two values are semantically equal when they
// hold the same key, whatever their line breaks, surrounding whitespace or encoding (PKIX or PKCS #1): a key
// pasted with Windows line endings, read from a file with a trailing newline, or returned by Qlik in another
// layout causes no plan difference.
type publicKeyPEMType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = publicKeyPEMType{}
	_ basetypes.StringValuableWithSemanticEquals = publicKeyPEMValue{}
)

func (t publicKeyPEMType) Equal(o attr.Type) bool {
	other, ok := o.(publicKeyPEMType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t publicKeyPEMType) String() string { return "publicKeyPEMType" }

func (t publicKeyPEMType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return publicKeyPEMValue{StringValue: in}, nil
}

func (t publicKeyPEMType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return publicKeyPEMValue{StringValue: s}, nil
}

func (t publicKeyPEMType) ValueType(context.Context) attr.Value { return publicKeyPEMValue{} }

// publicKeyPEMValue is a value of publicKeyPEMType.
type publicKeyPEMValue struct {
	basetypes.StringValue
}

func newPublicKeyPEMValue(s string) publicKeyPEMValue {
	return publicKeyPEMValue{StringValue: basetypes.NewStringValue(s)}
}

func (v publicKeyPEMValue) Type(context.Context) attr.Type { return publicKeyPEMType{} }

func (v publicKeyPEMValue) Equal(o attr.Value) bool {
	other, ok := o.(publicKeyPEMValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals compares the keys, not the text. Values that do not parse are equal only when their text
// is; validation reports them.
func (v publicKeyPEMValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(publicKeyPEMValue)
	if !ok {
		return false, nil
	}
	if v.ValueString() == other.ValueString() {
		return true, nil
	}
	a, errA := validators.CanonicalPublicKeyPEM(v.ValueString())
	b, errB := validators.CanonicalPublicKeyPEM(other.ValueString())
	return errA == nil && errB == nil && a == b, nil
}

// keepStateForSameKey plans the prior state's text when the configuration holds the same key in another layout.
type keepStateForSameKey struct{}

func (keepStateForSameKey) Description(context.Context) string {
	return "a reformatted copy of the same key is not a change"
}

func (m keepStateForSameKey) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepStateForSameKey) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	same, _ := newPublicKeyPEMValue(req.StateValue.ValueString()).StringSemanticEquals(ctx, newPublicKeyPEMValue(req.PlanValue.ValueString()))
	if same {
		resp.PlanValue = req.StateValue
	}
}
