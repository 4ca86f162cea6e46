# A CSP origin of the provider's home tenant, by id:
terraform import qlik_csp_origin.portal 65f1c0d2e4b5a6978899aacc

# One of another tenant: <tenant_hostname>/<csp_origin_id>
terraform import qlik_csp_origin.portal customer-a.eu.qlikcloud.com/65f1c0d2e4b5a6978899aacc
