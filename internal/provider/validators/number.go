package validators

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// WholeNumberBetween accepts a whole number from low to high. It validates a Number attribute rather than an
// Int64 one because Terraform's conversion of 2.5 into an Int64 fails before any validator runs, with an error
// that blames the provider instead of naming the attribute.
func WholeNumberBetween(low, high int64) validator.Number { return wholeNumber{low: low, high: high} }

type wholeNumber struct{ low, high int64 }

func (v wholeNumber) Description(context.Context) string {
	return fmt.Sprintf("must be a whole number from %d to %d", v.low, v.high)
}

func (v wholeNumber) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v wholeNumber) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	if _, ok := WholeNumber(f, v.low, v.high); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number", fmt.Sprintf("%s %s.", f.Text('g', -1), v.Description(ctx)))
	}
}

// WholeNumber returns f as an int64 when it is a whole number from low to high.
func WholeNumber(f *big.Float, low, high int64) (int64, bool) {
	if f == nil || !f.IsInt() {
		return 0, false
	}
	n, acc := f.Int64()
	if acc != big.Exact || n < low || n > high {
		return 0, false
	}
	return n, true
}

// Int64MultipleOf accepts a multiple of n.
func Int64MultipleOf(n int64) validator.Int64 { return multipleOf{n: n} }

type multipleOf struct{ n int64 }

func (v multipleOf) Description(context.Context) string {
	return fmt.Sprintf("must be a multiple of %d", v.n)
}

func (v multipleOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v multipleOf) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := req.ConfigValue.ValueInt64(); n%v.n != 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number", fmt.Sprintf("%d %s.", n, v.Description(ctx)))
	}
}
