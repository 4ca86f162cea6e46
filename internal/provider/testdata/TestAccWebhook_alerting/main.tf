# A customer tenant's webhook that alerts the vendor's endpoint of failed reloads, and a reload that fails.

resource "qlik_webhook" "alerts" {
  tenant_hostname   = var.tenant
  name              = "Failed reloads"
  url               = var.receiver
  event_types       = ["com.qlik.v1.app.reload.finished"]
  filter            = "data.status eq \"error\""
  secret_wo         = var.secret
  secret_wo_version = 1
}

resource "qlik_reload" "sales" {
  tenant_hostname = var.tenant
  app_id          = var.app_id
  depends_on      = [qlik_webhook.alerts]
}
