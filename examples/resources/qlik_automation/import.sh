# An automation of the provider's home tenant, by id:
terraform import qlik_automation.onboarding 5e0f2b1c-7a44-4f0d-9b2e-3c8d1a6f4e90

# An automation of another tenant: <tenant_hostname>/<id>
terraform import qlik_automation.onboarding customer-a.eu.qlikcloud.com/5e0f2b1c-7a44-4f0d-9b2e-3c8d1a6f4e90
