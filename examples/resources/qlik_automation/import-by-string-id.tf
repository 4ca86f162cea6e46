# Adopt an existing automation (Terraform 1.5 and later). Export its workspace from the editor into the file that
# workspace_json reads, so that the first plan shows no change.
import {
  to = qlik_automation.onboarding
  id = "customer-a.eu.qlikcloud.com/5e0f2b1c-7a44-4f0d-9b2e-3c8d1a6f4e90"
}
