# A custom group of the provider's home tenant, by id:
terraform import qlik_custom_group.finance 65f1c0d2e4b5a6978899aacc

# One of another tenant: <tenant_hostname>/<group_id>
terraform import qlik_custom_group.finance customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aacc
