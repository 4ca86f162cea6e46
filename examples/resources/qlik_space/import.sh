# A space of the provider's home tenant, by id:
terraform import qlik_space.sales 62716f4b39b865ece543cd45

# A space of another tenant: <tenant_hostname>/<space_id>
terraform import qlik_space.sales customer-a.eu.qlikcloud.com/62716f4b39b865ece543cd45
