# One webhook for failed reloads, with a write-only signing secret and an encrypted Authorization header.

resource "qlik_webhook" "test" {
  name                         = var.name
  url                          = var.url
  event_types                  = ["com.qlik.v1.app.reload.finished"]
  filter                       = var.filter
  enabled                      = var.enabled
  headers                      = { "X-Team" = "data" }
  secret_wo                    = var.secret
  secret_wo_version            = var.secret_version
  encrypted_headers_wo         = { Authorization = var.token }
  encrypted_headers_wo_version = 1
}
