# Users who sign in for the first time get an analyzer license while one is left; professional licenses are
# assigned explicitly (qlik_user.license_type). For a customer's tenant, add
# tenant_hostname = qlik_tenant.customer.hostname.
resource "qlik_license_settings" "customer" {
  auto_assign_professional = false
  auto_assign_analyzer     = true
}
