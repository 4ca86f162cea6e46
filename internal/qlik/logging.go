package qlik

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Logger receives the client's log lines. The provider adapts tflog to it,
// which keeps this package free of terraform-plugin-log. Messages and fields
// are masked before they reach the Logger.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// maxLoggedBody bounds request and response bodies in Trace logs.
const maxLoggedBody = 4 << 10

const masked = "***"

// redactor replaces every known secret (API key, client secret, each minted
// access token) in a string with ***. It also knows the JSON- and
// URL-escaped forms, because secrets can appear inside bodies and queries.
type redactor struct {
	mu      sync.RWMutex
	secrets map[string]struct{}
	repl    *strings.Replacer
}

func newRedactor() *redactor {
	return &redactor{secrets: map[string]struct{}{}}
}

func (r *redactor) add(secret string) {
	if secret == "" {
		return
	}
	variants := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if b, err := json.Marshal(secret); err == nil {
		variants = append(variants, strings.Trim(string(b), `"`))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, v := range variants {
		if _, ok := r.secrets[v]; !ok && v != "" {
			r.secrets[v] = struct{}{}
			changed = true
		}
	}
	if !changed {
		return
	}
	all := make([]string, 0, len(r.secrets))
	for s := range r.secrets {
		all = append(all, s)
	}
	// Longest first, so a secret that contains another is masked whole.
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	pairs := make([]string, 0, 2*len(all))
	for _, s := range all {
		pairs = append(pairs, s, masked)
	}
	r.repl = strings.NewReplacer(pairs...)
}

func (r *redactor) mask(s string) string {
	r.mu.RLock()
	repl := r.repl
	r.mu.RUnlock()
	if repl == nil {
		return s
	}
	return repl.Replace(s)
}

// logSink masks everything it passes to the configured Logger. Field values
// are flattened to strings, numbers and booleans so that no structure can
// smuggle an unmasked secret into a log line.
type logSink struct {
	l Logger
	r *redactor
}

func (s logSink) enabled() bool { return s.l != nil }

func (s logSink) debug(ctx context.Context, msg string, fields map[string]any) {
	if s.l != nil {
		s.l.Debug(ctx, s.r.mask(msg), s.clean(fields))
	}
}

func (s logSink) trace(ctx context.Context, msg string, fields map[string]any) {
	if s.l != nil {
		s.l.Trace(ctx, s.r.mask(msg), s.clean(fields))
	}
}

func (s logSink) warn(ctx context.Context, msg string, fields map[string]any) {
	if s.l != nil {
		s.l.Warn(ctx, s.r.mask(msg), s.clean(fields))
	}
}

func (s logSink) clean(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch v := v.(type) {
		case nil:
		case string:
			out[k] = s.r.mask(v)
		case bool, int, int64, float64:
			out[k] = v
		case map[string]string:
			m := make(map[string]string, len(v))
			for hk, hv := range v {
				m[hk] = s.r.mask(hv)
			}
			out[k] = m
		case error:
			out[k] = s.r.mask(v.Error())
		default:
			out[k] = s.r.mask(fmt.Sprint(v))
		}
	}
	return out
}

// maskHeaders flattens headers for Trace logs. Credentials are replaced
// regardless of whether the redactor knows them (a cookie, another bearer).
func maskHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vals := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Proxy-Authorization":
			v := strings.Join(vals, ", ")
			if scheme, _, ok := strings.Cut(v, " "); ok {
				out[k] = scheme + " " + masked
			} else {
				out[k] = masked
			}
		case "Cookie", "Set-Cookie", "Qlik-Csrf-Token":
			out[k] = masked
		default:
			out[k] = strings.Join(vals, ", ")
		}
	}
	return out
}

// sensitiveQueryKeys are query parameters whose values are masked in logged
// URLs even when the redactor does not know them.
var sensitiveQueryKeys = []string{"token", "secret", "password", "key", "code", "assertion"}

// logURL renders u for logs with sensitive query values masked.
func logURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			lk := strings.ToLower(k)
			for _, s := range sensitiveQueryKeys {
				if strings.Contains(lk, s) {
					q[k] = []string{masked}
					break
				}
			}
		}
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// sensitiveBodyKeys are JSON keys whose values are never logged, whatever they hold: a second line of
// defence for a secret the redactor was not told about. Compared in lower case.
var sensitiveBodyKeys = map[string]bool{
	"password": true, "qpassword": true, "qconnectionsecret": true, "secret": true,
	"client_secret": true, "clientsecret": true, "licensekey": true,
	"access_token": true, "refresh_token": true, "encryptedheaders": true, "executiontoken": true,
}

// maskSensitiveJSON replaces the values of sensitive keys in a JSON body, including the value of a JSON-Patch
// operation whose path names a sensitive field ({"op":"replace","path":"/qPassword","value":...}). It reports
// false for a body that is not JSON.
func maskSensitiveJSON(raw []byte) ([]byte, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil, false
	}
	out, err := json.Marshal(maskSensitiveValue(v))
	if err != nil {
		return nil, false
	}
	return out, true
}

func maskSensitiveValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if sensitiveBodyKeys[strings.ToLower(k)] {
				t[k] = masked
				continue
			}
			t[k] = maskSensitiveValue(x)
		}
		for _, pk := range []string{"path", "Path"} {
			if p, ok := t[pk].(string); ok && sensitiveBodyKeys[strings.ToLower(p[strings.LastIndex(p, "/")+1:])] {
				for _, vk := range []string{"value", "Value"} {
					if _, has := t[vk]; has {
						t[vk] = masked
					}
				}
			}
		}
	case []any:
		for i := range t {
			t[i] = maskSensitiveValue(t[i])
		}
	}
	return v
}

// bodyForLog masks a body and shortens it to maxLoggedBody on a rune
// boundary. Masking comes first so truncation cannot leave half a secret.
func (r *redactor) bodyForLog(raw []byte) string {
	if m, ok := maskSensitiveJSON(raw); ok {
		raw = m
	}
	b := []byte(r.mask(string(raw)))
	if len(b) <= maxLoggedBody {
		return strings.ToValidUTF8(string(b), "?")
	}
	cut := maxLoggedBody
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strings.ToValidUTF8(string(b[:cut]), "?") + fmt.Sprintf("… (%d bytes total)", len(b))
}
