# Adopt an existing space of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_space.sales
  id = "customer-a.eu.qlikcloud.com/62716f4b39b865ece543cd45"
}
