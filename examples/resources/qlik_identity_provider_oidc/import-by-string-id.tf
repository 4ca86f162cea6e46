# Adopt the interactive OIDC identity provider of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_identity_provider_oidc.login
  id = "customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aabb"
}
