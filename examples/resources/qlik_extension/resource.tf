# A visualization extension for the customer's apps: a zip holding acme-kpi.qext (type "visualization") and its
# script. The plan reads the .qext and hashes the zip; a new zip (a new release of the extension) is uploaded in
# place, keeping the extension's id.
variable "customer_tenant_hostname" {
  type    = string
  default = null
}

resource "qlik_extension" "kpi" {
  tenant_hostname = var.customer_tenant_hostname
  file            = "${path.module}/extensions/acme-kpi.zip"
}

output "extension_id" {
  value = qlik_extension.kpi.id
}

output "extension_version" {
  value = qlik_extension.kpi.version
}
