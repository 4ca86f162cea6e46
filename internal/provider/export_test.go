package provider

import "github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"

// StagingName exposes the marker name of an unfinished app copy to the acceptance tests, which plant one to
// check that an interrupted copy is adopted rather than duplicated.
var StagingName = qlik.AppCopyMarker
