package qlik

import (
	"context"
	"net/http"
)

// JSON Patch request bodies (RFC 6902), which Qlik's PATCH endpoints take: one operation per change, applied in
// order.

// patchOp is one operation of a JSON Patch.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// jsonPatch is a JSON Patch request body.
type jsonPatch []patchOp

// replaceOp replaces the value at path with v.
func replaceOp(path string, v any) patchOp { return patchOp{Op: "replace", Path: path, Value: v} }

// replace adds replaceOp(path, v).
func (p *jsonPatch) replace(path string, v any) { *p = append(*p, replaceOp(path, v)) }

// remove adds the removal of the value at path.
func (p *jsonPatch) remove(path string) { *p = append(*p, patchOp{Op: "remove", Path: path}) }

// replaceIfSet adds a replace of path with *v, unless v is nil (the value stays as it is).
func replaceIfSet[T any](p *jsonPatch, path string, v *T) {
	if v != nil {
		p.replace(path, *v)
	}
}

// replaceListIfSet is replaceIfSet for a list: an empty list is sent as [] (never null), which clears it.
func replaceListIfSet[E any](p *jsonPatch, path string, v *[]E) {
	if v != nil {
		p.replace(path, orEmpty(*v))
	}
}

// orEmpty is v, or an empty list for nil (JSON [] instead of null).
func orEmpty[E any](v []E) []E {
	if v == nil {
		return []E{}
	}
	return v
}

// patchObject sends p to the object of kind with this id (PATCH path(id)) and decodes the answer into out unless
// out is nil. An empty id fails before any request; an empty patch sends none.
func patchObject(ctx context.Context, c *Client, kind, id string, path func(string) string, p jsonPatch, out any) error {
	if err := checkID(kind, id); err != nil {
		return err
	}
	if len(p) == 0 {
		return nil
	}
	_, err := c.do(ctx, &request{method: http.MethodPatch, path: path(id), body: p, out: out})
	return err
}

// patchThenGet is patchObject for a PATCH that answers without the object (204): it returns the object as read
// afterwards, also when the patch is empty.
func patchThenGet[T any](ctx context.Context, c *Client, kind, id string, path func(string) string, p jsonPatch) (*T, error) {
	if err := patchObject(ctx, c, kind, id, path, p, nil); err != nil {
		return nil, err
	}
	return getObject[T](ctx, c, kind, id, path)
}
