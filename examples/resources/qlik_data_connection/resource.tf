variable "orders_db_password" {
  description = "Password of the loader account on Acme's orders database. Ephemeral: kept out of plan files and state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "qlik_space" "acme" {
  name = "Acme"
  type = "shared"
}

# Scripts in apps of this space connect with LIB CONNECT TO 'Acme:orders-db'.
resource "qlik_data_connection" "orders" {
  name              = "orders-db"
  type              = "postgres"
  connector         = "QvOdbcConnectorPackage.exe"
  connection_string = "CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;driver=postgres;host=orders.acme.internal;port=5432;database=orders;\""
  space_id          = qlik_space.acme.id
  username          = "qlik_loader"

  # Write-only: sent to Qlik, never stored in the state. Bump the version to send a new password.
  password_wo         = var.orders_db_password
  password_wo_version = 1
}

output "orders_connection_id" {
  value = qlik_data_connection.orders.id
}
