# Groups in the portal's login token are created at sign-in, and every user of the embedding tenant may view
# embedded analytics.
resource "qlik_group_settings" "customer" {
  tenant_hostname    = qlik_tenant.customer.hostname
  auto_create_groups = true
  everyone_roles     = ["EmbeddedAnalyticsUser"]
}
