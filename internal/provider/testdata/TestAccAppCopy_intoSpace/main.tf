# One copy named Sales of the source app into a space that exists before the configuration (var.space_id) in the
# target tenant, with a create timeout when var.create_timeout is not null.

resource "qlik_app_copy" "test" {
  tenant_hostname = var.tenant_hostname
  source_app_id   = var.source_app_id
  name            = "Sales"
  space_id        = var.space_id

  dynamic "timeouts" {
    for_each = var.create_timeout == null ? [] : [var.create_timeout]
    content {
      create = timeouts.value
    }
  }
}
