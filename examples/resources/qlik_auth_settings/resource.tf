# Idle sessions end after 30 minutes, every session after 8 hours. For a customer's tenant, add
# tenant_hostname = qlik_tenant.customer.hostname.
resource "qlik_auth_settings" "customer" {
  session_inactivity_timeout_minutes = 30
  max_session_lifespan_minutes       = 480
}
