package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

const jwtUsage = `Usage: qliksim jwt -key FILE -kid KID -iss ISSUER -sub SUBJECT [-groups a,b] [flags]
       qliksim jwt -new-key FILE

Signs a login JWT for POST /login/jwt-session, as an embedding portal's backend does, and prints it on stdout.
The claims are the ones Qlik requires (iss, aud, sub, subType, name, email, email_verified, jti, iat, nbf,
exp) plus groups; -claims adds or replaces claims from a JSON object. The algorithm follows the key: RS256 for
RSA, ES256/384/512 for EC keys. The token works against Qlik Cloud as well as against qliksim.

With -new-key it writes a new RSA 2048 private key (PKCS#8 PEM, mode 0600) to FILE and prints its public key
(the public_key_pem of a qlik_identity_provider_jwt) on stdout.

Flags:
`

func runJWT(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qliksim jwt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), jwtUsage)
		fs.PrintDefaults()
	}
	newKey := fs.String("new-key", "", "write a new private key to this file and print its public key")
	keyFile := fs.String("key", "", "PEM private key that signs the token")
	kid := fs.String("kid", "", "key id of the identity provider's key (JWT header kid)")
	iss := fs.String("iss", "", "issuer of the identity provider")
	sub := fs.String("sub", "", "subject: the user's id at the portal")
	name := fs.String("name", "", "the user's name (default: the subject)")
	email := fs.String("email", "", "the user's email (default: <subject>@example.com)")
	groups := fs.String("groups", "", "comma-separated groups claim")
	ttl := fs.Duration("ttl", 5*time.Minute, "validity of the token (Qlik accepts at most an hour)")
	extra := fs.String("claims", "", "JSON object of claims to add or replace")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *newKey != "" {
		private, public, err := qliksim.NewSigningKey()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*newKey, private, 0o600); err != nil {
			return err
		}
		_, err = stdout.Write(public)
		return err
	}
	var missing []string
	for flagName, v := range map[string]string{"-key": *keyFile, "-kid": *kid, "-iss": *iss, "-sub": *sub} {
		if v == "" {
			missing = append(missing, flagName)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "qliksim jwt: missing %s\n", strings.Join(slices.Sorted(slices.Values(missing)), ", "))
		fs.Usage()
		return errUsage
	}
	if *ttl <= 0 || *ttl > time.Hour {
		return fmt.Errorf("-ttl %s: a login token is valid for more than nothing and at most an hour", *ttl)
	}
	keyPEM, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	key, alg, err := qliksim.ParseSigningKey(keyPEM)
	if err != nil {
		return fmt.Errorf("%s: %w", *keyFile, err)
	}
	if *name == "" {
		*name = *sub
	}
	if *email == "" {
		*email = *sub + "@example.com"
	}
	var groupList []string
	for g := range strings.SplitSeq(*groups, ",") {
		if g = strings.TrimSpace(g); g != "" {
			groupList = append(groupList, g)
		}
	}
	claims := qliksim.LoginClaims(*iss, *sub, *name, *email, groupList...)
	now := time.Now()
	claims["exp"] = now.Add(*ttl).Unix()
	if *extra != "" {
		var more map[string]any
		if err := json.Unmarshal([]byte(*extra), &more); err != nil {
			return fmt.Errorf("-claims: %w", err)
		}
		for k, v := range more {
			claims[k] = v
		}
	}
	token, err := qliksim.SignJWT(alg, key, *kid, claims)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
