resource "qlik_automation" "refresh_crm" {
  name           = "Refresh CRM extract"
  workspace_json = jsonencode({ runMode = "manual", blocks = [] })
}

variable "release" {
  description = "The release being deployed; a new value runs the automation again."
  type        = string
  default     = "2026.12.0"
}

# Run the automation as a step of the apply, once per release, and wait for it: the apply fails with the run's
# errors if the run fails, and Ctrl-C stops the run.
resource "qlik_automation_run" "refresh_crm" {
  automation_id = qlik_automation.refresh_crm.id
  triggers = {
    release   = var.release
    workspace = sha256(qlik_automation.refresh_crm.workspace_json)
  }

  timeouts {
    create = "30m"
  }
}

output "refresh_crm_run" {
  value = {
    id     = qlik_automation_run.refresh_crm.run_id
    status = qlik_automation_run.refresh_crm.status
  }
}
