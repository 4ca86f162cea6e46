package qlik

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxPages stops a list that never ends (a server bug or a cursor loop).
const maxPages = 10000

// linkHref decodes a pagination link given as {"href": "..."}, as a bare
// string, or as null.
type linkHref string

func (l *linkHref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = linkHref(s)
		return nil
	}
	var obj struct {
		Href *string `json:"href"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	if obj.Href != nil {
		*l = linkHref(*obj.Href)
	} else {
		*l = ""
	}
	return nil
}

type pageLinks struct {
	Next linkHref `json:"next"`
}

// listPage is the common list envelope: {"data": [...], "links": {...}}.
type listPage[T any] struct {
	Data  []T        `json:"data"`
	Links *pageLinks `json:"links"`
}

// getPage reads one page of the list at path.
func getPage[T any](ctx context.Context, c *Client, path string, q url.Values) (*listPage[T], error) {
	return doJSON[listPage[T]](ctx, c, &request{method: http.MethodGet, path: path, query: q})
}

// endsList reports whether p, asked for with page size limit, is the last page: a short or empty page, or one
// whose links say there is no next.
func (p *listPage[T]) endsList(limit int) bool {
	return len(p.Data) < limit || (p.Links != nil && p.Links.Next == "")
}

// sizedQuery asks for pages of limit objects.
func sizedQuery(limit int) url.Values { return url.Values{"limit": {strconv.Itoa(limit)}} }

// pageQuery is query with the page size limit, for the lists that page by id or by number; what names the
// lister in the error for a limit that is not positive.
func pageQuery(what string, query url.Values, limit int) (url.Values, error) {
	if limit <= 0 {
		return nil, errors.New("qlik: " + what + " needs a positive page size")
	}
	q := cloneValues(query)
	q.Set("limit", strconv.Itoa(limit))
	return q, nil
}

// listAllByNextLink fetches every page by following links.next.href exactly
// as the API returns it (Qlik's cursors cannot be computed client-side). A
// link to another host or scheme is refused: it would carry our token there.
func listAllByNextLink[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
	next, q := path, query
	seen := map[string]bool{}
	for range maxPages {
		p, err := getPage[T](ctx, c, next, q)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Data...)
		if p.Links == nil || p.Links.Next == "" {
			return all, nil
		}
		href := string(p.Links.Next)
		if err := c.checkPageLink(href); err != nil {
			return nil, err
		}
		if seen[href] {
			return nil, fmt.Errorf("qlik: GET %s: pagination loop: the API returned the next link %q twice", path, href)
		}
		seen[href] = true
		next, q = href, nil
	}
	return nil, fmt.Errorf("qlik: GET %s: more than %d pages", path, maxPages)
}

// checkPageLink accepts a relative link or an absolute one on the view's
// own scheme and host.
func (c *Client) checkPageLink(href string) error {
	u, err := url.Parse(href)
	if err != nil {
		return fmt.Errorf("qlik: invalid pagination link %q: %w", href, err)
	}
	if u.IsAbs() || u.Host != "" {
		if !sameEndpoint(u, &url.URL{Scheme: c.ep.scheme, Host: c.ep.host}) {
			return fmt.Errorf("qlik: refusing to follow a pagination link to %s://%s: this client is bound to %s",
				u.Scheme, u.Host, c.ep.baseURL())
		}
		return nil
	}
	if len(u.Path) == 0 || u.Path[0] != '/' {
		return fmt.Errorf("qlik: pagination link %q is neither absolute nor rooted", href)
	}
	return nil
}

// listAllStartingAfter fetches every page of an API that pages by object ID
// (web integrations, API keys): each request asks for the objects after
// the last ID of the previous page.
func listAllStartingAfter[T any](ctx context.Context, c *Client, path string, query url.Values, limit int, idOf func(T) string) ([]T, error) {
	q, err := pageQuery("listAllStartingAfter", query, limit)
	if err != nil {
		return nil, err
	}
	q.Del("startingAfter")
	last := ""
	return listAllSized(ctx, c, path, q, limit, func(p *listPage[T]) error {
		id := idOf(p.Data[len(p.Data)-1])
		if id == "" {
			return fmt.Errorf("qlik: GET %s: cannot page on: the last object of a page has no id", path)
		}
		if id == last {
			return fmt.Errorf("qlik: GET %s: pagination loop: startingAfter=%s returned the same page", path, id)
		}
		last = id
		q.Set("startingAfter", id)
		return nil
	})
}

// listAllByPage fetches every page of an API that pages by number (data
// connections, OAuth tokens), starting at firstPage, until a short or empty
// page or a response without a next link.
func listAllByPage[T any](ctx context.Context, c *Client, path string, query url.Values, limit, firstPage int) ([]T, error) {
	q, err := pageQuery("listAllByPage", query, limit)
	if err != nil {
		return nil, err
	}
	page := firstPage
	q.Set("page", strconv.Itoa(page))
	return listAllSized(ctx, c, path, q, limit, func(*listPage[T]) error {
		page++
		q.Set("page", strconv.Itoa(page))
		return nil
	})
}

// listAllSized fetches the pages of size limit that q asks for until one ends the list (endsList); after each
// other page p, next sets in q what asks for the page after it, or fails.
func listAllSized[T any](ctx context.Context, c *Client, path string, q url.Values, limit int, next func(p *listPage[T]) error) ([]T, error) {
	var all []T
	for range maxPages {
		p, err := getPage[T](ctx, c, path, q)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Data...)
		if p.endsList(limit) {
			return all, nil
		}
		if err := next(p); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("qlik: GET %s: more than %d pages", path, maxPages)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

// filteredPageSize is the page size of the lists that take a filter (Qlik allows 1 to 100).
const filteredPageSize = 100

// listFiltered reads every page of a list that takes an optional filter in Qlik's SCIM-like syntax (groups,
// roles, users, license assignments, OAuth clients, automations).
func listFiltered[T any](ctx context.Context, c *Client, path, filter string) ([]T, error) {
	q := sizedQuery(filteredPageSize)
	if filter != "" {
		q.Set("filter", filter)
	}
	return listAllByNextLink[T](ctx, c, path, q)
}

// findFiltered returns the first object of the list at path, filtered on `key eq "value"`, that is
// accepted by match (the filter narrows the list, match decides), or a *NotFoundError for what, a format with
// the value as its one argument.
func findFiltered[T any](ctx context.Context, c *Client, path, key, value string, match func(*T) bool, what string) (*T, error) {
	all, err := listFiltered[T](ctx, c, path, key+" eq "+quoteFilterValue(value))
	if err != nil {
		return nil, err
	}
	for i := range all {
		if match(&all[i]) {
			return &all[i], nil
		}
	}
	return nil, c.notFound(what, value)
}

// quoteFilterValue quotes a value for a Qlik filter expression.
func quoteFilterValue(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// matching returns the objects of all that keep accepts, in their order.
func matching[T any](all []T, keep func(*T) bool) []T {
	var match []T
	for i := range all {
		if keep(&all[i]) {
			match = append(match, all[i])
		}
	}
	return match
}

// theOne returns the one object of match, or the error none when there is none and the error many for n > 1.
func theOne[T any](match []T, none func() error, many func(n int) error) (*T, error) {
	switch len(match) {
	case 0:
		return nil, none()
	case 1:
		return &match[0], nil
	}
	return nil, many(len(match))
}
