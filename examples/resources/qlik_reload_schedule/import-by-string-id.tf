# Adopt an existing reload schedule (Terraform 1.5 and later): a time-scheduled reload task of the Scheduling
# Tasks API. Tasks migrated from the Reload Tasks API are imported the same way.
import {
  to = qlik_reload_schedule.sales_nightly
  id = "customer-a.eu.qlikcloud.com/8d2f4a61-3b7c-4e19-a0d5-6c9e1f2b7a34"
}
