package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// createdAtKey is the private state key holding when the provider created an object.
const createdAtKey = "created_at"

// recordCreated notes in private state when the object was created. Qlik may not serve a new object for a moment;
// Read and Delete in a later run (a quick re-apply is a new provider process, which knows nothing of the create)
// use it to wait a 404 out within the visibility window instead of dropping the object from state (and then
// creating or adopting it again) or leaving it behind on destroy.
func recordCreated(ctx context.Context, p privateWriter, diags *diag.Diagnostics) {
	b, err := json.Marshal(time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return
	}
	diags.Append(p.SetKey(ctx, createdAtKey, b)...)
}

// createdView returns c bound to the creation time recorded in private state, so that a 404 within Qlik's
// visibility window is waited out instead of taken for a deleted object (see qlik.Client.CreatedAt).
func createdView(ctx context.Context, c *qlik.Client, p privateReader) *qlik.Client {
	if c == nil {
		return nil
	}
	raw, d := p.GetKey(ctx, createdAtKey)
	if d.HasError() || len(raw) == 0 {
		return c
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return c
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return c
	}
	return c.CreatedAt(at)
}
