# A custom theme for the customer's apps, packed as Qlik Sense themes are: a zip holding acme-theme.qext
# (type "theme") and theme.json. The plan reads the .qext and hashes the zip; a new zip is uploaded in place.
variable "customer_tenant_hostname" {
  type    = string
  default = null
}

resource "qlik_theme" "acme" {
  tenant_hostname = var.customer_tenant_hostname
  file            = "${path.module}/themes/acme-theme.zip"
}

output "theme_id" {
  value = qlik_theme.acme.id
}

# Apps refer to a theme by this name.
output "theme_name" {
  value = qlik_theme.acme.qext_name
}
