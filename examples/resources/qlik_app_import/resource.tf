# The app file, kept in version control beside the configuration or produced by a build. The plan hashes it:
# new content replaces the import, an unchanged file is no change.
variable "sales_app_file" {
  type    = string
  default = "apps/sales.qvf"
}

resource "qlik_space" "releases" {
  name = "Acme releases"
  type = "shared"
}

resource "qlik_space" "published" {
  name = "Acme dashboards"
  type = "managed"
}

resource "qlik_app_import" "sales" {
  source      = var.sales_app_file
  name        = "Sales"
  description = "Sales analytics, imported from version control"
  space_id    = qlik_space.releases.id

  # A new file is imported before the previous import is deleted, so the published app below is republished
  # in place (same id, links and users' private sheets) from the new import.
  lifecycle {
    create_before_destroy = true
  }

  timeouts {
    create = "90m"
  }
}

resource "qlik_app_publish" "sales" {
  app_id   = qlik_app_import.sales.id
  space_id = qlik_space.published.id
}

output "imported_app_id" {
  value = qlik_app_import.sales.id
}

output "published_app_id" {
  value = qlik_app_publish.sales.id
}
