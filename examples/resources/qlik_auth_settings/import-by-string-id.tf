# Manage the setting of an existing tenant from now on (Terraform 1.5 and later).
import {
  to = qlik_auth_settings.customer
  id = "customer-a.eu.qlikcloud.com"
}
