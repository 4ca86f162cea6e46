# The vendor's brand, active in every customer tenant (modules/customer/branding.tf). A new logo in branding/ is
# uploaded to every tenant in place at the next apply.

variable "brand_name" {
  description = "Name of the vendor's brand in the customer tenants."
  type        = string
  default     = "Vendor Analytics"
}

locals {
  brand = {
    name        = var.brand_name
    description = "The vendor's colours for the embedded analytics"
    logo        = "${path.module}/branding/logo.png"
    favicon     = "${path.module}/branding/favicon.ico"
  }
}
