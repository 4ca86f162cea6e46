package qliksim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// JWT login is how an embedding vendor's users reach Qlik: the vendor signs a JWT with the private key whose public
// half sits in a jwtAuth identity provider, and POST /login/jwt-session exchanges it for session cookies (qlik.dev,
// "Implement JWT authorization", https://qlik.dev/authenticate/jwt/implement-jwt-authorization). The simulator verifies
// the token as Qlik documents it, signs the user in through the same directory function the users API uses (so the
// groups claim lands in real groups with their roles), and then accepts the session cookie on the tenant's API, with
// the CSRF header on writes.

const (
	jwtLoginRoute  = "/login/jwt-session"
	jwtAudience    = "qlik.api/login/jwt-session"
	jwtMaxLifetime = time.Hour
	// SessionCookie is the name of the session cookie a JWT login sets.
	SessionCookie = "eas.sid"
	// CSRFCookie carries the token that modifying calls made with the session cookie send back in the
	// qlik-csrf-token header.
	CSRFCookie  = "_csrfToken"
	csrfHeader  = "qlik-csrf-token"
	sessionLife = 8 * time.Hour
)

// loginErrors: Qlik documents only the status (401) for a refused JWT; the body follows the gateway shape.
var loginErrors = gatewayErrors

type session struct {
	userID  string
	csrf    string
	expires time.Time
}

// sessionStore holds the sessions and the JWT ids already used on one tenant.
type sessionStore struct {
	mu       sync.Mutex
	sessions map[string]session
	seenJTI  map[string]time.Time
}

func newSessionStore() *sessionStore {
	return &sessionStore{sessions: map[string]session{}, seenJTI: map[string]time.Time{}}
}

// useJTI records a token id and reports whether it was new; ids are forgotten once their token has expired.
func (ss *sessionStore) useJTI(jti string, exp, now time.Time) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for id, until := range ss.seenJTI {
		if now.After(until) {
			delete(ss.seenJTI, id)
		}
	}
	if _, seen := ss.seenJTI[jti]; seen {
		return false
	}
	ss.seenJTI[jti] = exp
	return true
}

func (ss *sessionStore) open(userID string, now time.Time) (sid, csrf string) {
	sid, csrf = randomToken(32), randomToken(24)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sessions[sid] = session{userID: userID, csrf: csrf, expires: now.Add(sessionLife)}
	return sid, csrf
}

func (ss *sessionStore) lookup(sid string, now time.Time) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.sessions[sid]
	if !ok || now.After(s.expires) {
		delete(ss.sessions, sid)
		return session{}, false
	}
	return s, true
}

func (s *Server) registerLoginRoutes(h *host) {
	h.mux.HandleFunc("POST "+jwtLoginRoute, func(w http.ResponseWriter, r *http.Request) { s.handleJWTLogin(h, w, r) })
	h.mux.HandleFunc("OPTIONS "+jwtLoginRoute, func(w http.ResponseWriter, r *http.Request) { s.handleLoginPreflight(h, w, r) })
	h.mux.HandleFunc("GET "+singleRoute, func(w http.ResponseWriter, r *http.Request) { s.handleSingle(h, w, r) })
	// users.json answers GET /users/me with 301 to the caller's own record (users.json GET
	// /api/v1/users/me); it is how a
	// session learns who it is.
	h.mux.HandleFunc("GET /api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
		who := callerFrom(r.Context())
		if who.userID == "" {
			writeError(w, http.StatusNotFound, usersErrors, apiError{code: "USERS-7", title: "Not found", detail: "The caller is not a user of this tenant."})
			return
		}
		http.Redirect(w, r, "/api/v1/users/"+who.userID, http.StatusMovedPermanently)
	})
}

// isPublicRoute names the routes a caller reaches without a bearer token or session.
func isPublicRoute(route string) bool {
	return isOAuthRoute(route) || route == jwtLoginRoute || route == singleRoute
}

