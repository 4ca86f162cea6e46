# A theme of the provider's home tenant, by id:
terraform import qlik_theme.acme 65f1c2d3e4b5a69788d9e0f2

# A theme of another tenant: <tenant_hostname>/<theme_id>
terraform import qlik_theme.acme customer-a.eu.qlikcloud.com/65f1c2d3e4b5a69788d9e0f2
