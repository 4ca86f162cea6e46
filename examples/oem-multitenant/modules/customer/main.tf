# Everything one customer needs, in the customer's own tenant. Every object inside the tenant names it through
# tenant_hostname, so a single provider block in the root module reaches all customers.

resource "qlik_tenant" "this" {
  name                   = var.name
  datacenter             = var.datacenter
  license_key_wo         = var.license_key
  license_key_wo_version = 1
  # Off-boarding is two steps on purpose: apply deletion_protection = false, then remove the customer.
  deletion_protection = var.deletion_protection

  timeouts {
    create = "30m"
  }
}

# Work in progress lives in a shared space the vendor's developers can change; customers only ever see the
# managed space, whose published apps are locked to the template's public sheets.
resource "qlik_space" "development" {
  tenant_hostname = qlik_tenant.this.hostname
  name            = "${var.name} development"
  type            = "shared"
  description     = "Working copy of the ${var.app_name} template, reloaded from the customer's database."
}

resource "qlik_space" "published" {
  tenant_hostname = qlik_tenant.this.hostname
  name            = "${var.name} analytics"
  type            = "managed"
  description     = "Published apps embedded in the portal."
}

# Tenants are isolated, so the template is exported from the source tenant and imported here. The copy is tied
# to a template release: Qlik cannot tell when a template changed, so the release number is what makes
# Terraform replace the copy, one cohort at a time.
resource "qlik_app_copy" "app" {
  tenant_hostname = qlik_tenant.this.hostname
  source_app_id   = var.template_app_id
  source_version  = var.template_version
  name            = var.app_name
  description     = "${var.app_name} for ${var.name}, template release ${var.template_version}."
  space_id        = qlik_space.development.id

  timeouts {
    create = "90m"
  }

  # A release rolls out without a gap: the new copy is made, scripted, reloaded and republished onto the
  # published app before the previous copy is deleted. The portal keeps serving the previous release until
  # then, and the published app never loses its source (Qlik cannot republish onto an orphan). Both copies
  # carry the same name for that moment, which Qlik allows.
  lifecycle {
    create_before_destroy = true
  }
}

# The customer's database, with credentials that never reach the state: the password is write-only, and
# bumping database.password_version in customers.auto.tfvars sends a rotated one.
resource "qlik_data_connection" "database" {
  tenant_hostname     = qlik_tenant.this.hostname
  space_id            = qlik_space.development.id
  name                = local.data_connection_name
  type                = "postgres"
  connector           = "QvOdbcConnectorPackage.exe"
  connection_string   = "CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;driver=postgres;host=${local.database.host};port=${local.database.port};db=${local.database.name};\""
  username            = var.database.username
  password_wo         = var.database_password
  password_wo_version = var.database.password_version
}

# The template's script, pointed at this customer's data (locals.tf renders it).
resource "qlik_load_script" "app" {
  tenant_hostname = qlik_tenant.this.hostname
  app_id          = qlik_app_copy.app.id
  script          = local.load_script
  version_message = "Terraform: ${var.name}, template release ${var.template_version}"

  # The script names the connection; it must exist before the first reload.
  depends_on = [qlik_data_connection.database]
}

# A reload runs again whenever the script changes, and with a new copy (a new template release), because a
# new app_id replaces it. The script and the reload of a new release are replaced too; their destroy touches
# nothing in Qlik (a script stays with its app, a reload is a past run).
resource "qlik_reload" "app" {
  tenant_hostname = qlik_tenant.this.hostname
  app_id          = qlik_app_copy.app.id
  triggers = {
    script = qlik_load_script.app.script_sha256
  }

  timeouts {
    create = "60m"
  }
}

# Customers see the app only once it holds their data: the publish follows the reload, and every new reload
# republishes in place. So does a new release: its copy is republished onto the same published app, which keeps
# its id (the portal's links keep working) and the private sheets, bookmarks and stories its users made.
resource "qlik_app_publish" "app" {
  tenant_hostname = qlik_tenant.this.hostname
  app_id          = qlik_app_copy.app.id
  space_id        = qlik_space.published.id
  triggers = {
    reload = qlik_reload.app.id
  }
}

# Groups arrive with the portal's JWTs; the mapping grants their roles without ever touching membership, so an
# apply can never lock a customer's users out.
resource "qlik_role_mapping" "group" {
  for_each = var.groups

  tenant_hostname = qlik_tenant.this.hostname
  group_name      = each.key
  roles           = each.value.roles

  dynamic "space_roles" {
    for_each = length(each.value.published_space_roles) > 0 ? [each.value.published_space_roles] : []
    content {
      space_id = qlik_space.published.id
      roles    = space_roles.value
    }
  }

  dynamic "space_roles" {
    for_each = length(each.value.development_space_roles) > 0 ? [each.value.development_space_roles] : []
    content {
      space_id = qlik_space.development.id
      roles    = space_roles.value
    }
  }
}

# Embedding: the tenant trusts the portal's signed tokens, accepts browser calls from its origin and lets it
# frame Qlik pages.
resource "qlik_identity_provider_jwt" "portal" {
  tenant_hostname = qlik_tenant.this.hostname
  issuer          = var.portal.jwt_issuer
  key_id          = var.portal.jwt_key_id
  public_key_pem  = var.portal.public_key_pem
  description     = "Vendor portal single sign-on"
}

resource "qlik_web_integration" "portal" {
  tenant_hostname = qlik_tenant.this.hostname
  name            = "Vendor portal"
  valid_origins   = [var.portal.origin]
}

resource "qlik_csp_origin" "portal" {
  tenant_hostname = qlik_tenant.this.hostname
  name            = "Vendor portal"
  origin          = trimprefix(var.portal.origin, "https://")
  directives      = ["frame-ancestors"]
}

# The portal's back end gets OAuth user impersonation tokens for the customer's users (qlik-embed without a
# cookie session). Qlik shows the client secret once: it is kept in the (encrypted) state as a sensitive output
# for the portal's secret store, and rotated by changing client_secret_version.
resource "qlik_oauth_client" "portal" {
  tenant_hostname     = qlik_tenant.this.hostname
  app_type            = "web"
  name                = "Vendor portal"
  description         = "qlik-embed user impersonation for ${var.name}"
  allowed_grant_types = ["urn:qlik:oauth:user-impersonation"]
  allowed_scopes      = ["user_default"]
  consent_method      = "trusted"
}

# People: the customer's first administrators exist before anyone signs in (a later sign-in with the same
# subject is the same user). Everyone else arrives through the portal's sign-in.
resource "qlik_user" "admin" {
  for_each = var.admins

  tenant_hostname = qlik_tenant.this.hostname
  subject         = each.key
  name            = each.value.name
  email           = each.value.email
  roles           = ["TenantAdmin"]
  license_type    = "professional"
}

# Users who sign in through the portal get an analyzer license while one is left; professional licenses go to
# the administrators above only.
resource "qlik_license_settings" "this" {
  tenant_hostname          = qlik_tenant.this.hostname
  auto_assign_professional = false
  auto_assign_analyzer     = true
}

# Groups named in the portal's tokens are created at sign-in, which the role mappings above rely on; the
# Everyone group gets no roles of its own, so access comes only through those mappings.
resource "qlik_group_settings" "this" {
  tenant_hostname    = qlik_tenant.this.hostname
  auto_create_groups = true
  everyone_roles     = []
}
