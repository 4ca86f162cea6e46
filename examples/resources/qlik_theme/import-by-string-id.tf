# Adopt a theme uploaded in the management console (Terraform 1.5 and later). The provider cannot tell which archive
# it came from: the first apply after the import uploads the configured archive once, in place.
import {
  to = qlik_theme.acme
  id = "customer-a.eu.qlikcloud.com/65f1c2d3e4b5a69788d9e0f2"
}
