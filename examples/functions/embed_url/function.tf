variable "tenant_hostname" {
  description = "Hostname of the customer's tenant."
  type        = string
  default     = "acme.eu.qlikcloud.com"
}

variable "sheets" {
  description = "Sheets of the sales app to show in the vendor's menu, by menu entry."
  type        = map(string)
  default = {
    overview = "JpXmPa"
    details  = "aBcDeF"
  }
}

locals {
  sales_app_id = "f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f"
}

# The whole app, opened on its first sheet.
output "sales_app_url" {
  value = provider::qlik::embed_url(var.tenant_hostname, local.sales_app_id)
}

# One iframe URL per sheet, with the selections bar, in German and with the Horizon theme.
output "sales_sheet_urls" {
  value = {
    for entry, sheet_id in var.sheets : entry => provider::qlik::embed_url(var.tenant_hostname, local.sales_app_id, {
      sheet          = sheet_id
      selections_bar = true
      theme          = "horizon"
      language       = "de"
    })
  }
}
