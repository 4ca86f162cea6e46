# Monitoring and alerting (docs/guides/monitoring-and-alerting.md): every customer's published app reloads on a
# schedule in the customer's time zone, and every customer tenant reports its failed reloads to the vendor's
# endpoint, signed with one secret the endpoint verifies.

variable "reload_recurrence" {
  description = "When the customers' published apps reload, as an RRULE recurrence read in each customer's time zone."
  type        = string
  default     = "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0"
}

variable "reload_time_zones" {
  description = "IANA time zone per customer key for the reload schedule; customers not listed reload in UTC."
  type        = map(string)
  default     = {}
}

variable "alerts_url" {
  description = "The vendor's alerting endpoint, an https:// URL; every customer's failed reloads are POSTed to it."
  type        = string
  default     = "https://alerts.vendor.example.com/qlik/reloads"
}

variable "alerts_signing_secret" {
  description = "Secret (32 to 64 characters) with which Qlik signs the alerts; the endpoint verifies the Qlik-Signature header with it. For example from TF_VAR_alerts_signing_secret in the workspace."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "alerts_signing_secret_version" {
  description = "Version of alerts_signing_secret: increment it after rotating the secret to send the new one to every tenant."
  type        = number
  default     = 1
}

output "reload_schedules" {
  description = "Per customer, the id of the published app's reload schedule."
  value       = { for k, m in module.customer : k => m.reload_schedule_id }
}

output "alerts_webhooks" {
  description = "Per customer, the id of the webhook that reports failed reloads."
  value       = { for k, m in module.customer : k => m.alerts_webhook_id }
}
