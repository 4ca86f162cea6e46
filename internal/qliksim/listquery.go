package qliksim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// One parser for the query of every list operation: limit, sort, filter and cursors. The APIs agree on the shape
// (a limit from 1 to 100, sort as a field with an optional + or - prefix, next/prev cursors) and differ in their
// defaults, their spelling of a bad value and their error envelope; a listSpec states those differences for one
// operation, as its OpenAPI operation documents it, and the handler maps the *inputError to its own envelope.

// listLimitMax is the largest limit of every list operation: the maximum of each spec's limit parameter where it
// states one (spaces.json states none for getSpaces and getSpaceAssignments; the simulator applies 100 there too).
const listLimitMax = 100

// listSpec describes the query of one list operation.
type listSpec struct {
	// limitDefault is the page size without limit; 0 puts every item on one page (data-connections.json: "All
	// resources will be returned if limit is not defined").
	limitDefault int
	// limitMin is the smallest limit accepted: 1, or 0 where the spec allows it (web-integrations.json).
	limitMin int
	// limitDetail is the error detail for a bad limit; empty: "limit must be an integer from <min> to 100.".
	limitDetail string

	// sortFields are the fields sort accepts; none: the order is fixed (sortDefault) and sort is not read.
	sortFields []string
	// sortDefault is the order without sort, spelled as the parameter would be ("name", "-creationTime").
	sortDefault string
	// sortMinusOnly refuses a + prefix (csp-origins.json lists only the field and its -field form).
	sortMinusOnly bool
	// sortDetail is the error detail for a bad sort; empty: "sort must be one of <fields>, optionally prefixed
	// with + or -.".
	sortDetail string

	// totalResults accepts totalResults=true|false (the identity APIs).
	totalResults bool

	// check validates the operation's own parameters after limit and sort and before filter and cursors.
	check func(q url.Values) error

	// filterFields are the fields a SCIM-like filter may use; none: filter is not read.
	filterFields []string

	// cursorParams are the cursor parameters: next and prev (nil, the default); only next (the simulator's items
	// list, which serves no prev link although items.json documents prev); page, whose cursor carries its own
	// direction (data-connections.json); or none (empty: pages named otherwise, as web integrations do).
	cursorParams []string
	// bothDetail is the error detail when next and prev are both given; empty: the second is reported invalid.
	bothDetail string
	// cursorDetail is the error detail for a cursor this query did not issue, with %s for the parameter;
	// empty: "The %s cursor is invalid for this query; follow the links returned by the API.".
	cursorDetail string
}

// listQuery is a parsed list query.
type listQuery struct {
	limit int
	// sortField is the field to sort by; desc reverses the order. sortName is both in the parameter's
	// spelling without +, which every cursor carries, so that a cursor only continues the order it came from.
	sortField    string
	desc         bool
	sortName     string
	filter       filterExpr
	totalResults bool
	cur          *cursor

	spec  *listSpec
	codec cursorCodec
}

// cursorCodec turns cursors into the strings of links and back: signed cursors (Server) or short tokens that
// stand for cursors kept by the tenant (accessState), where the spec types the cursor as a uid.
type cursorCodec interface {
	encodeCursor(c cursor) string
	decodeCursor(v string) (cursor, error)
}

func (ls *listSpec) params() []string {
	if ls.cursorParams == nil {
		return []string{"next", "prev"}
	}
	return ls.cursorParams
}

