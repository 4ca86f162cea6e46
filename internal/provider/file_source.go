package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// Files on local disk that a resource uploads (a QVF, a logo, a theme's zip). The configuration names the file;
// a computed <name>_sha256 attribute holds the SHA-256 of its content, set at plan by hashing the file, so a
// changed file shows in the plan as a change of its hash (an update or a replacement) and an unchanged file,
// moved or renamed, shows as no change at all. The user writes no hash, and a stale one cannot be committed.

// fileHashAttribute is the computed SHA-256 of a file attribute, set at plan (planFileHash).
func fileHashAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// fileCheck checks a file at plan: its size and type (head holds its first bytes) against Qlik's limits. It
// returns the problem in words, or "".
type fileCheck func(name string, size int64, head []byte) string

// plannedFile is what planFileHash found for one file attribute.
type plannedFile struct {
	// Path is the configured path, "" when the attribute is null or unknown.
	Path string
	// Changed says the planned hash differs from the state's: the content changed, or it is unknown at plan.
	Changed bool
	// Imported says the state has no hash while the object exists: it was imported, and its file is unknown.
	Imported bool
}

// planFileHash sets hashAttr in the plan to the SHA-256 of the file that fileAttr names, after checking it (it
// exists, is a regular file, and passes check). A null path plans a null hash; a path unknown at plan (the output
// of another resource) plans an unknown hash, which counts as a change. Problems are attribute errors on
// fileAttr, so a bad file fails the plan before any call to Qlik.
func planFileHash(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, fileAttr, hashAttr string, check fileCheck) plannedFile {
	var out plannedFile
	if req.Plan.Raw.IsNull() {
		return out
	}
	var file, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(fileAttr), &file)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(hashAttr), &prior)...)
		out.Imported = prior.IsNull() && !file.IsNull()
	}
	if resp.Diagnostics.HasError() {
		return out
	}
	var planned types.String
	switch {
	case file.IsNull():
		planned = types.StringNull()
	case file.IsUnknown():
		planned = types.StringUnknown()
	default:
		out.Path = file.ValueString()
		sum, problem := hashFile(out.Path, check)
		if problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root(fileAttr), "Unusable file", problem)
			return out
		}
		planned = types.StringValue(sum)
	}
	out.Changed = !req.State.Raw.IsNull() && !planned.Equal(prior)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(hashAttr), planned)...)
	return out
}

// hashFile checks the file at p and returns its SHA-256, or the problem in words.
func hashFile(p string, check fileCheck) (string, string) {
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Sprintf("Cannot read %s: %v. Paths are relative to the directory Terraform runs in; use path.module for a file beside the configuration.", p, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Sprintf("%s is not a regular file.", p)
	}
	if check != nil {
		head, err := readHead(p, 16)
		if err != nil {
			return "", fmt.Sprintf("Cannot read %s: %v.", p, err)
		}
		if problem := check(st.Name(), st.Size(), head); problem != "" {
			return "", fmt.Sprintf("%s: %s.", p, problem)
		}
	}
	sum, _, err := qlik.FileSHA256(p)
	if err != nil {
		return "", fmt.Sprintf("Cannot read %s: %v.", p, err)
	}
	return sum, ""
}

// readHead returns up to n first bytes of the file at p.
func readHead(p string, n int) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	head := make([]byte, n)
	k, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:k], nil
}

// fileAsPlanned checks, at apply, that the file at p still has the SHA-256 the plan computed, so that what is
// uploaded is what the plan showed, and returns it as the value to store (the plan's hash is unknown when the path
// was).
func fileAsPlanned(p string, planned types.String) (types.String, error) {
	sum, _, err := qlik.FileSHA256(p)
	if err != nil {
		return planned, fmt.Errorf("cannot read %s: %w", p, err)
	}
	if !planned.IsUnknown() && sum != planned.ValueString() {
		return planned, fmt.Errorf("%s has SHA-256 %s, but the plan was made with %s: the file changed between plan and apply. Run terraform plan again", p, sum, planned.ValueString())
	}
	return types.StringValue(sum), nil
}

// setPrivateJSON records v under key in a resource's private state.
func setPrivateJSON(ctx context.Context, p privateWriter, key string, v any, diags *diag.Diagnostics) {
	raw, err := json.Marshal(v)
	if err != nil {
		diags.AddError("Unable to record "+key+" in private state", err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, key, raw)...)
}

// privateJSON reads what setPrivateJSON recorded under key; the zero value when nothing was (an import).
func privateJSON[T any](ctx context.Context, p privateReader, key string) T {
	var v T
	if raw, d := p.GetKey(ctx, key); !d.HasError() && len(raw) > 0 {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}
