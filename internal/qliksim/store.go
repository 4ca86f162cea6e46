package qliksim

import (
	"sort"
	"sync"
	"time"
)

// collection is one tenant's set of objects of one kind. It owns the rules every API shares: objects created with
// a visibility delay exist (and count for uniqueness) before readers can see them, and uniqueness checks happen
// under the same lock as the write they guard, so concurrent creates cannot both win.
type collection[T any] struct {
	mu    sync.RWMutex
	seq   uint64
	items map[string]*entry[T]
}

type entry[T any] struct {
	val       T
	seq       uint64 // creation order, a stable tie-breaker for sorting
	visibleAt time.Time
}

// stored is a snapshot of one object with its creation order.
type stored[T any] struct {
	ID  string
	Val T
	Seq uint64
}

func newCollection[T any]() *collection[T] {
	return &collection[T]{items: map[string]*entry[T]{}}
}

func (e *entry[T]) visible(now time.Time) bool { return !now.Before(e.visibleAt) }

// insert adds v under id. conflicts is called for every existing object, visible or not, and a true answer
// rejects the insert with ErrConflict.
func (c *collection[T]) insert(id string, v T, visibleAt time.Time, conflicts func(existing T) bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.items[id]; dup {
		return ErrConflict
	}
	if conflicts != nil {
		for _, e := range c.items {
			if conflicts(e.val) {
				return ErrConflict
			}
		}
	}
	c.seq++
	c.items[id] = &entry[T]{val: v, seq: c.seq, visibleAt: visibleAt}
	return nil
}

// get returns the object; hidden objects are reported missing unless includeHidden is set.
func (c *collection[T]) get(id string, now time.Time, includeHidden bool) (T, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[id]
	if !ok || (!includeHidden && !e.visible(now)) {
		var zero T
		return zero, false
	}
	return e.val, true
}

// update replaces the object with fn's result. conflicts is checked against every other object; fn's error is
// returned unchanged so handlers can map it to their own status.
func (c *collection[T]) update(id string, now time.Time, includeHidden bool, fn func(cur T) (T, error), conflicts func(updated, other T) bool) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	e, ok := c.items[id]
	if !ok || (!includeHidden && !e.visible(now)) {
		return zero, ErrNotFound
	}
	next, err := fn(e.val)
	if err != nil {
		return zero, err
	}
	if conflicts != nil {
		for otherID, o := range c.items {
			if otherID != id && conflicts(next, o.val) {
				return zero, ErrConflict
			}
		}
	}
	e.val = next
	return next, nil
}

// remove deletes the object after check (if any) accepts it.
func (c *collection[T]) remove(id string, now time.Time, includeHidden bool, check func(cur T) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[id]
	if !ok || (!includeHidden && !e.visible(now)) {
		return ErrNotFound
	}
	if check != nil {
		if err := check(e.val); err != nil {
			return err
		}
	}
	delete(c.items, id)
	return nil
}

// list returns the objects in creation order.
func (c *collection[T]) list(now time.Time, includeHidden bool) []stored[T] {
	c.mu.RLock()
	out := make([]stored[T], 0, len(c.items))
	for id, e := range c.items {
		if includeHidden || e.visible(now) {
			out = append(out, stored[T]{ID: id, Val: e.val, Seq: e.seq})
		}
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// runsOf returns the runs of the object with the id, oldest first, each as show renders it; mu guards runs.
func runsOf[R, S any](mu *sync.Mutex, runs map[string][]*R, id string, show func(*R) S) []S {
	mu.Lock()
	defer mu.Unlock()
	out := make([]S, 0, len(runs[id]))
	for _, r := range runs[id] {
		out = append(out, show(r))
	}
	return out
}
