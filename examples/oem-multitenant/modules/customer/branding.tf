# Branding: the vendor's brand, active in the customer's tenant, so the analytics the portal embeds look like the
# portal.

variable "brand" {
  description = "The vendor's brand: name, description and the paths of its logo (PNG or JPEG) and favicon (ICO); null: Qlik's default look."
  type = object({
    name        = string
    description = optional(string, "")
    logo        = string
    favicon     = string
  })
  default = null
}

resource "qlik_brand" "vendor" {
  count = var.brand == null ? 0 : 1

  tenant_hostname = qlik_tenant.this.hostname
  name            = var.brand.name
  description     = var.brand.description
  logo            = var.brand.logo
  favicon         = var.brand.favicon
  active          = true
}
