# An app of the provider's home tenant, by id:
terraform import qlik_app_import.sales 2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21

# An app of another tenant: <tenant_hostname>/<app_id>
terraform import qlik_app_import.sales customer-a.eu.qlikcloud.com/2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21
