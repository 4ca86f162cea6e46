# One custom role, in the home tenant when tenant_hostname is null.

resource "qlik_custom_role" "viewer" {
  tenant_hostname = var.tenant_hostname
  name            = var.name
  description     = var.description
  scopes          = var.scopes
}
