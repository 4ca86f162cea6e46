data "qlik_app" "sales" {
  name = "Sales"
}

# Reload the Sales app every night at 02:00 Berlin time, from the start of 2026.
resource "qlik_reload_schedule" "sales_nightly" {
  app_id          = data.qlik_app.sales.id
  name            = "Nightly reload"
  description     = "Fresh data for the morning."
  recurrence      = "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0"
  time_zone       = "Europe/Berlin"
  start_date_time = "2026-01-01T00:00:00Z"
}

output "sales_nightly_task_id" {
  value = qlik_reload_schedule.sales_nightly.id
}
