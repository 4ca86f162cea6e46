# Adopt an existing user of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_user.admin
  id = "customer-a.eu.qlikcloud.com/64f1c0d2e4b5a6978899aa01"
}
