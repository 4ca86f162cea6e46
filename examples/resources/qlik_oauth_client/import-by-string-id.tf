# Adopt an existing OAuth client of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_oauth_client.portal
  id = "customer-a.eu.qlikcloud.com/5f1c0d2e4b5a6978899aabbccddeeff0"
}
