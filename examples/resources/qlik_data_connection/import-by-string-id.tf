# Adopt an existing data connection (Terraform 1.5 and later). Qlik does not return credentials: set
# password_wo and password_wo_version to send the password with the next apply.
import {
  to = qlik_data_connection.orders
  id = "customer-a.eu.qlikcloud.com/82ee7b44-0c4d-491b-bd38-82640c0430a5"
}
