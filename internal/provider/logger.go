package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// logSubsystem names the tflog subsystem of the client, so TF_LOG_PROVIDER_QLIK_API can tune it alone.
const logSubsystem = "qlik_api"

// tflogLogger adapts tflog to the client's Logger, keeping internal/qlik free of terraform-plugin-log.
// The client masks credentials before it logs; this adapter only routes messages.
type tflogLogger struct{}

var _ qlik.Logger = tflogLogger{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(withSubsystem(ctx), logSubsystem, msg, fields)
}

func (tflogLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemTrace(withSubsystem(ctx), logSubsystem, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(withSubsystem(ctx), logSubsystem, msg, fields)
}

// withSubsystem registers the subsystem on ctx. Requests carry the context of the Terraform RPC that made
// them, so the subsystem cannot be set up once at Configure time.
func withSubsystem(ctx context.Context) context.Context {
	return tflog.NewSubsystem(ctx, logSubsystem)
}
