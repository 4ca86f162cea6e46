# A web integration of the provider's home tenant, by id:
terraform import qlik_web_integration.portal cK9vQ2xR7mT4pL1sZ8nW3a

# One of another tenant: <tenant_hostname>/<web_integration_id>
terraform import qlik_web_integration.portal customer-a.eu.qlikcloud.com/cK9vQ2xR7mT4pL1sZ8nW3a
