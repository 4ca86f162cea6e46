# The administrators of the tenant. For a customer's tenant, add tenant_hostname = qlik_tenant.customer.hostname.
data "qlik_users" "admins" {
  filter = "assignedRoles.name eq \"TenantAdmin\""
  status = "active"
}

output "admin_subjects" {
  value = [for u in data.qlik_users.admins.users : u.subject]
}
