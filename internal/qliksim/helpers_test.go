package qliksim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testClient talks to a simulator over real HTTP. Each test gets its own transport so that its connections are
// closed with it and never leak into another test's goroutine count.
type testClient struct {
	t  testing.TB
	hc *http.Client
}

func newTestClient(t testing.TB) *testClient {
	t.Helper()
	tr := &http.Transport{
		// Keep-alives off: an injected reset must reach the test as an error, and Go's transport silently retries
		// an idempotent request that failed on a reused connection.
		DisableKeepAlives: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &testClient{t: t, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r *response) String() string { return string(r.body) }

// errorCodes returns errors[].code of an error body.
func (r *response) errorCodes(t testing.TB) []string {
	t.Helper()
	var body struct {
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	r.decode(t, &body)
	codes := make([]string, 0, len(body.Errors))
	for _, e := range body.Errors {
		codes = append(codes, e.Code)
	}
	return codes
}

// errorStatuses returns errors[].status of an error body as sent (a JSON number decodes as a float64), and the
// body's traceId.
func (r *response) errorStatuses(t testing.TB) (statuses []any, traceID string) {
	t.Helper()
	var body struct {
		Errors []struct {
			Status any `json:"status"`
		} `json:"errors"`
		TraceID string `json:"traceId"`
	}
	r.decode(t, &body)
	for _, e := range body.Errors {
		statuses = append(statuses, e.Status)
	}
	return statuses, body.TraceID
}

// send performs a request and returns the response or the transport error. body may be nil, a string (sent as
// JSON), url.Values (sent as a form) or any value (marshalled to JSON).
func (c *testClient) send(method, rawURL, token string, body any) (*response, error) {
	c.t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, contentType = strings.NewReader(b), "application/json"
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("marshal body: %v", err)
		}
		rd, contentType = bytes.NewReader(buf), "application/json"
	}
	return roundTrip(c.hc, newRequest(c.t.Context(), c.t, method, rawURL, token, contentType, rd, nil))
}

// newRequest builds a request with its body of contentType, the bearer token (each left out when empty) and the
// further headers in header; a request that cannot be built fails the test.
func newRequest(ctx context.Context, t testing.TB, method, rawURL, token, contentType string, body io.Reader, header http.Header) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// roundTrip sends req through hc and reads the whole answer; an error is the transport's.
func roundTrip(hc *http.Client, req *http.Request) (*response, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// do is send for requests that must get an answer.
func (c *testClient) do(method, rawURL, token string, body any) *response {
	c.t.Helper()
	r, err := c.send(method, rawURL, token, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	return r
}

// expect is do plus a status check.
func (c *testClient) expect(status int, method, rawURL, token string, body any) *response {
	c.t.Helper()
	r := c.do(method, rawURL, token, body)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, rawURL, r.status, status, r.body)
	}
	return r
}

// mintToken gets an access token from baseURL's /oauth/token with the simulator's client credentials.
func (c *testClient) mintToken(s *Server, baseURL string) string {
	c.t.Helper()
	creds := s.Credentials()
	r := c.expect(http.StatusOK, http.MethodPost, baseURL+"/oauth/token", "", map[string]string{
		"client_id": creds.ClientID, "client_secret": creds.ClientSecret, "grant_type": "client_credentials",
	})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.decode(c.t, &tok)
	if tok.AccessToken == "" {
		c.t.Fatalf("token response without access_token: %s", r.body)
	}
	return tok.AccessToken
}

// createSpace creates a space on baseURL and returns it.
func (c *testClient) createSpace(baseURL, token, name, typ string) Space {
	c.t.Helper()
	r := c.expect(http.StatusCreated, http.MethodPost, baseURL+"/api/v1/spaces", token, map[string]string{"name": name, "type": typ})
	var sp Space
	r.decode(c.t, &sp)
	return sp
}

// addTenant adds a tenant named name (a generated name when empty) to sim, failing the test if it cannot.
func addTenant(t testing.TB, sim *Server, name string) *Tenant {
	t.Helper()
	tn, err := sim.AddTenant(name)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// startHome starts a simulator with the default options and returns it with its home tenant, a test client and
// the home tenant's API key.
func startHome(t *testing.T) (*Server, *Tenant, *testClient, string) {
	t.Helper()
	sim := StartT(t, Options{})
	return sim, sim.Home(), newTestClient(t), sim.Credentials().APIKey
}

// countedCalls sends a contract test's JSON calls through cc, the validating transport, with its token (or, by
// callWith, the one given), and counts them in sent, which the test compares at the end with the exchanges the
// contract checked.
type countedCalls struct {
	t     *testing.T
	cc    *contractClient
	token string
	sent  int
}

// startContract starts a simulator with opts whose home tenant's API answers are validated against the specs in
// files; calls sends them with the API key.
func startContract(t *testing.T, opts Options, files ...string) (*Server, *Tenant, *contract, *countedCalls) {
	t.Helper()
	sim := StartT(t, opts)
	home := sim.Home()
	c := loadContract(t, []string{home.URL}, files...)
	return sim, home, c, newCountedCalls(t, c, sim.Credentials().APIKey)
}

// newCountedCalls sends calls with token through the validating transport of c.
func newCountedCalls(t *testing.T, c *contract, token string) *countedCalls {
	return &countedCalls{t: t, cc: &contractClient{t: t, hc: &http.Client{Transport: c}}, token: token}
}

// allValidated fails the test unless c validated every call sent.
func (k *countedCalls) allValidated(c *contract) {
	k.t.Helper()
	if c.checked != k.sent {
		k.t.Errorf("validated %d exchanges, sent %d", c.checked, k.sent)
	}
}

// get sends a GET and expects 200.
func (k *countedCalls) get(rawURL string) *response {
	k.t.Helper()
	return k.call(http.MethodGet, rawURL, http.StatusOK, nil)
}

// call sends a valid request and expects status.
func (k *countedCalls) call(method, rawURL string, status int, body any) *response {
	k.t.Helper()
	return k.callWith(method, rawURL, k.token, status, body)
}

// callInvalid sends a request the contract must find invalid and expects status.
func (k *countedCalls) callInvalid(method, rawURL string, status int, body any) {
	k.t.Helper()
	k.callInvalidWith(method, rawURL, k.token, status, body)
}

// callWith sends a valid request with token (none when empty) and expects status.
func (k *countedCalls) callWith(method, rawURL, token string, status int, body any) *response {
	k.t.Helper()
	k.sent++
	return k.cc.json(method, rawURL, token, status, body)
}

// callInvalidWith sends a request the contract must find invalid with token and expects status.
func (k *countedCalls) callInvalidWith(method, rawURL, token string, status int, body any) *response {
	k.t.Helper()
	k.sent++
	return k.cc.jsonCtx(invalidRequest(k.t.Context()), method, rawURL, token, status, body)
}

// form sends parts as a multipart body with the calls' token (ctx: invalidRequest's for a body the contract must
// find invalid) and expects status.
func (k *countedCalls) form(ctx context.Context, method, rawURL string, status int, parts ...formPart) *response {
	k.t.Helper()
	k.sent++
	ct, body := multipartBody(k.t, parts...)
	r := k.cc.do(ctx, method, rawURL, k.token, ct, body)
	if r.status != status {
		k.t.Fatalf("%s %s: status %d, want %d: %s", method, rawURL, r.status, status, r.body)
	}
	return r
}

// walkPages fetches the pages of a list with get, from first through its next links, and hands each page (and the
// raw answer, for what else a test reads in it) to see, which may be nil. It returns how many objects the pages
// held and the prev link of the last page.
func walkPages[T any](t *testing.T, get func(rawURL string) *response, first string, see func(pg listPage[T], r *response)) (walked int, lastPrev string) {
	t.Helper()
	for next := first; next != ""; {
		r := get(next)
		var pg listPage[T]
		r.decode(t, &pg)
		walked += len(pg.Data)
		if see != nil {
			see(pg, r)
		}
		next, lastPrev = "", ""
		if pg.Links.Next != nil {
			next = pg.Links.Next.Href
		}
		if pg.Links.Prev != nil {
			lastPrev = pg.Links.Prev.Href
		}
	}
	return walked, lastPrev
}
