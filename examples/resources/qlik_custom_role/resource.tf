# A role that lets its holders read reports. For a customer's tenant, add
# tenant_hostname = qlik_tenant.customer.hostname.
resource "qlik_custom_role" "report_reader" {
  name        = "Report reader"
  description = "Reads the reports the portal links to."
  scopes      = ["reports:read"]
}
