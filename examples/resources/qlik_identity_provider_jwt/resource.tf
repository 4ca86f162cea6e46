# The vendor's web application signs a JWT for each user with its private key; Qlik Cloud verifies the
# token with this public key and logs the user in. Keep the private key with the application, never here.
resource "qlik_identity_provider_jwt" "portal" {
  issuer         = "https://portal.example.com"
  key_id         = "portal-2026"
  public_key_pem = file("${path.module}/jwt_public_key.pem")
  description    = "Customer portal single sign-on"
}

output "identity_provider_id" {
  value = qlik_identity_provider_jwt.portal.id
}
