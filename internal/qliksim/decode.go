package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxJSONBody bounds JSON request bodies of the object APIs; Qlik's are far smaller.
const maxJSONBody = 1 << 20

// inputError is a client mistake in a request body or query, with the place it was found.
type inputError struct {
	detail    string
	pointer   string // JSON pointer into the body
	parameter string // query parameter
}

func (e *inputError) Error() string { return e.detail }

// decodeJSON reads exactly one JSON value from the body into v. Unknown fields are ignored, as Qlik does.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxJSONBody))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var maxErr *http.MaxBytesError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return &inputError{
				detail:  fmt.Sprintf("%s must be a %s, not a JSON %s.", typeErr.Field, jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value),
				pointer: "/" + strings.ReplaceAll(typeErr.Field, ".", "/"),
			}
		case errors.As(err, &typeErr):
			return &inputError{detail: fmt.Sprintf("The request body must be a JSON %s, not a JSON %s.", jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value)}
		case errors.As(err, &maxErr):
			return &inputError{detail: fmt.Sprintf("The request body exceeds %d bytes.", maxErr.Limit)}
		case errors.Is(err, io.EOF):
			return &inputError{detail: "The request body is empty; a JSON body is required."}
		default:
			return &inputError{detail: "The request body is not valid JSON: " + err.Error() + "."}
		}
	}
	if dec.More() {
		return &inputError{detail: "The request body holds more than one JSON value."}
	}
	return nil
}

// decodeNamed reads a create request into req and checks its name, which the body must hold (name reads it from
// req) and valid must accept at the pointer /name. Each mistake is an *inputError.
func decodeNamed(r *http.Request, req any, name func() *string, valid func(name, pointer string) error) error {
	if err := decodeJSON(r, req); err != nil {
		return err
	}
	n := name()
	if n == nil {
		return &inputError{detail: "name is required.", pointer: "/name"}
	}
	return valid(*n, "/name")
}

// rawPatchOp is one operation of a JSON Patch document as it arrives: a member may be missing (nil) or of any JSON
// type, for the API's own checks.
type rawPatchOp struct {
	Op    *string         `json:"op"`
	Path  *string         `json:"path"`
	Value json.RawMessage `json:"value"`
}

// decodePatch reads a JSON Patch document into one T per operation. A body that does not decode, or that holds no
// operation, is an *inputError.
func decodePatch[T any](r *http.Request) ([]T, error) {
	var ops []T
	if err := decodeJSON(r, &ops); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, &inputError{detail: "The patch document must hold at least one operation."}
	}
	return ops, nil
}

// decodePatchOps reads a JSON Patch document into one T per operation: parse reads an operation from its members,
// given its index and pointer (/0, /1, ...). The first error, the document's or an operation's, is returned.
func decodePatchOps[T any](r *http.Request, parse func(i int, at string, m map[string]json.RawMessage) (T, error)) ([]T, error) {
	raw, err := decodePatch[map[string]json.RawMessage](r)
	if err != nil {
		return nil, err
	}
	ops := make([]T, 0, len(raw))
	for i, m := range raw {
		op, err := parse(i, "/"+strconv.Itoa(i), m)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// patchValue carries out an add, replace or remove of one value: *dst becomes the operation's value, decoded
// afresh, or cleared for a remove. A value that does not decode as a T is refused with wrongType.
func patchValue[T any](dst *T, op rawPatchOp, cleared T, wrongType error) error {
	if *op.Op == "remove" {
		*dst = cleared
		return nil
	}
	var v T
	if json.Unmarshal(op.Value, &v) != nil {
		return wrongType
	}
	*dst = v
	return nil
}

// jsonTypeName names a Go kind the way an API user thinks of JSON types.
func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	case "int", "int32", "int64", "float64":
		return "number"
	default:
		return kind
	}
}

// readBody reads a JSON request body of at most maxJSONBody bytes, for handlers that parse it in several passes.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxJSONBody))
	if err != nil {
		return nil, &inputError{detail: fmt.Sprintf("The request body is unreadable or exceeds %d bytes.", maxJSONBody)}
	}
	return b, nil
}
