# The load script of an app in the provider's home tenant, by app id:
terraform import qlik_load_script.sales 2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21

# The load script of an app in another tenant: <tenant_hostname>/<app_id>
terraform import qlik_load_script.sales customer-a.eu.qlikcloud.com/2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21
