# Adopt an existing webhook (Terraform 1.5 and later). Qlik never returns the secret or the encrypted header
# values: set secret_wo and secret_wo_version (and the encrypted headers with their version) to send them with the
# next apply.
import {
  to = qlik_webhook.failed_reloads
  id = "customer-a.eu.qlikcloud.com/3f1c2b8e-6a4d-4f0e-9c1a-5b7d2e8f9a01"
}
