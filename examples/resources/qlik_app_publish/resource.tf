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

# A new template release replaces the copy, the new one before the old one: the published app must never lose
# its source, or Qlik could not republish onto it.
resource "qlik_app_copy" "sales" {
  source_app_id  = data.qlik_app.sales_template.id
  source_version = "2026.11"
  name           = "Sales"
  space_id       = qlik_space.work.id

  lifecycle {
    create_before_destroy = true
  }
}

# The locked layout customers see. A new copy (a new release) or a new trigger value republishes in place: the
# published app keeps its id, its links and its users' private sheets, bookmarks and stories.
resource "qlik_app_publish" "sales" {
  app_id   = qlik_app_copy.sales.id
  space_id = qlik_space.published.id
  triggers = {
    approved_by = "release-board-2026-11"
  }
}

output "published_app_id" {
  value = qlik_app_publish.sales.id
}
