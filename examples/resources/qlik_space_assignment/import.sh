# An assignment in the provider's home tenant: <space_id>/<assignment_id>
terraform import qlik_space_assignment.editors 62716f4b39b865ece543cd45/6271702c39b865ece543cd48

# An assignment in another tenant: <tenant_hostname>/<space_id>/<assignment_id>
terraform import qlik_space_assignment.editors customer-a.eu.qlikcloud.com/62716f4b39b865ece543cd45/6271702c39b865ece543cd48
