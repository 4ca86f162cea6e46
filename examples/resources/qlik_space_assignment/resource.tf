# The "acme-editors" group exists once someone from it has signed in (or a qlik_role_mapping created it).
data "qlik_group" "editors" {
  name = "acme-editors"
}

resource "qlik_space" "development" {
  name = "ACME development"
  type = "shared"
}

# Editors build apps in the shared development space.
resource "qlik_space_assignment" "editors" {
  space_id      = qlik_space.development.id
  assignee_type = "group"
  assignee_id   = data.qlik_group.editors.id
  roles         = ["producer", "consumer"]
}
