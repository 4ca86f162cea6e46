# A theme and an extension uploaded from zip archives to var.tenant_hostname (null: the home tenant).

resource "qlik_theme" "test" {
  tenant_hostname = var.tenant_hostname
  file            = var.theme_file
}

resource "qlik_extension" "test" {
  tenant_hostname = var.tenant_hostname
  file            = var.extension_file
}
