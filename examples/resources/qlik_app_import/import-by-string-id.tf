# Adopt an app already imported by hand (Terraform 1.5 and later). Qlik does not record which file an app came
# from: the first apply after the import records the file's hash without importing it again.
import {
  to = qlik_app_import.sales
  id = "customer-a.eu.qlikcloud.com/2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21"
}
