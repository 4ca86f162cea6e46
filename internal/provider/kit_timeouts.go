package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// timeoutContext is ctx bounded by a configured timeout: timeout is the method of the model's timeouts block for
// the operation (plan.Timeouts.Create) and def the resource's default when the block sets none. A timeouts block
// that cannot be read adds its error to diags; the caller checks diags before it starts the operation, and
// always defers cancel.
func timeoutContext(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, problems := timeout(ctx, def)
	diags.Append(problems...)
	return context.WithTimeout(ctx, d)
}
