# A custom role of the provider's home tenant, by id:
terraform import qlik_custom_role.report_reader 65f1c0d2e4b5a6978899aacc

# One of another tenant: <tenant_hostname>/<role_id>
terraform import qlik_custom_role.report_reader customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aacc
