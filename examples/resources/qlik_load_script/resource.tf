data "qlik_app" "sales_template" {
  name = "Sales template"
}

resource "qlik_space" "acme" {
  name = "Acme"
  type = "shared"
}

resource "qlik_app_copy" "sales" {
  source_app_id = data.qlik_app.sales_template.id
  name          = "Sales"
  space_id      = qlik_space.acme.id
}

# The template's script pointed at this customer's data. Line endings in the template file do not matter.
resource "qlik_load_script" "sales" {
  app_id = qlik_app_copy.sales.id
  script = templatefile("${path.module}/sales.qvs.tftpl", {
    connection  = "Acme:orders-db"
    customer_id = "acme"
    since       = "2024-01-01"
  })
  version_message = "Acme orders since 2024"
}

# Feed this into a qlik_reload's triggers to reload whenever the script changes.
output "sales_script_sha256" {
  value = qlik_load_script.sales.script_sha256
}
