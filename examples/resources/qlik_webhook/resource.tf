variable "alerts_signing_secret" {
  description = "Secret (32 to 64 characters) with which Qlik signs each delivery. Ephemeral: kept out of plan files and state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "alerts_endpoint_token" {
  description = "Bearer token of the vendor's alerting endpoint. Ephemeral: kept out of plan files and state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# Tell the vendor's alerting endpoint about every reload of the tenant that fails.
resource "qlik_webhook" "failed_reloads" {
  name        = "Failed reloads"
  description = "Alerts the operations team when a reload fails."
  url         = "https://alerts.vendor.example.com/qlik/reloads"
  event_types = ["com.qlik.v1.app.reload.finished"]
  filter      = "data.status eq \"error\""

  # Write-only: sent to Qlik, never stored in the state. Bump a version to send a new value.
  secret_wo                    = var.alerts_signing_secret
  secret_wo_version            = 1
  encrypted_headers_wo         = { Authorization = "Bearer ${var.alerts_endpoint_token}" }
  encrypted_headers_wo_version = 1
}

output "failed_reloads_webhook_id" {
  value = qlik_webhook.failed_reloads.id
}
