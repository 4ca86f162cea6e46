# Monitoring: the vendor hears about every reload of this customer that fails. Qlik POSTs the reload-finished
# event with data.status "error" to the vendor's endpoint, signed with the secret (Qlik-Signature header, the hex
# HMAC-SHA256 of the body), and names the customer in a header.

variable "alerts" {
  description = "The vendor's alerting endpoint (an https:// URL) and the version of its signing secret; null: no webhook."
  type = object({
    url            = string
    secret_version = optional(number, 1)
  })
  default = null
}

variable "alerts_secret" {
  description = "Secret (32 to 64 characters) with which Qlik signs the alerts. Only ever sent to the webhook's write-only secret."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

resource "qlik_webhook" "failed_reloads" {
  count = var.alerts == null ? 0 : 1

  tenant_hostname = qlik_tenant.this.hostname
  name            = "Failed reloads"
  description     = "Reports the failed reloads of ${var.name} to the vendor."
  url             = var.alerts.url
  event_types     = ["com.qlik.v1.app.reload.finished"]
  filter          = "data.status eq \"error\""
  headers         = { "X-Customer" = var.key }

  secret_wo         = var.alerts_secret
  secret_wo_version = var.alerts.secret_version
}

output "alerts_webhook_id" {
  description = "Id of the webhook that reports failed reloads to the vendor (null without alerts)."
  value       = one(qlik_webhook.failed_reloads[*].id)
}
