# A webhook of the provider's home tenant, by id:
terraform import qlik_webhook.failed_reloads 3f1c2b8e-6a4d-4f0e-9c1a-5b7d2e8f9a01

# A webhook of another tenant: <tenant_hostname>/<id>
terraform import qlik_webhook.failed_reloads customer-a.eu.qlikcloud.com/3f1c2b8e-6a4d-4f0e-9c1a-5b7d2e8f9a01
