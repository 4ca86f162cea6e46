# Every managed space whose name contains "sales", across all pages.
data "qlik_spaces" "sales" {
  name  = "sales"
  types = ["managed"]
}

output "sales_space_ids" {
  value = { for s in data.qlik_spaces.sales.spaces : s.name => s.id }
}
