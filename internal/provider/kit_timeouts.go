package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
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

// timeoutsBlocks is the Blocks of a schema with a timeouts block for the operations opts names (the model
// embeds timed).
func timeoutsBlocks(ctx context.Context, opts timeouts.Opts) map[string]schema.Block {
	return map[string]schema.Block{"timeouts": timeouts.Block(ctx, opts)}
}

// timed is embedded in the model of a resource with a timeouts block (timeoutsBlocks).
type timed struct {
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (t timed) timeouts() timeouts.Value { return t.Timeouts }

// timedModel is a tenant-scoped model that embeds timed.
type timedModel interface {
	tenantScopedModel
	timeouts() timeouts.Value
}

// createWithin is createIn for a Create that may wait long (an app copy, a reload): it also returns ctx bounded by
// the planned create timeout, def when the timeouts block sets none. The Create defers cancel, then returns unless
// ok.
func createWithin[M timedModel](ctx context.Context, client *qlik.Client, req resource.CreateRequest, resp *resource.CreateResponse,
	def time.Duration,
) (plan M, c *qlik.Client, bounded context.Context, cancel context.CancelFunc, ok bool) {
	if plan, c, ok = createIn[M](ctx, client, req, resp); !ok {
		return plan, nil, ctx, func() {}, false
	}
	bounded, cancel = timeoutContext(ctx, plan.timeouts().Create, def, &resp.Diagnostics)
	return plan, c, bounded, cancel, !resp.Diagnostics.HasError()
}