func (s *Server) handleJWTLogin(h *host, w http.ResponseWriter, r *http.Request) {
	t := h.tenant
	now := time.Now()
	// A browser's login must come from a valid origin of the web integration it names; the answer lets that
	// origin read it and keep the cookies.
	origin, err := t.crossOrigin(r, now, false)
	if err != nil {
		refuseOrigin(w, err)
		return
	}
	allowOrigin(w, origin)
	claims, err := verifyLoginJWT(t, bearer(r), now)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qliksim", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, loginErrors, apiError{
			code: "HTTP-401", title: "JWT login refused", detail: err.Error(),
		})
		return
	}
	u, err := s.signIn(t, claims.Subject, claims.Name, claims.Email, claims.Groups)
	if errors.Is(err, errUserDisabled) {
		writeError(w, http.StatusForbidden, loginErrors, apiError{code: "HTTP-403", title: "JWT login refused", detail: "The user " + claims.Subject + " is disabled in this tenant."})
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, loginErrors, apiError{code: "HTTP-400", title: "JWT login refused", detail: err.Error()})
		return
	}
	sid, csrf := t.sessions.open(u.ID, now)
	// SameSite=None lets the cookies travel with requests from a page of the portal's site, the frame included;
	// browsers take SameSite=None only with Secure, which they also accept from http://localhost and loopback
	// addresses, the simulator's hosts.
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteNoneMode, Secure: true})
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: csrf, Path: "/", SameSite: http.SameSiteNoneMode, Secure: true})
	w.WriteHeader(http.StatusOK)
}

// sessionCaller resolves a session cookie on a tenant host. Writes made with a session must echo the CSRF
// token in the qlik-csrf-token header, as Qlik's cookie clients do.
func (s *Server) sessionCaller(h *host, r *http.Request) *caller {
	if h.tenant == nil {
		return nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil
	}
	sess, ok := h.tenant.sessions.lookup(c.Value, time.Now())
	if !ok {
		return nil
	}
	who := &caller{userID: sess.userID, session: true}
	who.csrfOK = subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(sess.csrf)) == 1
	return who
}

