# Refer to a template app by its exact name within the space that holds the templates.
data "qlik_space" "templates" {
  name = "Templates"
  type = "shared"
}

data "qlik_app" "sales_template" {
  name     = "Sales template"
  space_id = data.qlik_space.templates.id
}

output "sales_template_id" {
  value = data.qlik_app.sales_template.id
}
