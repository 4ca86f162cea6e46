# The OEM estate: one Qlik Cloud tenant per customer, in the region the customer requires (data residency), each
# holding a copy of the vendor's template app, published for embedding in the vendor's portal. Customers live in
# customers.auto.tfvars (acme in eu, globex in us, initech in de); the license key comes from TF_VAR_license_key.
#
# One provider block serves every region. Its settings come from the QLIK_* environment variables, as a Terraform
# Cloud workspace sets them: the home (source) tenant and its region's OAuth client (QLIK_TENANT_URL,
# QLIK_CLIENT_ID, QLIK_CLIENT_SECRET), and a region-level OAuth client for each further region
# (QLIK_US_CLIENT_ID/QLIK_US_CLIENT_SECRET, QLIK_DE_CLIENT_ID/QLIK_DE_CLIENT_SECRET). Each customer's datacenter
# picks the register host and client of its region; a region without a client fails at plan. In HCL the same is:
#
#   provider "qlik" {
#     tenant_url    = "https://vendor.eu.qlikcloud.com"
#     client_id     = var.eu_client_id
#     client_secret = var.eu_client_secret
#     regions = {
#       us = { client_id = var.us_client_id, client_secret = var.us_client_secret }
#       de = { client_id = var.de_client_id, client_secret = var.de_client_secret }
#     }
#   }
terraform {
  required_version = ">= 1.11"

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

variable "database_passwords" {
  description = "Database password per customer key, for example from TF_VAR_database_passwords in the workspace. Only ever sent to Qlik's write-only data connection password."
  type        = map(string)
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = alltrue([for k in keys(var.customers) : contains(keys(var.database_passwords), k)])
    error_message = "Every customer needs a database password: database_passwords must have a key for each customer."
  }
}

variable "deletion_protection" {
  description = "Refuse to deactivate customer tenants on destroy. Apply false before off-boarding a customer."
  type        = bool
  default     = true
}

variable "customers" {
  description = "Customers by key: tenant name and datacenter, rollout cohort, database settings, and identity-provider groups with their roles."
  type = map(object({
    name       = string
    datacenter = string
    cohort     = string
    database = object({
      host             = string
      port             = optional(number, 5432)
      name             = string
      schema           = string
      username         = string
      password_version = optional(number, 1)
    })
    admins = optional(map(object({
      name  = string
      email = string
    })), {})
    groups = map(object({
      roles                   = list(string)
      published_space_roles   = optional(list(string), [])
      development_space_roles = optional(list(string), [])
    }))
  }))

  validation {
    condition     = alltrue([for c in values(var.customers) : contains(keys(var.template_versions), c.cohort)])
    error_message = "Every customer's cohort must be a key of template_versions."
  }
}

variable "template_versions" {
  description = "Template release per rollout cohort. Bumping one cohort replaces the app copies of its customers only and republishes them in place."
  type        = map(string)
}

variable "template_app_name" {
  description = "Exact name of the template app in the source (home) tenant."
  type        = string
  default     = "Sales template"
}

variable "portal_origin" {
  description = "Origin of the vendor's portal that embeds the customers' analytics."
  type        = string
  default     = "https://portal.example.com"
}

variable "embed_sheets" {
  description = "Sheets of the template shown in the portal's menu, by menu entry."
  type        = map(string)
  default = {
    overview = "JpXmPa"
    details  = "aBcDeF"
  }
}

# One portal serves every customer, and every tenant trusts the same signing key. Only the public half is in
# the repository: the private key stays in the portal's secret store.
locals {
  portal = {
    origin         = var.portal_origin
    jwt_issuer     = var.portal_origin
    jwt_key_id     = "portal-2026"
    public_key_pem = file("${path.module}/portal_jwt_public_key.pem")
  }
}

# The template is built by hand in the source tenant, so it is looked up rather than managed here.
data "qlik_app" "template" {
  count = length(var.template_files) == 0 ? 1 : 0
  name  = var.template_app_name
}

# Optional (README.md): the template of each cohort comes from a file and is imported into the source tenant.
variable "template_files" {
  description = "Optional: the template app as a file (QVF) per rollout cohort, imported into a templates space of the source (home) tenant and copied to the cohort's customers from there. Empty (the default): the template is the app named template_app_name in the source tenant."
  type        = map(string)
  default     = {}
}

resource "qlik_space" "templates" {
  count = length(var.template_files) == 0 ? 0 : 1
  name  = "Templates"
  type  = "shared"
}

resource "qlik_app_import" "template" {
  for_each = var.template_files
  source   = each.value
  name     = "${var.template_app_name} (${each.key})"
  space_id = qlik_space.templates[0].id

  lifecycle {
    create_before_destroy = true
  }
}

module "customer" {
  source   = "./modules/customer"
  for_each = var.customers

  key                 = each.key
  name                = each.value.name
  datacenter          = each.value.datacenter
  license_key         = var.license_key
  deletion_protection = var.deletion_protection

  template_app_id  = length(var.template_files) == 0 ? data.qlik_app.template[0].id : qlik_app_import.template[each.value.cohort].id
  template_version = var.template_versions[each.value.cohort]
  app_name         = "Sales"

  database          = each.value.database
  database_password = var.database_passwords[each.key]
  groups            = each.value.groups
  admins            = each.value.admins

  portal       = local.portal
  embed_sheets = var.embed_sheets
}

output "customers" {
  description = "The vendor's configuration table: per customer, what the portal needs to log users in and show their analytics."
  value = {
    for k, m in module.customer : k => {
      name               = var.customers[k].name
      cohort             = var.customers[k].cohort
      template_version   = var.template_versions[var.customers[k].cohort]
      tenant_id          = m.tenant_id
      hostname           = m.hostname
      region             = m.region
      app_id             = m.app_id
      published_app_id   = m.published_app_id
      web_integration_id = m.web_integration_id
      oauth_client_id    = m.oauth_client_id
      admins             = sort(keys(var.customers[k].admins))
      embed_urls         = m.embed_urls
      groups             = sort(keys(var.customers[k].groups))
    }
  }
}

output "portal_oauth_client_secrets" {
  description = "Per customer, the secret of the portal's OAuth client, for the portal's secret store (terraform output -json portal_oauth_client_secrets)."
  value       = { for k, m in module.customer : k => m.oauth_client_secret }
  sensitive   = true
}

output "portal_jwt" {
  description = "Issuer and key id the portal puts in the tokens it signs (header kid, claim iss)."
  value = {
    issuer = local.portal.jwt_issuer
    key_id = local.portal.jwt_key_id
  }
}
