# The interactive OIDC identity provider of the provider's home tenant, by id:
terraform import qlik_identity_provider_oidc.login 65f1c0d2e4b5a6978899aabb

# One of another tenant: <tenant_hostname>/<identity_provider_id>
terraform import qlik_identity_provider_oidc.login customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aabb
