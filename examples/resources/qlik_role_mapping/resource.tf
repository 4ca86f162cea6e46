# The vendor's customers sign in with a JWT whose groups claim carries their identity-provider groups.
# Members of "acme-analysts" may view embedded analytics and the apps published to the customer's space.
resource "qlik_space" "acme" {
  name = "ACME analytics"
  type = "managed"
}

resource "qlik_role_mapping" "acme_analysts" {
  group_name = "acme-analysts"
  roles      = ["EmbeddedAnalyticsUser"]

  space_roles {
    space_id = qlik_space.acme.id
    roles    = ["consumer"]
  }
}

# Administrators of the customer also manage the space.
resource "qlik_role_mapping" "acme_admins" {
  group_name = "acme-admins"
  roles      = ["EmbeddedAnalyticsUser", "SharedSpaceCreator"]

  space_roles {
    space_id = qlik_space.acme.id
    roles    = ["consumer", "facilitator", "publisher"]
  }
}
