# An automation from an exported workspace in a shared space, with a schedule, and a run of it.

resource "qlik_space" "ops" {
  name = "Operations"
  type = "shared"
}

resource "qlik_automation" "test" {
  name           = var.name
  space_id       = var.in_space ? qlik_space.ops.id : ""
  workspace_json = var.workspace
  enabled        = var.enabled
  schedules = [{
    start_at = "2026-01-01 02:00:00"
    interval = var.interval
    timezone = "Europe/Stockholm"
  }]
}
