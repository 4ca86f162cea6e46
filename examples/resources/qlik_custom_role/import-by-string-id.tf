# Adopt an existing custom role of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_custom_role.report_reader
  id = "customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aacc"
}
