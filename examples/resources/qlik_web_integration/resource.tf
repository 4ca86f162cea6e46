# The origins allowed to embed Qlik content. The web page passes the integration's id to Qlik.
resource "qlik_web_integration" "portal" {
  name = "Customer portal"
  valid_origins = [
    "https://portal.example.com",
    "http://localhost:3000", # local development
  ]
}

output "web_integration_id" {
  value = qlik_web_integration.portal.id
}
