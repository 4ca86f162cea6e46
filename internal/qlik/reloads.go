package qlik

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

const reloadsPath = "/api/v1/reloads"

// Reload statuses (reloads.json, schema Status). QUEUED, RELOADING and CANCELING are active; the others are end states.
const (
	ReloadQueued        = "QUEUED"
	ReloadReloading     = "RELOADING"
	ReloadCanceling     = "CANCELING"
	ReloadSucceeded     = "SUCCEEDED"
	ReloadFailed        = "FAILED"
	ReloadCanceled      = "CANCELED"
	ReloadExceededLimit = "EXCEEDED_LIMIT"
)

// cancelTimeout bounds the cancel request sent after the caller's context ended: the caller is going away
// (Ctrl-C) and must not be held up for long.
const cancelTimeout = 3 * time.Second

// maxReloadLog is how much of the end of a reload log ReloadLog keeps.
const maxReloadLog = 1 << 20

// Reload is a reload job (reloads.json Reload).
type Reload struct {
	ID           string `json:"id"`
	AppID        string `json:"appId"`
	UserID       string `json:"userId"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	Partial      bool   `json:"partial"`
	CreationTime string `json:"creationTime"`
	StartTime    string `json:"startTime"`
	EndTime      string `json:"endTime"`
	Log          string `json:"log"`
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// Ended reports whether the reload reached an end state.
func (r *Reload) Ended() bool {
	switch r.Status {
	case ReloadQueued, ReloadReloading, ReloadCanceling:
		return false
	}
	return true
}

// Duration is the time from start to end, or zero when either is unknown.
func (r *Reload) Duration() time.Duration {
	start, err1 := time.Parse(time.RFC3339, r.StartTime)
	end, err2 := time.Parse(time.RFC3339, r.EndTime)
	if err1 != nil || err2 != nil || end.Before(start) {
		return 0
	}
	return end.Sub(start)
}

// ReloadRequest is the body of POST /api/v1/reloads.
type ReloadRequest struct {
	AppID     string            `json:"appId"`
	Partial   bool              `json:"partial"`
	Variables map[string]string `json:"variables,omitempty"`
}

// ReloadPendingError reports that Qlik refused to queue a reload because one is already pending for the app.
type ReloadPendingError struct{ AppID string }

func (e *ReloadPendingError) Error() string {
	return "qlik: a reload of app " + e.AppID + " is already pending"
}

// IsReloadPending reports whether err is POST /api/v1/reloads's 429 meaning "a pending reload request already
// exists for this app". Qlik's rate limiter also answers 429, but always with Retry-After and code HTTP-429; the
// pending-reload answer has neither (reloads.json documents the 429 of POST /api/v1/reloads only as "a pending
// reload request already exists for this app"; https://qlik.dev/apis/rest/rate-limiting describes the rate
// limiter's), so it must not pause the reloads tier.
func IsReloadPending(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode == http.StatusTooManyRequests && apiErr.Method == http.MethodPost &&
		apiErr.Path == reloadsPath && apiErr.RetryAfter == 0 && apiErr.Code != "HTTP-429"
}

// isPendingReloadResponse is IsReloadPending for a raw response inside the transport.
func isPendingReloadResponse(method, path string, status int, header http.Header, body []byte) bool {
	if status != http.StatusTooManyRequests || method != http.MethodPost || path != reloadsPath || header.Get("Retry-After") != "" {
		return false
	}
	var w struct {
		Errors []struct {
			Code flexString `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &w) == nil && len(w.Errors) > 0 && w.Errors[0].Code == "HTTP-429" {
		return false
	}
	return true
}

func reloadPath(id string) string { return itemPath(reloadsPath, id) }

// CreateReload calls POST /api/v1/reloads (201, status QUEUED). When Qlik answers that a reload of the app is
// already pending, CreateReload waits for that reload to end (without cancelling it: it is not ours) and queues
// again. A POST with unknown outcome is resolved by adopting the app's active reload, which is the one that POST
// queued or one that would have refused it anyway.
func (c *Client) CreateReload(ctx context.Context, req ReloadRequest) (*Reload, error) {
	if err := checkID("app", req.AppID); err != nil {
		return nil, err
	}
	for n := 0; ; n++ {
		r, err := createIn(ctx, c, reloadsPath, req, creation[Reload]{
			what: "reload of app " + req.AppID,
			find: func(ctx context.Context) (*Reload, error) { return c.FindActiveReload(ctx, req.AppID) },
			proof: func(r *Reload) provenance {
				return provenance{id: r.ID, created: r.CreationTime, creator: r.UserID, differs: differsIn(same("app", r.AppID, req.AppID))}
			},
		})
		if err == nil {
			return r, nil
		}
		// An active reload that this POST did not queue is someone else's: ours was refused or never ran, so
		// wait for that one as for a pending reload, and queue again.
		if !IsReloadPending(err) && !errors.Is(err, ErrNotCreatedByUs) {
			return nil, err
		}
		pending, ferr := c.FindActiveReload(ctx, req.AppID)
		if ferr != nil && !isNoMatch(ferr) {
			return nil, fmt.Errorf("%w; looking up the pending reload failed: %w", err, ferr)
		}
		if ferr == nil {
			c.core.log.debug(ctx, "qlik: a reload of the app is already pending; waiting for it to end before queuing", map[string]any{
				"app_id": req.AppID, "pending_reload_id": pending.ID, "host": c.ep.host,
			})
			if _, werr := c.waitReload(ctx, pending.ID, false); werr != nil && !IsNotFound(werr) {
				return nil, werr
			}
			continue
		}
		// The pending reload ended between the 429 and the lookup: queue again after a short pause.
		if serr := sleepCtx(ctx, c.pollWait(n)); serr != nil {
			return nil, fmt.Errorf("queuing a reload of app %s: %w", req.AppID, serr)
		}
	}
}

