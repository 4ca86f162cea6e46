# A reload schedule (scheduling task) of the provider's home tenant, by id:
terraform import qlik_reload_schedule.sales_nightly 8d2f4a61-3b7c-4e19-a0d5-6c9e1f2b7a34

# A reload schedule of another tenant: <tenant_hostname>/<id>
terraform import qlik_reload_schedule.sales_nightly customer-a.eu.qlikcloud.com/8d2f4a61-3b7c-4e19-a0d5-6c9e1f2b7a34
