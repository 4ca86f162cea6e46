# Adopt an existing CSP origin of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_csp_origin.portal
  id = "customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aacc"
}