// parseList parses r's query by spec; filter, when not empty, replaces the filter parameter (a filter sent in the
// body of POST /groups/actions/filter). Errors are *inputError naming the parameter.
func parseList(r *http.Request, spec *listSpec, codec cursorCodec, filter ...string) (listQuery, error) {
	q := r.URL.Query()
	lq := listQuery{limit: spec.limitDefault, spec: spec, codec: codec}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < spec.limitMin || n > listLimitMax {
			detail := spec.limitDetail
			if detail == "" {
				detail = fmt.Sprintf("limit must be an integer from %d to %d.", spec.limitMin, listLimitMax)
			}
			return lq, &inputError{detail: detail, parameter: "limit"}
		}
		lq.limit = n
	}
	sortParam := q.Get("sort")
	if sortParam == "" || len(spec.sortFields) == 0 {
		sortParam = spec.sortDefault
	}
	lq.sortField, lq.desc = strings.CutPrefix(sortParam, "-")
	if !lq.desc && !spec.sortMinusOnly {
		lq.sortField = strings.TrimPrefix(lq.sortField, "+")
	}
	if len(spec.sortFields) > 0 && !slices.Contains(spec.sortFields, lq.sortField) {
		detail := spec.sortDetail
		if detail == "" {
			detail = "sort must be one of " + strings.Join(spec.sortFields, ", ") + ", optionally prefixed with + or -."
		}
		return lq, &inputError{detail: detail, parameter: "sort"}
	}
	lq.sortName = lq.sortField
	if lq.desc {
		lq.sortName = "-" + lq.sortField
	}
	if spec.totalResults {
		switch v := q.Get("totalResults"); v {
		case "", "false":
		case "true":
			lq.totalResults = true
		default:
			return lq, &inputError{detail: "totalResults must be true or false.", parameter: "totalResults"}
		}
	}
	if spec.check != nil {
		if err := spec.check(q); err != nil {
			return lq, err
		}
	}
	if len(spec.filterFields) > 0 {
		src := q.Get("filter")
		if len(filter) > 0 {
			src = filter[0]
		}
		if src != "" {
			f, err := parseFilter(src, spec.filterFields...)
			if err != nil {
				return lq, &inputError{detail: err.Error(), parameter: "filter"}
			}
			lq.filter = f
		}
	}
	if spec.bothDetail != "" && q.Get("next") != "" && q.Get("prev") != "" {
		return lq, &inputError{detail: spec.bothDetail, parameter: "next"}
	}
	for _, param := range spec.params() {
		v := q.Get(param)
		if v == "" {
			continue
		}
		c, err := codec.decodeCursor(v)
		if err != nil || lq.cur != nil || (param != "page" && c.Prev != (param == "prev")) || c.Sort != lq.sortName {
			detail := spec.cursorDetail
			if detail == "" {
				detail = "The %s cursor is invalid for this query; follow the links returned by the API."
			}
			return lq, &inputError{detail: fmt.Sprintf(detail, param), parameter: param}
		}
		lq.cur = &c
	}
	return lq, nil
}

// matches reports whether an object's fields satisfy the filter (true without one).
func (lq listQuery) matches(fields func(name string) []string) bool {
	return lq.filter == nil || lq.filter.match(fields)
}

// pageOf sorts items by key in the query's order and cuts the page it asks for. Keys must be unique, which every
// caller ensures by ending them with the object id or creation sequence.
func pageOf[T any](lq listQuery, items []T, key func(T) []string) page[T] {
	sort.Slice(items, func(i, j int) bool {
		if lq.desc {
			return compareKeys(key(items[j]), key(items[i])) < 0
		}
		return compareKeys(key(items[i]), key(items[j])) < 0
	})
	limit := lq.limit
	if limit == 0 {
		limit = max(len(items), 1)
	}
	return paginate(items, key, lq.desc, lq.sortName, lq.cur, limit)
}

// idPage is where the page lies in a list paged by object ids (brands, web integrations): startingAfter, after,
// names the last object of the previous page and endingBefore, before, the first of the next one; without either
// the page is the list's first. items are in list order and id gives an item's id. The page is items[start:end];
// unknown is the parameter whose id names no item, "" when there is none.
func idPage[T any](items []T, id func(T) string, limit int, after, before string) (start, end int, unknown string) {
	index := func(want string) int { return slices.IndexFunc(items, func(it T) bool { return id(it) == want }) }
	switch {
	case after != "":
		i := index(after)
		if i < 0 {
			return 0, 0, "startingAfter"
		}
		return i + 1, min(i+1+limit, len(items)), ""
	case before != "":
		i := index(before)
		if i < 0 {
			return 0, 0, "endingBefore"
		}
		return max(0, i-limit), i, ""
	default:
		return 0, min(limit, len(items)), ""
	}
}

