# The provider's home tenant (GET /api/v1/tenants/me), for example to tag customer tenants with the vendor's
# region.
data "qlik_tenant" "home" {}

output "home_tenant" {
  value = {
    id       = data.qlik_tenant.home.id
    hostname = data.qlik_tenant.home.hostname
    region   = data.qlik_tenant.home.region
  }
}
