# Adopt an existing app of another tenant into configuration (Terraform 1.5 and later). Qlik does not record
# where an app was copied from: the first plan after the import fills in source_app_id without replacing it.
import {
  to = qlik_app_copy.sales
  id = "customer-a.eu.qlikcloud.com/2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21"
}