// listPage is the body of a list answer: one page of objects and the links of the pages beside it.
type listPage[R any] struct {
	Data  []R       `json:"data"`
	Links listLinks `json:"links"`
}

// onePage sorts items by key in the query's order, cuts the page the query asks for and renders its objects, with
// the links (on h) of the pages beside it.
func onePage[T, R any](lq listQuery, h *host, r *http.Request, items []T, key func(T) []string, render func(T) R) listPage[R] {
	pg := pageOf(lq, items, key)
	out := listPage[R]{Data: make([]R, 0, len(pg.items)), Links: lq.links(h, r, pg.next, pg.prev)}
	for _, it := range pg.items {
		out.Data = append(out.Data, render(it))
	}
	return out
}

// byField is the sort key of a list whose objects give their field values with fields: the value of the sorted
// field, then the creation sequence, which makes keys unique.
func byField[T any](lq listQuery, fields func(T) map[string]string) func(stored[T]) []string {
	return func(s stored[T]) []string { return []string{fields(s.Val)[lq.sortField], fmt.Sprintf("%020d", s.Seq)} }
}

// matchesFields reports whether an object whose field values are fields satisfies the filter (true without one).
func (lq listQuery) matchesFields(fields map[string]string) bool {
	return lq.matches(func(name string) []string { return []string{fields[name]} })
}

// storedValue renders a stored object as it is stored.
func storedValue[T any](it stored[T]) T { return it.Val }

// countedPage is the list answer of the identity APIs: a page with totalResults, the number of matches, when the
// query asks for it (totalResults=true).
type countedPage[R any] struct {
	listPage[R]
	TotalResults *int `json:"totalResults,omitempty"`
}

// counted adds the number of matches to a page when lq asks for it.
func (p listPage[R]) counted(lq listQuery, matches int) countedPage[R] {
	out := countedPage[R]{listPage: p}
	if lq.totalResults {
		out.TotalResults = &matches
	}
	return out
}

// metaPage is the list answer of spaces, space assignments and data connections: a page with meta.count, the
// number of matches.
type metaPage[R any] struct {
	listPage[R]
	Meta listMeta `json:"meta"`
}

type listMeta struct {
	Count int `json:"count"`
}

// withCount adds meta.count to a page.
func (p listPage[R]) withCount(matches int) metaPage[R] {
	return metaPage[R]{listPage: p, Meta: listMeta{Count: matches}}
}

// links builds the links object of a list response: absolute hrefs on the host that served the request, with
// every query parameter of the request kept except the cursors.
func (lq listQuery) links(h *host, r *http.Request, next, prev *cursor) listLinks {
	params := lq.spec.params()
	links := listLinks{Self: Link{Href: h.url + r.URL.RequestURI()}}
	with := func(param string, c *cursor) *Link {
		q := r.URL.Query()
		for _, p := range params {
			q.Del(p)
		}
		q.Set(param, lq.codec.encodeCursor(*c))
		return &Link{Href: h.url + r.URL.Path + "?" + q.Encode()}
	}
	var nextParam, prevParam string
	switch len(params) {
	case 0:
	case 1:
		nextParam = params[0]
		if nextParam == "page" {
			prevParam = "page"
		}
	default:
		nextParam, prevParam = params[0], params[1]
	}
	if next != nil && nextParam != "" {
		links.Next = with(nextParam, next)
	}
	if prev != nil && prevParam != "" {
		links.Prev = with(prevParam, prev)
	}
	return links
}
