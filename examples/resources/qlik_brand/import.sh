# A brand of the provider's home tenant, by id:
terraform import qlik_brand.vendor 65f1c2d3e4b5a69788d9e0f1

# A brand of another tenant: <tenant_hostname>/<brand_id>
terraform import qlik_brand.vendor customer-a.eu.qlikcloud.com/65f1c2d3e4b5a69788d9e0f1
