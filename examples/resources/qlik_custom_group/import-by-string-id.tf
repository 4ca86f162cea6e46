# Adopt an existing custom group of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_custom_group.finance
  id = "customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aacc"
}
