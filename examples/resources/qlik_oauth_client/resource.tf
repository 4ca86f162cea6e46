# The vendor portal's back end: it gets user impersonation tokens for qlik-embed, and machine tokens of its own.
resource "qlik_oauth_client" "portal" {
  app_type            = "web"
  name                = "Customer portal"
  description         = "qlik-embed back end"
  allowed_grant_types = ["urn:qlik:oauth:user-impersonation", "client_credentials"]
  allowed_scopes      = ["user_default"]
  redirect_uris       = ["https://portal.example.com/login/callback"]
  consent_method      = "trusted"

  # Change to rotate the secret: a new one is made and stored, then the old one is deleted.
  client_secret_version = 1
}

# The secret is shown by Qlik once; the state keeps it (sensitive). Hand it to the portal from here, or read it
# with: terraform output -raw portal_client_secret
output "portal_client_secret" {
  value     = qlik_oauth_client.portal.client_secret
  sensitive = true
}

output "portal_client_id" {
  value = qlik_oauth_client.portal.client_id
}

# A back end that signs its token requests with a private key: no secret exists, in Qlik or in the state.
resource "qlik_oauth_client" "reporting" {
  app_type             = "web"
  name                 = "Reporting service"
  allowed_grant_types  = ["client_credentials"]
  allowed_scopes       = ["user_default"]
  allowed_auth_methods = ["private_key_jwt"]
  public_keys = [{
    kid = "reporting-2026"
    alg = "RS256"
    pem = file("${path.module}/reporting_public_key.pem")
  }]
}

# A single-page application signing users in through Qlik, from its own origin.
resource "qlik_oauth_client" "spa" {
  app_type        = "spa"
  name            = "Analytics SPA"
  redirect_uris   = ["https://app.example.com/callback"]
  allowed_origins = ["https://app.example.com"]
  allowed_scopes  = ["user_default"]
}