// loginClaims are the claims Qlik requires in a login JWT, plus the optional groups.
type loginClaims struct {
	Issuer        string          `json:"iss"`
	Subject       string          `json:"sub"`
	SubjectType   string          `json:"subType"`
	Name          string          `json:"name"`
	Email         string          `json:"email"`
	EmailVerified *bool           `json:"email_verified"`
	Audience      json.RawMessage `json:"aud"`
	JTI           string          `json:"jti"`
	IssuedAt      *float64        `json:"iat"`
	NotBefore     *float64        `json:"nbf"`
	Expires       *float64        `json:"exp"`
	Groups        []string        `json:"groups"`
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// verifyLoginJWT checks a login token: signature with the key of the matching jwtAuth identity provider,
// audience, the required claims, the validity window (with the identity provider's clock tolerance, at most
// an hour long) and that its jti was not used before.
func verifyLoginJWT(t *tenantState, token string, now time.Time) (*loginClaims, error) {
	if token == "" {
		return nil, errors.New("send the JWT as Authorization: Bearer <token>")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("the token is not a compact JWS (header.payload.signature)")
	}
	var hdr jwtHeader
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var claims loginClaims
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if hdr.Kid == "" || claims.Issuer == "" {
		return nil, errors.New("the header needs kid and the payload iss, to find the identity provider")
	}
	key, err := t.jwtVerificationKey(claims.Issuer, hdr.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("the signature is not base64url")
	}
	if err := verifyJWS(hdr.Alg, key.PublicKey, parts[0]+"."+parts[1], sig); err != nil {
		return nil, err
	}

	var missing []string
	for name, present := range map[string]bool{
		"sub": claims.Subject != "", "subType": claims.SubjectType != "", "name": claims.Name != "",
		"email": claims.Email != "", "email_verified": claims.EmailVerified != nil, "jti": claims.JTI != "",
		"iat": claims.IssuedAt != nil, "nbf": claims.NotBefore != nil, "exp": claims.Expires != nil,
	} {
		if !present {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("required claims missing: %s", strings.Join(missing, ", "))
	}
	if claims.SubjectType != "user" {
		return nil, fmt.Errorf("subType must be \"user\", not %q", claims.SubjectType)
	}
	if !audienceContains(claims.Audience, jwtAudience) {
		return nil, fmt.Errorf("aud must be %q", jwtAudience)
	}
	nbf, exp := unixTime(*claims.NotBefore), unixTime(*claims.Expires)
	tol := key.ClockTolerance
	switch {
	case exp.Sub(nbf) > jwtMaxLifetime:
		return nil, errors.New("the token is valid for more than an hour (exp - nbf)")
	case now.Add(tol).Before(nbf):
		return nil, errors.New("the token is not valid yet (nbf)")
	case !now.Add(-tol).Before(exp):
		return nil, errors.New("the token has expired (exp)")
	}
	if !t.sessions.useJTI(claims.JTI, exp.Add(tol), now) {
		return nil, errors.New("the token was already used (jti)")
	}
	return &claims, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("not base64url")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return nil
}

func unixTime(sec float64) time.Time {
	return time.Unix(0, int64(sec*float64(time.Second)))
}

// audienceContains accepts aud as a string or an array of strings (RFC 7519 §4.1.3).
func audienceContains(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	return json.Unmarshal(raw, &many) == nil && slices.Contains(many, want)
}

// verifyJWS checks a signature made with one of the asymmetric JWS algorithms; Qlik refuses HMAC and "none".
func verifyJWS(alg string, key crypto.PublicKey, signingInput string, sig []byte) error {
	hashes := map[string]crypto.Hash{
		"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
		"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512,
	}
	hash, ok := hashes[alg]
	if !ok {
		return fmt.Errorf("alg %q is not accepted: sign with RS256/384/512 or ES256/384/512", alg)
	}
	h := hash.New()
	h.Write([]byte(signingInput))
	digest := h.Sum(nil)
	switch k := key.(type) {
	case *rsa.PublicKey:
		if !strings.HasPrefix(alg, "RS") {
			return fmt.Errorf("alg %q does not match the identity provider's RSA key", alg)
		}
		if rsa.VerifyPKCS1v15(k, hash, digest, sig) != nil {
			return errors.New("the signature does not verify with the identity provider's key")
		}
	case *ecdsa.PublicKey:
		if !strings.HasPrefix(alg, "ES") {
			return fmt.Errorf("alg %q does not match the identity provider's EC key", alg)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return errors.New("the signature does not verify with the identity provider's key")
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			return errors.New("the signature does not verify with the identity provider's key")
		}
	default:
		return fmt.Errorf("the identity provider's key type %T cannot verify a JWS", key)
	}
	return nil
}

// SignJWT signs claims as a compact JWS with alg (RS256/384/512 with an RSA key, ES256/384/512 with an EC
// key) and kid in the header: what an embedding vendor's backend does before calling /login/jwt-session.
// It lets tests, and users' own CI against the simulator, log in as a user of their identity provider.
func SignJWT(alg string, key crypto.Signer, kid string, claims map[string]any) (string, error) {
	hashes := map[string]crypto.Hash{
		"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
		"ES256": crypto.SHA256, "ES384": crypto.SHA384, "ES512": crypto.SHA512,
	}
	hash, ok := hashes[alg]
	if !ok {
		return "", fmt.Errorf("qliksim: unsupported alg %q", alg)
	}
	hdr, err := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("qliksim: claims: %w", err)
	}
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	h := hash.New()
	h.Write([]byte(input))
	digest := h.Sum(nil)

	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if !strings.HasPrefix(alg, "RS") {
			return "", fmt.Errorf("qliksim: alg %q needs an EC key", alg)
		}
		if sig, err = rsa.SignPKCS1v15(nil, k, hash, digest); err != nil {
			return "", fmt.Errorf("qliksim: sign: %w", err)
		}
	case *ecdsa.PrivateKey:
		if !strings.HasPrefix(alg, "ES") {
			return "", fmt.Errorf("qliksim: alg %q needs an RSA key", alg)
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			return "", fmt.Errorf("qliksim: sign: %w", err)
		}
		// JWS encodes an ECDSA signature as r and s, each left-padded to the curve size (RFC 7518 §3.4).
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	default:
		return "", fmt.Errorf("qliksim: unsupported key type %T", key)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// LoginClaims returns the claims Qlik requires for a JWT login of subject with the given groups, valid from
// now for ten minutes, with a fresh jti; callers may change any of them before signing.
func LoginClaims(issuer, subject, name, email string, groups ...string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": issuer, "aud": jwtAudience, "sub": subject, "subType": "user",
		"name": name, "email": email, "email_verified": true,
		"jti": randomToken(16), "iat": now.Unix(), "nbf": now.Add(-time.Second).Unix(),
		"exp": now.Add(10 * time.Minute).Unix(), "groups": groups,
	}
}
