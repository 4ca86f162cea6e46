package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// fileAttribute is the path of a file on local disk that the resource uploads, checked and hashed at plan
// (planFileHash).
func fileAttribute(description string) schema.StringAttribute {
	return requiredString(description, stringvalidator.LengthAtLeast(1))
}

// optionalFileAttribute is a fileAttribute that the configuration may leave out.
func optionalFileAttribute(description string) schema.StringAttribute {
	a := fileAttribute(description)
	a.Required, a.Optional = false, true
	return a
}

// fileHashAttribute is the computed SHA-256 of a file attribute, set at plan (planFileHash).
func fileHashAttribute(description string) schema.StringAttribute {
	return computedRead(description)
}

// changedInQlik is the hash Read puts in state for a file that Qlik holds but that is not the one this resource
// uploaded (Qlik's eTag or update time differs from the one recorded at upload, or nothing was recorded, after an
// import): the plan then shows the file's hash changing and the apply uploads the configured file again, or
// deletes the file when none is configured.
const changedInQlik = "changed outside Terraform"

// uploadedHashAttribute is the hash of a file that Qlik may hold in another version than the one uploaded (a logo
// replaced in the management console): the file's SHA-256, or changedInQlik. what names the file ("logo").
func uploadedHashAttribute(what string) schema.StringAttribute {
	return fileHashAttribute("SHA-256 (hex) of the " + what + ", computed at plan; `" + changedInQlik + "` when the " +
		what + " in Qlik is not the one uploaded.")
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

// fileAsPlanned checks, at apply, that the file that the attribute attr names (file) still has the SHA-256 the
// plan computed (*hash), so that what is uploaded is what the plan showed, and stores it in *hash (the plan's hash
// is unknown when the path was). A file that changed or cannot be read is an error on attr, under summary
// ("Unable to create brand"); ok is false then.
func fileAsPlanned(file types.String, hash *types.String, attr, summary string, diags *diag.Diagnostics) (ok bool) {
	p, planned := file.ValueString(), *hash
	sum, _, err := qlik.FileSHA256(p)
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root(attr), summary, fmt.Sprintf("cannot read %s: %v", p, err))
	case !planned.IsUnknown() && sum != planned.ValueString():
		diags.AddAttributeError(path.Root(attr), summary, fmt.Sprintf("%s has SHA-256 %s, but the plan was made with %s: "+
			"the file changed between plan and apply. Run terraform plan again", p, sum, planned.ValueString()))
	default:
		*hash = types.StringValue(sum)
		return true
	}
	return false
}
