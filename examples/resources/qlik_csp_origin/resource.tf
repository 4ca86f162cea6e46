# Let the customer portal show Qlik sheets in iframes.
resource "qlik_csp_origin" "portal" {
  name        = "Customer portal"
  origin      = "portal.example.com"
  description = "Embeds analytics in iframes."
  directives  = ["frame-ancestors"]
}

# A content host the apps load images and fonts from.
resource "qlik_csp_origin" "cdn" {
  origin     = "https://cdn.example.com"
  directives = ["img-src", "font-src"]
}
