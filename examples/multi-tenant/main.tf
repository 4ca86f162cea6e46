# One provider block for the whole estate: a tenant per customer, created on the register host of its
# datacenter's region (eu, us and de here), and a space inside each of them, reached through tenant_hostname with
# the OAuth client of the tenant's region. The provider settings come from the QLIK_* environment variables (the
# home region's client in QLIK_CLIENT_ID/QLIK_CLIENT_SECRET, one per further region in QLIK_US_CLIENT_ID,
# QLIK_DE_CLIENT_SECRET, ...); the license key from TF_VAR_license_key:
#
#   export TF_VAR_license_key="$QLIK_LICENSE_KEY"
#   terraform apply
terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

provider "qlik" {}

variable "license_key" {
  description = "Signed license key the customer tenants are created under."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "customers" {
  description = "Customers by key: display name and datacenter of each tenant."
  type = map(object({
    name       = string
    datacenter = string
  }))
  default = {
    acme    = { name = "Acme Corp", datacenter = "eu-west-1" }
    globex  = { name = "Globex", datacenter = "us-east-1" }
    initech = { name = "Initech", datacenter = "eu-central-1" }
  }
}

variable "deletion_protection" {
  description = "Refuse to deactivate customer tenants on destroy. Set to false and apply before off-boarding."
  type        = bool
  default     = true
}

resource "qlik_tenant" "customer" {
  for_each = var.customers

  license_key_wo         = var.license_key
  license_key_wo_version = 1
  name                   = each.value.name
  datacenter             = each.value.datacenter
  deletion_protection    = var.deletion_protection
}

resource "qlik_space" "published" {
  for_each = var.customers

  tenant_hostname = qlik_tenant.customer[each.key].hostname
  name            = "${each.value.name} analytics"
  type            = "managed"
  description     = "Published apps for ${each.value.name}."
}

output "customers" {
  description = "Per customer: tenant id, hostname, region and the published space, for the vendor's configuration database."
  value = {
    for k, t in qlik_tenant.customer : k => {
      tenant_id = t.id
      hostname  = t.hostname
      region    = t.region
      space_id  = qlik_space.published[k].id
    }
  }
}
