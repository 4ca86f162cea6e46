# One customer at a time through the OEM pipeline: the vendor's template app is copied into the customer's
# space, its load script is pointed at the customer's database, the app is reloaded, and the result is
# published to a managed space as the locked layout customers see. A new script reloads and republishes.

variable "customers" {
  description = "Customers by key: display name, database host and the first order date to load."
  type = map(object({
    name    = string
    db_host = string
    since   = string
  }))
  default = {
    acme = {
      name    = "Acme"
      db_host = "orders.acme.internal"
      since   = "2024-01-01"
    }
    globex = {
      name    = "Globex"
      db_host = "db.globex.internal"
      since   = "2025-01-01"
    }
  }
}

variable "template_version" {
  description = "Bump when the template app changes: every customer's copy is replaced, reloaded and republished onto the same published app."
  type        = string
  default     = "2026.11"
}

data "qlik_app" "sales_template" {
  name = "Sales template"
}

resource "qlik_space" "work" {
  for_each = var.customers
  name     = "${each.value.name} (work in progress)"
  type     = "shared"
}

resource "qlik_space" "published" {
  for_each = var.customers
  name     = "${each.value.name} analytics"
  type     = "managed"
}

resource "qlik_data_connection" "orders" {
  for_each          = var.customers
  name              = "orders-db"
  type              = "postgres"
  connector         = "QvOdbcConnectorPackage.exe"
  connection_string = "CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;driver=postgres;host=${each.value.db_host};port=5432;database=orders;\""
  space_id          = qlik_space.work[each.key].id
}

resource "qlik_app_copy" "sales" {
  for_each       = var.customers
  source_app_id  = data.qlik_app.sales_template.id
  source_version = var.template_version
  name           = "Sales"
  space_id       = qlik_space.work[each.key].id

  # A new template version is copied, scripted, reloaded and republished before the previous copy is deleted,
  # so the published app always has its source.
  lifecycle {
    create_before_destroy = true
  }
}

resource "qlik_load_script" "sales" {
  for_each = var.customers
  app_id   = qlik_app_copy.sales[each.key].id
  script = templatefile("${path.module}/orders.qvs.tftpl", {
    connection = "${qlik_space.work[each.key].name}:${qlik_data_connection.orders[each.key].name}"
    since      = each.value.since
  })
  version_message = "Terraform: ${each.value.name} orders since ${each.value.since}"
}

resource "qlik_reload" "sales" {
  for_each = var.customers
  app_id   = qlik_app_copy.sales[each.key].id
  triggers = {
    script = qlik_load_script.sales[each.key].script_sha256
  }
}

# Republished in place after every new reload and every new template version, so the published app keeps its
# id, its links and its users' private sheets.
resource "qlik_app_publish" "sales" {
  for_each = var.customers
  app_id   = qlik_app_copy.sales[each.key].id
  space_id = qlik_space.published[each.key].id
  triggers = {
    reload = qlik_reload.sales[each.key].id
  }
}

output "published_apps" {
  value = { for k, p in qlik_app_publish.sales : k => p.id }
}

output "reloads" {
  value = { for k, r in qlik_reload.sales : k => { id = r.reload_id, status = r.status } }
}
