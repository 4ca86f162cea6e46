# One custom group, in the home tenant when tenant_hostname is null.

resource "qlik_custom_group" "g" {
  tenant_hostname = var.tenant_hostname
  name            = var.name
  description     = var.description
  roles           = var.roles
}
