# The tenant's first administrator, created before anyone signs in: the identity provider's subject is the
# user's key, and a sign-in with that subject is this user. For a customer's tenant, add
# tenant_hostname = qlik_tenant.customer.hostname.
resource "qlik_user" "admin" {
  subject      = "auth0|64f1c0d2e4b5a6978899aacc"
  name         = "Ann Admin"
  email        = "ann@customer-a.example.com"
  roles        = ["TenantAdmin"]
  license_type = "professional"
}

# A role of the tenant's own, held by the analyst below.
resource "qlik_custom_role" "report_reader" {
  name   = "Report reader"
  scopes = ["reports:read"]
}

# An analyst whose content must survive offboarding: destroy disables the user (and frees its license) instead
# of deleting it, so that a later sign-in through the identity provider does not come back as a new user.
resource "qlik_user" "analyst" {
  subject       = "auth0|64f1c0d2e4b5a6978899aadd"
  roles         = [qlik_custom_role.report_reader.name, "Steward"]
  license_type  = "analyzer"
  deletion_mode = "disable"
}
