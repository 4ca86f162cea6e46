# The vendor's branding for a customer tenant, from files kept beside the configuration. The plan checks them
# against Qlik's limits (logo: PNG or JPEG, at most 300 KB; favicon: ICO, at most 100 KB) and hashes them: a new
# logo is uploaded in place.
variable "customer_tenant_hostname" {
  type    = string
  default = null
}

resource "qlik_brand" "vendor" {
  tenant_hostname = var.customer_tenant_hostname
  name            = "Acme Analytics"
  description     = "Acme's colours for the embedded analytics"
  logo            = "${path.module}/branding/logo.png"
  favicon         = "${path.module}/branding/favicon.ico"

  # One brand per tenant is active; activating this one deactivates any other.
  active = true
}

output "brand_id" {
  value = qlik_brand.vendor.id
}
