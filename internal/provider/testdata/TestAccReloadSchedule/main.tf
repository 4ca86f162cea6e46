# A nightly reload of one app, in a time zone, enabled or not.

resource "qlik_reload_schedule" "test" {
  app_id          = var.app_id
  name            = var.name
  recurrence      = var.recurrence
  time_zone       = var.time_zone
  start_date_time = "2026-01-01T00:00:00Z"
  enabled         = var.enabled
}
