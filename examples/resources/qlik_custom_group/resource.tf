# A role of the tenant's own.
resource "qlik_custom_role" "report_reader" {
  name   = "Report reader"
  scopes = ["reports:read"]
}

# A group made in Qlik (not sent by the identity provider) whose members read reports and create shared spaces.
resource "qlik_custom_group" "finance" {
  name        = "Finance"
  description = "Finance team of the customer."
  roles       = [qlik_custom_role.report_reader.name, "SharedSpaceCreator"]
}
