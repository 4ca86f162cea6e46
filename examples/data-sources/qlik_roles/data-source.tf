# The role names the tenant knows, for qlik_role_mapping.roles.
data "qlik_roles" "all" {}

output "role_names" {
  value = data.qlik_roles.all.names
}

output "admin_roles" {
  value = [for r in data.qlik_roles.all.roles : r.name if r.level == "admin"]
}
