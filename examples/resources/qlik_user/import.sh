# A user of the provider's home tenant, by id:
terraform import qlik_user.admin 64f1c0d2e4b5a6978899aa01

# One of another tenant: <tenant_hostname>/<user_id>
terraform import qlik_user.admin customer-a.eu.qlikcloud.com/64f1c0d2e4b5a6978899aa01
