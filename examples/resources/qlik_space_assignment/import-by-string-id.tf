# Adopt an existing assignment of another tenant into configuration (Terraform 1.5 and later).
import {
  to = qlik_space_assignment.editors
  id = "customer-a.eu.qlikcloud.com/62716f4b39b865ece543cd45/6271702c39b865ece543cd48"
}
