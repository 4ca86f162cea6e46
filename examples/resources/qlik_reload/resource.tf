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

resource "qlik_load_script" "sales" {
  app_id = qlik_app_copy.sales.id
  script = <<-EOT
    Orders:
    LOAD * INLINE [
      region, amount
      $(vRegion), 100
    ];
  EOT
}

# Reloads when the script changes, and waits for the reload; a failed reload fails the apply with the end of
# the reload log.
resource "qlik_reload" "sales" {
  app_id = qlik_app_copy.sales.id
  variables = {
    vRegion = "EMEA"
  }
  triggers = {
    script = qlik_load_script.sales.script_sha256
  }

  timeouts {
    create = "30m"
  }
}

output "sales_reload" {
  value = {
    id       = qlik_reload.sales.reload_id
    status   = qlik_reload.sales.status
    duration = qlik_reload.sales.duration
  }
}
