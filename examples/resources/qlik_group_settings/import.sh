# The setting of the provider's home tenant or of another tenant, by the tenant's hostname:
terraform import qlik_group_settings.customer customer-a.eu.qlikcloud.com
