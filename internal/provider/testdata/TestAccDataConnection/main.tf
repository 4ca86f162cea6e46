# One data connection in a shared space; the password is write-only and sent again when its version changes.

resource "qlik_space" "a" {
  name = "Customer A"
  type = "shared"
}

resource "qlik_data_connection" "test" {
  name                = var.name
  type                = var.type
  connector           = "QvOdbcConnectorPackage.exe"
  connection_string   = var.connection_string
  space_id            = qlik_space.a.id
  username            = "loader"
  password_wo         = var.password
  password_wo_version = var.password_version
}
