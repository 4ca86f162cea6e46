# Refer to a space that is managed elsewhere, by its exact name.
data "qlik_space" "templates" {
  name = "Templates"
  type = "shared"
}

output "templates_space_id" {
  value = data.qlik_space.templates.id
}
