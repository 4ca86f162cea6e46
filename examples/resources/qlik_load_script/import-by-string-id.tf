# Manage the script of an existing app (Terraform 1.5 and later). The next plan shows the difference between
# the app's current script and the configured one.
import {
  to = qlik_load_script.sales
  id = "customer-a.eu.qlikcloud.com/2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21"
}
