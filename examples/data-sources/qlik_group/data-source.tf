# A group the identity provider created at a user's first login.
data "qlik_group" "support" {
  name = "acme-support"
}

output "support_group_id" {
  value = data.qlik_group.support.id
}

output "support_group_roles" {
  value = data.qlik_group.support.roles
}
