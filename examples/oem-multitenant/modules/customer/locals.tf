# The customer's database settings in one place, so the load script and the data connection that holds the
# customer's credentials cannot disagree about where the data is.
locals {
  database = {
    host   = var.database.host
    port   = var.database.port
    name   = var.database.name
    schema = var.database.schema
  }

  # Qlik resolves a connection in a shared space as '<space name>:<connection name>'.
  data_connection_name = "${var.key} database"
  data_connection_ref  = "${qlik_space.development.name}:${local.data_connection_name}"

  load_script = templatefile("${path.module}/templates/load_script.qvs.tftpl", {
    customer   = var.name
    connection = local.data_connection_ref
    schema     = local.database.schema
    database   = local.database.name
  })
}
