terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

# OAuth machine-to-machine clients. A region-level client reaches the tenants of its own region only: the home
# region's client (client_id, client_secret) reaches the home tenant and, with tenant_hostname on a resource, the
# other tenants of eu; each further region of the estate has its own in regions. A tenant's datacenter and a
# tenant_hostname (<name>.<region>.qlikcloud.com) pick the client of their region. Prefer the environment:
# QLIK_CLIENT_ID, QLIK_CLIENT_SECRET, QLIK_US_CLIENT_ID, QLIK_US_CLIENT_SECRET, ...
provider "qlik" {
  tenant_url       = "https://acme.eu.qlikcloud.com"
  client_id        = var.qlik_client_id
  client_secret    = var.qlik_client_secret
  registration_url = "https://register.eu.qlikcloud.com"

  regions = {
    us = {
      client_id     = var.qlik_us_client_id
      client_secret = var.qlik_us_client_secret
      # registration_url defaults to https://register.us.qlikcloud.com
    }
  }

  # Hosts that do not follow <name>.<region>.qlikcloud.com, such as a tenant's alias hostname, with their region.
  # The provider sends its credentials nowhere else.
  trusted_hosts = {
    "analytics.acme.com" = "eu"
  }
}

variable "qlik_client_id" {
  type = string
}

# ephemeral keeps the secret out of saved plan files as well as out of the state; provider blocks accept
# ephemeral values. Supply it again when applying a saved plan (-var or TF_VAR_qlik_client_secret).
variable "qlik_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "qlik_us_client_id" {
  type    = string
  default = null
}

variable "qlik_us_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = null
}
