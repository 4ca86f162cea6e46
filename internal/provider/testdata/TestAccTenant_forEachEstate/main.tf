# Three customers, each a tenant with three spaces, from one map and one provider block (the test adds it).
variable "license_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "customers" {
  type = map(string)
  default = {
    acme    = "eu-west-1"
    globex  = "us-east-1"
    initech = "ap-northeast-1"
  }
}

locals {
  spaces = merge([
    for c in keys(var.customers) : {
      for s in ["development", "staging", "published"] : "${c}/${s}" => { customer = c, name = s }
    }
  ]...)
}

resource "qlik_tenant" "customer" {
  for_each = var.customers

  license_key_wo         = var.license_key
  license_key_wo_version = 1
  name                   = each.key
  datacenter             = each.value
  deletion_protection    = false
}

resource "qlik_space" "this" {
  for_each = local.spaces

  tenant_hostname = qlik_tenant.customer[each.value.customer].hostname
  name            = each.value.name
  type            = each.value.name == "published" ? "managed" : "shared"
}

output "hostnames" {
  value = { for k, t in qlik_tenant.customer : k => t.hostname }
}
