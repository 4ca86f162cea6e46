# The four tenant settings of one tenant (the home tenant when tenant_hostname is null).

resource "qlik_license_settings" "s" {
  tenant_hostname          = var.tenant_hostname
  auto_assign_professional = var.auto_assign_professional
  auto_assign_analyzer     = true
}

resource "qlik_group_settings" "s" {
  tenant_hostname    = var.tenant_hostname
  auto_create_groups = false
  everyone_roles     = var.everyone_roles
}

resource "qlik_api_key_settings" "s" {
  tenant_hostname    = var.tenant_hostname
  max_keys_per_user  = var.max_keys_per_user
  max_api_key_expiry = var.max_api_key_expiry
}

resource "qlik_auth_settings" "s" {
  tenant_hostname                    = var.tenant_hostname
  session_inactivity_timeout_minutes = var.idle_minutes
  max_session_lifespan_minutes       = var.lifespan_minutes
}
