data "qlik_app" "sales_template" {
  name = "Sales template"
}

resource "qlik_space" "work" {
  name = "Acme (work in progress)"
  type = "shared"
}

resource "qlik_space" "published" {
  name = "Acme analytics"
  type = "managed"
}

resource "qlik_app_copy" "sales" {
  source_app_id = data.qlik_app.sales_template.id
  name          = "Sales"
  space_id      = qlik_space.work.id
}

# The locked layout customers see. A new release value republishes in place; the published app keeps its id.
resource "qlik_app_publish" "sales" {
  app_id   = qlik_app_copy.sales.id
  space_id = qlik_space.published.id
  triggers = {
    release = "2026.11"
  }
}

output "published_app_id" {
  value = qlik_app_publish.sales.id
}
