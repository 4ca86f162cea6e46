# Groups in the portal's login token are created at sign-in, and every user of the embedding tenant may view
# embedded analytics. For a customer's tenant, add tenant_hostname = qlik_tenant.customer.hostname.
resource "qlik_group_settings" "customer" {
  auto_create_groups = true
  everyone_roles     = ["EmbeddedAnalyticsUser"]
}
