# Adopt an existing tenant into configuration (Terraform 1.5 and later). deletion_protection and
# purge_after_days start at their defaults (true and 30).
import {
  to = qlik_tenant.acme
  id = "TiQ8GPVr8qI714Lp5ChAAFFaU24MJy69"
}
