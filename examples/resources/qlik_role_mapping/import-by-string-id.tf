# Adopt the roles of an existing group of another tenant into configuration (Terraform 1.5 and later).
# An imported mapping records group_created = false, so destroying it never deletes the group.
import {
  to = qlik_role_mapping.acme_analysts
  id = "customer-a.eu.qlikcloud.com/acme-analysts"
}
