# Adopt a brand made in the management console (Terraform 1.5 and later). The provider cannot tell which file a
# logo came from: the first apply after the import uploads the configured logo and favicon again.
import {
  to = qlik_brand.vendor
  id = "customer-a.eu.qlikcloud.com/65f1c2d3e4b5a69788d9e0f1"
}
