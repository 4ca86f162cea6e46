resource "qlik_space" "operations" {
  name = "Operations"
  type = "shared"
}

# An automation exported from the Qlik Automate editor and kept in version control. Reformatting the file is not a
# change; editing the workflow in the editor shows as drift.
resource "qlik_automation" "onboarding" {
  name           = "Customer onboarding"
  description    = "Announces a new customer tenant."
  space_id       = qlik_space.operations.id
  workspace_json = file("${path.module}/onboarding.workspace.json")
}

# What a CI job needs to start the (triggered) automation through its webhook URL, for the pipeline's secret store.
output "onboarding_automation_id" {
  value = qlik_automation.onboarding.id
}

output "onboarding_execution_token" {
  value     = qlik_automation.onboarding.execution_token
  sensitive = true
}
