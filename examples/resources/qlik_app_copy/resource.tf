# The customer's tenant, for example qlik_tenant.customer.hostname. Left null, the copy goes to the
# provider's home tenant, where the template lives, and Qlik copies it directly; set, the template is
# exported from the home tenant and imported into the customer's, streamed through local disk.
variable "customer_tenant_hostname" {
  type    = string
  default = null
}

# The template app, found by name in the vendor's tenant.
data "qlik_app" "sales_template" {
  name = "Sales template"
}

resource "qlik_space" "customer" {
  tenant_hostname = var.customer_tenant_hostname
  name            = "Acme analytics"
  type            = "shared"
}

resource "qlik_app_copy" "sales" {
  tenant_hostname = var.customer_tenant_hostname
  source_app_id   = data.qlik_app.sales_template.id
  # Bump when the template changes: the copy is replaced with a fresh one.
  source_version = "2026.11"

  name        = "Sales"
  description = "Sales analytics for Acme"
  space_id    = qlik_space.customer.id

  timeouts {
    create = "90m"
  }
}

output "sales_app_id" {
  value = qlik_app_copy.sales.id
}
