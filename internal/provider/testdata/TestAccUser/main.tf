# One user with its roles, status and (when license_type is not null) its license.

resource "qlik_user" "ann" {
  subject      = var.subject
  name         = var.name
  email        = "ann@example.com"
  roles        = var.roles
  status       = var.status
  license_type = var.license_type
}
