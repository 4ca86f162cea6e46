# An OAuth client of the provider's home tenant, by client id:
terraform import qlik_oauth_client.portal 5f1c0d2e4b5a6978899aabbccddeeff0

# One of another tenant: <tenant_hostname>/<client_id>
terraform import qlik_oauth_client.portal customer-a.eu.qlikcloud.com/5f1c0d2e4b5a6978899aabbccddeeff0

# Qlik cannot show the secret again: an imported client has no client_secret in state until
# client_secret_version is set or changed, which makes a new secret.
