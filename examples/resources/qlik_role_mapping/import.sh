# A group of the provider's home tenant, by name:
terraform import qlik_role_mapping.acme_analysts acme-analysts

# A group of another tenant: <tenant_hostname>/<group_name>
terraform import qlik_role_mapping.acme_analysts customer-a.eu.qlikcloud.com/acme-analysts
