package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/portal"
)

const portalUsage = `Usage: qliksim portal -outputs FILE -key FILE [-listen 127.0.0.1:PORT]

Serves a small vendor portal for the OEM example (examples/oem-multitenant): its configuration table
(terraform output -json, read from FILE on every request, so the portal may start before the apply) as a menu
of customers and sheets, a sign-in as one of the customers' users with a login JWT signed by the portal's
private key (-key, PEM; make one with 'qliksim jwt -new-key'), and the chosen sheet in an iframe.

It listens on a loopback address only and prints its URL, http://localhost:PORT/, on stdout: give that origin
to the example (TF_VAR_portal_origin) so that the tenants' web integrations and CSP origins name it.

Flags:
`

func runPortal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qliksim portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), portalUsage)
		fs.PrintDefaults()
	}
	outputs := fs.String("outputs", "", "file holding `terraform output -json` of the OEM example (required)")
	keyFile := fs.String("key", "", "the portal's PEM private key that signs login JWTs (required)")
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *outputs == "" || *keyFile == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	keyPEM, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	p, err := portal.New(*outputs, keyPEM)
	if err != nil {
		return fmt.Errorf("%s: %w", *keyFile, err)
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %s: the portal listens on a loopback address only", *listen)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	// localhost, not the loopback address the tenants use: the portal is then another site, as a real
	// portal is, and the browser applies its third-party rules to the frame.
	fmt.Fprintf(stdout, "http://localhost:%s/\n", port)
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
