# var.portals portals, each with its JWT identity provider, web integration and CSP origin, in the tenant
# var.tenant_hostname (null: the home tenant).

resource "qlik_identity_provider_jwt" "portal" {
  count           = var.portals
  tenant_hostname = var.tenant_hostname
  issuer          = "https://portal-${count.index}.example.com"
  key_id          = "key-${count.index}"
  public_key_pem  = var.public_key_pem
}

resource "qlik_web_integration" "portal" {
  count           = var.portals
  tenant_hostname = var.tenant_hostname
  name            = "Portal ${count.index}"
  valid_origins   = ["https://portal-${count.index}.example.com"]
}

resource "qlik_csp_origin" "portal" {
  count           = var.portals
  tenant_hostname = var.tenant_hostname
  origin          = "portal-${count.index}.example.com"
  directives      = ["frame-ancestors"]
}
