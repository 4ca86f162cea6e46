# A published app of the provider's home tenant, by the published app's id:
terraform import qlik_app_publish.sales 7c0e4f6b-8a1d-4e2f-9b3c-5d6e7f8a9b0c

# A published app of another tenant: <tenant_hostname>/<published_app_id>
terraform import qlik_app_publish.sales customer-a.eu.qlikcloud.com/7c0e4f6b-8a1d-4e2f-9b3c-5d6e7f8a9b0c
