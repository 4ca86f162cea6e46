variable "okta_client_secret" {
  description = "Secret of the Qlik application registered in the customer's Okta. Ephemeral: kept out of plan files and state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# The tenant's interactive login through the customer's Okta; it replaces the Qlik Account login.
resource "qlik_identity_provider_oidc" "login" {
  provider_type = "okta"
  description   = "Acme staff login"
  discovery_url = "https://acme.okta.com/.well-known/openid-configuration"
  client_id     = "0oa1b2c3d4e5f6g7h8i9"
  realm         = "acme"
  scope         = "openid profile email groups"

  # Write-only: sent to Qlik, never stored in the state. Bump the version to send a new secret.
  client_secret_wo         = var.okta_client_secret
  client_secret_wo_version = 1

  claims_mapping = {
    sub    = ["/sub"]
    name   = ["/name"]
    email  = ["/email"]
    groups = ["/groups"]
  }

  post_logout_redirect_uri = "https://portal.example.com/signed-out"
}
