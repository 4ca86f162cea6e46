# A template release in the home tenant: a new source_version replaces the copy (create before destroy), its script
# and reload, and republishes the published app in place.

resource "qlik_space" "work" {
  name = "Acme (work in progress)"
  type = "shared"
}

resource "qlik_space" "published" {
  name = "Acme analytics"
  type = "managed"
}

resource "qlik_app_copy" "sales" {
  source_app_id  = var.template_app_id
  source_version = var.release
  name           = "Sales"
  space_id       = qlik_space.work.id

  lifecycle {
    create_before_destroy = true
  }
}

resource "qlik_load_script" "sales" {
  app_id = qlik_app_copy.sales.id
  script = "LIB CONNECT TO 'Acme:orders-db';\nLOAD * FROM orders;"
}

resource "qlik_reload" "sales" {
  app_id = qlik_app_copy.sales.id
  triggers = {
    script = qlik_load_script.sales.script_sha256
  }
}

resource "qlik_app_publish" "sales" {
  app_id   = qlik_app_copy.sales.id
  space_id = qlik_space.published.id
  triggers = {
    reload = qlik_reload.sales.id
  }
}
