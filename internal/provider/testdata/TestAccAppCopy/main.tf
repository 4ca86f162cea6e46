# Two spaces in the target tenant (var.tenant_hostname, null: the home tenant) and one copy of the source app in
# the space var.space names. Null optional values are omitted arguments.

resource "qlik_space" "a" {
  tenant_hostname = var.tenant_hostname
  name            = "Customer A"
  type            = "shared"
}

resource "qlik_space" "b" {
  tenant_hostname = var.tenant_hostname
  name            = "Customer B"
  type            = "shared"
}

locals {
  spaces = { a = qlik_space.a.id, b = qlik_space.b.id }
}

resource "qlik_app_copy" "test" {
  tenant_hostname        = var.tenant_hostname
  source_tenant_hostname = var.source_tenant_hostname
  source_version         = var.source_version
  source_app_id          = var.source_app_id
  name                   = var.name
  description            = var.description
  space_id               = local.spaces[var.space]
}
