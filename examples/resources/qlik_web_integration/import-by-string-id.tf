# Adopt an existing web integration of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_web_integration.portal
  id = "customer-a.eu.qlikcloud.com/cK9vQ2xR7mT4pL1sZ8nW3a"
}
