# Embedding analytics in a customer portal: the portal logs its users in to Qlik Cloud with signed JWTs and
# shows app sheets in iframes, or gets OAuth impersonation tokens for them and uses qlik-embed. The provider
# settings come from the QLIK_* environment variables.
terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

provider "qlik" {}

variable "tenant_hostname" {
  description = "Hostname of the tenant in tenant_url, where the objects below are created."
  type        = string
  default     = "acme.eu.qlikcloud.com"
}

variable "portal_origin" {
  description = "Origin of the customer portal that embeds Qlik."
  type        = string
  default     = "https://portal.example.com"
}

variable "sheets" {
  description = "Sheets of the sales app shown in the portal's menu, by menu entry."
  type        = map(string)
  default = {
    overview = "JpXmPa"
    details  = "aBcDeF"
  }
}

locals {
  sales_app_id = "f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f"
}

# 1. Qlik trusts tokens that the portal signs with the private key matching this public key.
resource "qlik_identity_provider_jwt" "portal" {
  issuer         = var.portal_origin
  key_id         = "portal-2026"
  public_key_pem = file("${path.module}/jwt_public_key.pem")
  description    = "Customer portal single sign-on"
}

# 2. The portal's origin may call Qlik from the browser with this web integration id.
resource "qlik_web_integration" "portal" {
  name          = "Customer portal"
  valid_origins = [var.portal_origin]
}

# 3. The portal may frame Qlik pages.
resource "qlik_csp_origin" "portal" {
  name       = "Customer portal"
  origin     = trimprefix(var.portal_origin, "https://")
  directives = ["frame-ancestors"]
}

# 4. For qlik-embed with OAuth user impersonation instead of a JWT session: the portal's back end gets tokens for
#    its signed-in users (who must exist in the tenant) with this client. Qlik shows the secret once; it is kept
#    in the (encrypted) state as a sensitive value and rotated by changing client_secret_version.
resource "qlik_oauth_client" "portal" {
  app_type            = "web"
  name                = "Customer portal"
  description         = "qlik-embed user impersonation"
  allowed_grant_types = ["urn:qlik:oauth:user-impersonation"]
  allowed_scopes      = ["user_default"]
  consent_method      = "trusted"
}

output "portal_client_secret" {
  value     = qlik_oauth_client.portal.client_secret
  sensitive = true
}

# 5. What the portal's configuration needs.
output "portal_settings" {
  value = {
    tenant             = var.tenant_hostname
    web_integration_id = qlik_web_integration.portal.id
    jwt_issuer         = qlik_identity_provider_jwt.portal.issuer
    jwt_key_id         = qlik_identity_provider_jwt.portal.key_id
    oauth_client_id    = qlik_oauth_client.portal.client_id
    sheet_urls = {
      for entry, sheet_id in var.sheets : entry => provider::qlik::embed_url(var.tenant_hostname, local.sales_app_id, {
        sheet          = sheet_id
        selections_bar = true
      })
    }
  }
}
