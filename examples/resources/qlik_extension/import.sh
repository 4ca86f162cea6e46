# A extension of the provider's home tenant, by id:
terraform import qlik_extension.kpi 65f1c2d3e4b5a69788d9e0f2

# A extension of another tenant: <tenant_hostname>/<extension_id>
terraform import qlik_extension.kpi customer-a.eu.qlikcloud.com/65f1c2d3e4b5a69788d9e0f2
