# A brand with optional logo and favicon files, in var.tenant_hostname (null: the home tenant), and, when
# var.other_active is set, a second brand in the same tenant that claims the active brand too.

resource "qlik_brand" "test" {
  tenant_hostname = var.tenant_hostname
  name            = var.name
  description     = var.description
  logo            = var.logo
  favicon         = var.favicon
  active          = var.active
}

resource "qlik_brand" "other" {
  count           = var.other_active == null ? 0 : 1
  tenant_hostname = var.tenant_hostname
  name            = "Other brand"
  active          = var.other_active
}
