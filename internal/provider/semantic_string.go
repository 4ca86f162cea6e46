package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// normalizer gives a semantic string its meaning: two values are semantically equal when their normal forms are
// equal, so text that differs only in a way that does not matter (line endings, a key's layout) never shows as a
// change. Implementations are empty structs, one per kind of text; the kind is part of the Go type, so a load
// script and a public key are different Terraform types.
type normalizer interface {
	// normalize returns the normal form of s. It must accept any text; text it cannot make sense of is returned
	// as it is (validators report it), so that it equals only itself.
	normalize(s string) string
	// typeName names the Terraform type in messages ("loadScriptType").
	typeName() string
	// sameDescription says, for plan output, why a reformatted value is not a change.
	sameDescription() string
}

// semanticStringType is a string type whose values compare by their normal form (N.normalize). Use it as an
// attribute's CustomType and semanticStringValue[N] as the model field's type, and add keepStateIfSame[N] to the
// attribute's plan modifiers so that a configuration edit that changes only the form plans no update.
type semanticStringType[N normalizer] struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = semanticStringType[scriptText]{}
	_ basetypes.StringValuableWithSemanticEquals = semanticStringValue[scriptText]{}
)

func (t semanticStringType[N]) Equal(o attr.Type) bool {
	other, ok := o.(semanticStringType[N])
	return ok && t.StringType.Equal(other.StringType)
}

func (t semanticStringType[N]) String() string {
	var n N
	return n.typeName()
}

func (t semanticStringType[N]) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return semanticStringValue[N]{StringValue: in}, nil
}

func (t semanticStringType[N]) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return semanticStringValue[N]{StringValue: s}, nil
}

func (t semanticStringType[N]) ValueType(context.Context) attr.Value { return semanticStringValue[N]{} }

// semanticStringValue is a value of semanticStringType[N].
type semanticStringValue[N normalizer] struct {
	basetypes.StringValue
}

func newSemanticStringValue[N normalizer](s string) semanticStringValue[N] {
	return semanticStringValue[N]{StringValue: basetypes.NewStringValue(s)}
}

func (v semanticStringValue[N]) Type(context.Context) attr.Type { return semanticStringType[N]{} }

func (v semanticStringValue[N]) Equal(o attr.Value) bool {
	other, ok := o.(semanticStringValue[N])
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals compares the normal forms. A value of another type is never equal.
func (v semanticStringValue[N]) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(semanticStringValue[N])
	if !ok {
		return false, nil
	}
	return sameText[N](v.ValueString(), other.ValueString()), nil
}

// sameText reports whether a and b have the same normal form.
func sameText[N normalizer](a, b string) bool {
	if a == b {
		return true
	}
	var n N
	return n.normalize(a) == n.normalize(b)
}

// keepStateIfSame plans the prior state's text when the configuration holds the same text in another form
// (semantically equal under N), so that such an edit is not an update.
type keepStateIfSame[N normalizer] struct{}

func (keepStateIfSame[N]) Description(context.Context) string {
	var n N
	return n.sameDescription()
}

func (m keepStateIfSame[N]) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepStateIfSame[N]) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	if sameText[N](req.StateValue.ValueString(), req.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
