package qliksim

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
)

// Cursor pagination as Qlik documents it: cursors "can't be calculated client-side", so they are signed. A cursor
// holds the sort key of the last (next) or first (prev) item of the page it came from, not an offset, so paging
// stays free of duplicates and gaps while objects are created or deleted between pages.

type cursor struct {
	Prev bool `json:"p,omitempty"`
	// Incl includes the item with Key itself; set only for the links of an empty page, which has no item of its
	// own to anchor them.
	Incl bool     `json:"i,omitempty"`
	Sort string   `json:"s"`
	Key  []string `json:"k"`
}

var errBadCursor = errors.New("invalid cursor")

func (s *Server) encodeCursor(c cursor) string {
	payload, _ := json.Marshal(c) // a struct of strings and a bool always encodes
	mac := hmac.New(sha256.New, s.cursorKey)
	mac.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

func (s *Server) decodeCursor(v string) (cursor, error) {
	var c cursor
	p, sig, ok := strings.Cut(v, ".")
	if !ok {
		return c, errBadCursor
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return c, errBadCursor
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return c, errBadCursor
	}
	mac := hmac.New(sha256.New, s.cursorKey)
	mac.Write(payload)
	if !hmac.Equal(got, mac.Sum(nil)[:16]) {
		return c, errBadCursor
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&c); err != nil {
		return c, errBadCursor
	}
	return c, nil
}

// compareKeys orders sort keys component by component.
func compareKeys(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// page is one page of a sorted list, with the cursors of its neighbours (nil when there is none).
type page[T any] struct {
	items []T
	next  *cursor
	prev  *cursor
}

// paginate cuts one page out of items, which must already be sorted by key (ascending, or descending when desc).
// Keys must be unique, which callers ensure by ending every key with the object id.
func paginate[T any](items []T, key func(T) []string, desc bool, sortName string, cur *cursor, limit int) page[T] {
	order := func(a, b []string) int {
		if desc {
			return compareKeys(b, a)
		}
		return compareKeys(a, b)
	}
	n := len(items)
	start, end := 0, min(limit, n)
	if cur != nil {
		// at: first item not before the key; after: first item after it.
		at, found := slices.BinarySearchFunc(items, cur.Key, func(it T, k []string) int { return order(key(it), k) })
		after := at
		if found {
			after++
		}
		if cur.Prev {
			end = at
			if cur.Incl {
				end = after
			}
			start = max(0, end-limit)
		} else {
			start = after
			if cur.Incl {
				start = at
			}
			end = min(start+limit, n)
		}
	}
	p := page[T]{items: items[start:end]}
	switch {
	case start < end:
		if end < n {
			p.next = &cursor{Sort: sortName, Key: key(items[end-1])}
		}
		if start > 0 {
			p.prev = &cursor{Prev: true, Sort: sortName, Key: key(items[start])}
		}
	case cur != nil:
		// An empty page (its neighbours were deleted meanwhile) points back to whatever lies on the other side
		// of its own cursor.
		if cur.Prev && end < n {
			p.next = &cursor{Incl: !cur.Incl, Sort: sortName, Key: cur.Key}
		}
		if !cur.Prev && start > 0 {
			p.prev = &cursor{Prev: true, Incl: !cur.Incl, Sort: sortName, Key: cur.Key}
		}
	}
	return p
}

// Link is a hypermedia link.
type Link struct {
	Href string `json:"href"`
}

type listLinks struct {
	Self Link  `json:"self"`
	Next *Link `json:"next,omitempty"`
	Prev *Link `json:"prev,omitempty"`
}
