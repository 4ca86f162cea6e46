# A shared space for work in progress in the home tenant.
resource "qlik_space" "sales_dev" {
  name        = "Sales analytics (development)"
  type        = "shared"
  description = "Template apps before they are published to customers."
}

# A managed space for the locked, published layout.
resource "qlik_space" "sales" {
  name        = "Sales analytics"
  type        = "managed"
  description = "Published sales apps."
}
