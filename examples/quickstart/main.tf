# Quickstart: the spaces of one customer tenant, created from a map, and read back through the data
# sources. The provider settings come from the QLIK_* environment variables (qliksim prints them).
terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

provider "qlik" {}

variable "spaces" {
  description = "Spaces to create, by key."
  type = map(object({
    name        = string
    type        = string
    description = optional(string, "")
  }))
  default = {
    development = { name = "Development", type = "shared", description = "Template apps in progress." }
    published   = { name = "Published analytics", type = "managed", description = "Locked layouts for customers." }
    staging     = { name = "Staging", type = "shared" }
  }
}

resource "qlik_space" "this" {
  for_each = var.spaces

  name        = each.value.name
  type        = each.value.type
  description = each.value.description
}

data "qlik_space" "published" {
  name = qlik_space.this["published"].name
  type = "managed"
}

data "qlik_spaces" "shared" {
  types = ["shared"]

  depends_on = [qlik_space.this]
}

output "space_ids" {
  description = "Space id by key."
  value       = { for k, s in qlik_space.this : k => s.id }
}

output "published_space_owner" {
  description = "Owner of the managed space, as read back by the data source."
  value       = data.qlik_space.published.owner_id
}

output "shared_space_names" {
  description = "Names of all shared spaces in the tenant."
  value       = sort([for s in data.qlik_spaces.shared.spaces : s.name])
}
