# Monitoring: the published app reloads on a schedule, and the vendor hears about every reload of this customer
# that fails. Qlik POSTs the reload-finished event with data.status "error" to the vendor's endpoint, signed with
# the secret (Qlik-Signature header, the hex HMAC-SHA256 of the body), and names the customer in a header.

variable "reload_schedule" {
  description = "When the published app reloads: an RRULE recurrence and the IANA time zone it is read in."
  type = object({
    recurrence = optional(string, "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0")
    time_zone  = optional(string, "UTC")
  })
  default = {}
}

# The published app the portal embeds gets fresh data every night in the customer's time zone.
resource "qlik_reload_schedule" "published" {
  tenant_hostname = qlik_tenant.this.hostname
  app_id          = qlik_app_publish.app.id
  name            = "Published data"
  description     = "Reloads the analytics ${var.name} sees in the portal."
  recurrence      = var.reload_schedule.recurrence
  time_zone       = var.reload_schedule.time_zone
}

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

output "reload_schedule_id" {
  description = "Id of the published app's reload schedule (a scheduling task)."
  value       = qlik_reload_schedule.published.id
}

output "alerts_webhook_id" {
  description = "Id of the webhook that reports failed reloads to the vendor (null without alerts)."
  value       = one(qlik_webhook.failed_reloads[*].id)
}
