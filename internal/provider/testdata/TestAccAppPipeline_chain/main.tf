# A customer's pipeline on one tenant: a working copy of the template, its load script, a reload when the script
# changes, and a publish to the managed space after each reload.

resource "qlik_space" "work" {
  tenant_hostname = var.tenant_hostname
  name            = "Acme (work in progress)"
  type            = "shared"
}

resource "qlik_space" "published" {
  tenant_hostname = var.tenant_hostname
  name            = "Acme analytics"
  type            = "managed"
}

resource "qlik_app_copy" "sales" {
  tenant_hostname = var.tenant_hostname
  source_app_id   = var.template_app_id
  name            = "Sales"
  space_id        = qlik_space.work.id
}

resource "qlik_load_script" "sales" {
  tenant_hostname = var.tenant_hostname
  app_id          = qlik_app_copy.sales.id
  script          = var.script
}

resource "qlik_reload" "sales" {
  tenant_hostname = var.tenant_hostname
  app_id          = qlik_app_copy.sales.id
  triggers = {
    script = qlik_load_script.sales.script_sha256
  }
}

resource "qlik_app_publish" "sales" {
  tenant_hostname = var.tenant_hostname
  app_id          = qlik_app_copy.sales.id
  space_id        = qlik_space.published.id
  triggers = {
    reload = qlik_reload.sales.id
  }
}
