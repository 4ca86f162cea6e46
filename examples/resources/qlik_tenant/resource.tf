# A customer tenant, created on the register host of the provider block (registration_url) with a region-level
# OAuth client. The license key is write-only: it is sent once and never stored in the state.
variable "license_key" {
  description = "Signed license key the tenant is created under, e.g. export TF_VAR_license_key=$QLIK_LICENSE_KEY."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "deletion_protection" {
  description = "Refuse to deactivate the tenant on destroy. Set to false and apply before off-boarding the customer."
  type        = bool
  default     = true
}

resource "qlik_tenant" "acme" {
  license_key_wo         = var.license_key
  license_key_wo_version = 1
  datacenter             = "eu-west-1"

  name           = "Acme Corp"
  alias_hostname = "acme-analytics.example.com"

  auto_assign_private_analytics_content_creator_role_to_professionals = false
  enable_app_opening_feedback                                         = true

  deletion_protection = var.deletion_protection
  purge_after_days    = 45

  timeouts {
    create = "30m"
  }
}

# Objects inside the new tenant name it through tenant_hostname.
resource "qlik_space" "acme_published" {
  tenant_hostname = qlik_tenant.acme.hostname
  name            = "Published analytics"
  type            = "managed"
}

output "acme_tenant" {
  value = {
    id       = qlik_tenant.acme.id
    hostname = qlik_tenant.acme.hostname
    region   = qlik_tenant.acme.region
  }
}
