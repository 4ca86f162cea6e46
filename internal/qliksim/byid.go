package qliksim

import (
	"errors"
	"net/http"
	"time"
)

// byID is how an API area finds the object a request's path names: the collection, the path parameter that holds
// the id, and the area's 404 answer for an id it does not serve.
type byID[T any] struct {
	col      *collection[T]
	param    string
	notFound func(w http.ResponseWriter, id string)
}

// find returns the id the path names and its object when the API serves it (created and visible); otherwise it
// answers the area's 404 and ok is false.
func (b byID[T]) find(w http.ResponseWriter, r *http.Request) (id string, v T, ok bool) {
	id = r.PathValue(b.param)
	if v, ok = b.col.get(id, time.Now(), false); !ok {
		b.notFound(w, id)
	}
	return id, v, ok
}

// set replaces the object the path names with change's result as of now, and returns it; when the API does not
// serve the object, it answers the area's 404 instead and ok is false. change cannot fail: checks come before.
func (b byID[T]) set(w http.ResponseWriter, r *http.Request, change func(cur T, now time.Time) T) (v T, ok bool) {
	return b.edit(w, r.PathValue(b.param), func(cur T, now time.Time) (T, error) { return change(cur, now), nil }, nil, nil)
}

// edit replaces the object with the id by change's result as of now, and returns it; ok is false when it did not.
// conflicts, when not nil, is asked about every other object and refuses the result with ErrConflict. When the API
// does not serve the object (or change says ErrNotFound), edit answers the area's 404; refused answers any other
// error: change's or ErrConflict. The caller writes the answer to an edit that succeeded.
func (b byID[T]) edit(w http.ResponseWriter, id string, change func(cur T, now time.Time) (T, error), conflicts func(updated, other T) bool, refused func(w http.ResponseWriter, err error)) (v T, ok bool) {
	now := time.Now()
	v, err := b.col.update(id, now, false, func(cur T) (T, error) { return change(cur, now) }, conflicts)
	switch {
	case errors.Is(err, ErrNotFound):
		b.notFound(w, id)
	case err != nil:
		refused(w, err)
	}
	return v, err == nil
}

// remove deletes the object the path names and returns its id; when the API does not serve it, it answers the
// area's 404 instead and ok is false. The caller writes the answer to a delete that succeeded.
func (b byID[T]) remove(w http.ResponseWriter, r *http.Request) (id string, ok bool) {
	id = r.PathValue(b.param)
	if err := b.col.remove(id, time.Now(), false, nil); err != nil {
		b.notFound(w, id)
		return id, false
	}
	return id, true
}
