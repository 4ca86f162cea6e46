# The administrators of a customer's tenant.
data "qlik_users" "admins" {
  tenant_hostname = qlik_tenant.customer.hostname
  filter          = "assignedRoles.name eq \"TenantAdmin\""
  status          = "active"
}

output "admin_subjects" {
  value = [for u in data.qlik_users.admins.users : u.subject]
}
