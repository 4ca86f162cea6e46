# A role that lets its holders read reports, for users and groups of the customer's tenant.
resource "qlik_custom_role" "report_reader" {
  tenant_hostname = qlik_tenant.customer.hostname
  name            = "Report reader"
  description     = "Reads the reports the portal links to."
  scopes          = ["reports:read"]
}
