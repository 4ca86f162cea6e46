terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

# OAuth machine-to-machine client: reaches the home tenant and, with tenant_hostname on a resource,
# the other tenants of its region. Prefer QLIK_CLIENT_ID and QLIK_CLIENT_SECRET in the environment.
provider "qlik" {
  tenant_url       = "https://acme.eu.qlikcloud.com"
  client_id        = var.qlik_client_id
  client_secret    = var.qlik_client_secret
  registration_url = "https://register.eu.qlikcloud.com"
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
