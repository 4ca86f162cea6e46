# At most two API keys per user, living at most 90 days (what the multi-tenant monitoring installer expects).
# For a customer's tenant, add tenant_hostname = qlik_tenant.customer.hostname.
resource "qlik_api_key_settings" "customer" {
  max_keys_per_user  = 2
  max_api_key_expiry = "P90D"
}
