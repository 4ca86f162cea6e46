// Command terraform-provider-qlik serves the Qlik Cloud provider over the Terraform plugin protocol.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/qlik-terraform/qlik",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