// FindActiveReload returns the app's most recent reload that is QUEUED, RELOADING or CANCELING, or a
// *NotFoundError when there is none.
func (c *Client) FindActiveReload(ctx context.Context, appID string) (*Reload, error) {
	q := url.Values{}
	q.Set("appId", appID)
	q.Set("limit", "1")
	q.Set("sort", "-creationTime")
	q.Set("filter", `(status eq "QUEUED") or (status eq "RELOADING") or (status eq "CANCELING")`)
	var page listPage[Reload]
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: reloadsPath, query: q, out: &page}); err != nil {
		return nil, err
	}
	if len(page.Data) == 0 {
		return nil, c.notFound("active reload of app %s", appID)
	}
	return &page.Data[0], nil
}

// GetReload calls GET /api/v1/reloads/{reloadId}.
func (c *Client) GetReload(ctx context.Context, id string) (*Reload, error) {
	return getObject[Reload](ctx, c, "reload", id, reloadPath)
}

// CancelReload calls POST /api/v1/reloads/{reloadId}/actions/cancel: 202 (being cancelled) or 204 (cancelled).
// A reload that has already ended answers 409, returned as is. Cancelling twice is harmless, so it is retried
// like a PUT.
func (c *Client) CancelReload(ctx context.Context, id string) error {
	if err := checkID("reload", id); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: reloadPath(id) + "/actions/cancel", idempotent: true})
	return err
}

// WaitForReload polls the reload with backoff (Config.PollWaitMin to PollWaitMax, with jitter) until it ends and
// returns it in its end state, whatever that is. When ctx ends first (Ctrl-C, a timeout) it cancels the reload
// through the API with a short context of its own and returns ctx's error together with the last status seen.
func (c *Client) WaitForReload(ctx context.Context, id string) (*Reload, error) {
	return c.waitReload(ctx, id, true)
}

func (c *Client) waitReload(ctx context.Context, id string, cancelOnExit bool) (*Reload, error) {
	if err := checkID("reload", id); err != nil {
		return nil, err
	}
	return pollUntilEnded(ctx, c, "reload", "reload "+id,
		func() (*Reload, error) { return c.GetReload(ctx, id) },
		func(r *Reload) map[string]any { return map[string]any{"reload_id": id, "status": r.Status} },
		func() {
			if cancelOnExit {
				c.cancelDetached(ctx, id)
			}
		})
}

// pollUntilEnded reads long-running work of a kind (a reload, an automation run) with get until it has ended,
// waiting pollWait between reads and logging each wait with the fields of the state read. A read that fails while ctx is
// live ends the poll with its error. When ctx ends first, interrupted stops the work through the API and the
// error says that waiting for what ended with ctx. The last state read is returned either way.
func pollUntilEnded[T interface{ Ended() bool }](ctx context.Context, c *Client, kind, what string, get func() (T, error), fields func(T) map[string]any, interrupted func()) (T, error) {
	var last T
	for n := 0; ; n++ {
		r, err := get()
		if err == nil {
			last = r
			if r.Ended() {
				return r, nil
			}
		} else if ctx.Err() == nil {
			return last, err
		}
		if err == nil {
			wait := c.pollWait(n)
			f := fields(r)
			f["wait_ms"] = wait.Milliseconds()
			c.core.log.debug(ctx, "qlik: waiting for "+kind, f)
			err = sleepCtx(ctx, wait)
		}
		if err != nil {
			interrupted()
			return last, fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// cancelDetached cancels a reload after ctx has ended, bounded by cancelTimeout.
func (c *Client) cancelDetached(ctx context.Context, id string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	err := c.CancelReload(cctx, id)
	fields := map[string]any{"reload_id": id, "host": c.ep.host}
	if err != nil && !IsConflict(err) {
		fields["error"] = err
		c.core.log.warn(ctx, "qlik: the wait for a reload was interrupted and cancelling the reload failed; it may still run", fields)
		return
	}
	c.core.log.debug(ctx, "qlik: the wait for a reload was interrupted; the reload was cancelled", fields)
}

// pollWait is the n-th wait of a polling loop: exponential from PollWaitMin to PollWaitMax, with equal jitter.
func (c *Client) pollWait(n int) time.Duration {
	lo, hi := c.core.cfg.PollWaitMin, c.core.cfg.PollWaitMax
	return max(lo, equalJitterBackoff(lo, hi, n))
}

// ReloadLog calls GET /api/v1/apps/{appId}/reloads/logs/{reloadId} and returns the detailed log of an ended
// reload; of a very long log only the last MiB is kept.
func (c *Client) ReloadLog(ctx context.Context, appID, reloadID string) (string, error) {
	if err := checkID("app", appID); err != nil {
		return "", err
	}
	if err := checkID("reload", reloadID); err != nil {
		return "", err
	}
	res, err := c.do(ctx, &request{method: http.MethodGet, path: itemPath(appPath(appID)+"/reloads/logs", reloadID), raw: true})
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	tail := &tailBuffer{max: maxReloadLog}
	if _, err := io.Copy(tail, res.Body); err != nil {
		return "", fmt.Errorf("qlik: reading the log of reload %s: %w", reloadID, err)
	}
	return string(tail.buf), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}
