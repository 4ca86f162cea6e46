# Two spaces in the home tenant and one app imported from the file var.file into the space var.space names.

resource "qlik_space" "a" {
  name = "Imports A"
  type = "shared"
}

resource "qlik_space" "b" {
  name = "Imports B"
  type = "shared"
}

locals {
  spaces = { a = qlik_space.a.id, b = qlik_space.b.id, missing = "no-such-space" }
}

resource "qlik_app_import" "test" {
  source      = var.file
  name        = var.name
  description = var.description
  space_id    = local.spaces[var.space]
}
