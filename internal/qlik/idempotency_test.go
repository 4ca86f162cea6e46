package qlik

import (
	"context"
	"errors"
	"testing"
	"time"
)

type fakeObject struct{ ID string }

// createWithRecovery notes an object this request created for the visibility grace, and not one it adopted
// after an ambiguous failure (found by a lookup, so visible already); a creation without a lookup returns an
// ambiguous failure as it is.
func TestCreateWithRecovery_notesOnlyWhatItCreated(t *testing.T) {
	cfg := fastConfig("http://127.0.0.1:1")
	cfg.VisibilityGrace = time.Minute
	c := newClient(t, cfg)
	ambiguous := &transportError{method: "POST", path: "/x", err: errors.New("connection reset")}
	noted := func(id string) bool {
		_, ok := c.core.created.graceWait(c.ep.host, "/x/"+id, 0, c.core)
		return ok
	}
	run := func(sendErr error, find func(context.Context) (*fakeObject, error)) (*fakeObject, int, error) {
		sends := 0
		v, err := createWithRecovery(t.Context(), c, creation[fakeObject]{
			what: "object",
			send: func(context.Context) (*fakeObject, error) {
				sends++
				if sendErr != nil {
					return nil, sendErr
				}
				return &fakeObject{ID: "made"}, nil
			},
			find:  find,
			proof: func(o *fakeObject) provenance { return provenance{id: o.ID, marked: true} },
			path:  func(id string) string { return "/x/" + id },
		})
		return v, sends, err
	}

	if v, _, err := run(nil, nil); err != nil || v.ID != "made" || !noted("made") {
		t.Errorf("clean create = %+v, %v; noted %v, want noted", v, err, noted("made"))
	}
	v, sends, err := run(ambiguous, func(context.Context) (*fakeObject, error) { return &fakeObject{ID: "found"}, nil })
	if err != nil || v.ID != "found" || sends != 1 {
		t.Fatalf("ambiguous create = %+v, %v after %d sends; want the found object adopted", v, err, sends)
	}
	if noted("found") {
		t.Error("an adopted object was noted as created moments ago")
	}
	if _, sends, err := run(ambiguous, nil); !errors.Is(err, ambiguous) || sends != 1 {
		t.Errorf("without a lookup: %v after %d sends, want the ambiguous failure after one", err, sends)
	}
	// A lookup that answers "none" (the Find* convention) lets the create run again; a failed lookup does not.
	none := func(context.Context) (*fakeObject, error) { return nil, c.notFound("object") }
	if _, sends, err := run(ambiguous, none); !errors.Is(err, ambiguous) || sends != 1+c.core.cfg.MaxRetries {
		t.Errorf("none found: %v after %d sends, want %d sends", err, sends, 1+c.core.cfg.MaxRetries)
	}
	broken := func(context.Context) (*fakeObject, error) { return nil, errors.New("lookup broke") }
	if _, sends, err := run(ambiguous, broken); err == nil || sends != 1 {
		t.Errorf("failed lookup: %v after %d sends, want an error after one", err, sends)
	}
}
