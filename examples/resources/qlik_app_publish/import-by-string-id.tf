# Adopt an app published outside Terraform (Terraform 1.5 and later). app_id and space_id are read from
# the published app; when the configured app_id is another app, the first apply republishes it onto the adopted
# published app, which keeps its id and its users' private content.
import {
  to = qlik_app_publish.sales
  id = "customer-a.eu.qlikcloud.com/7c0e4f6b-8a1d-4e2f-9b3c-5d6e7f8a9b0c"
}
