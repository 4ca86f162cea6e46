terraform {
  required_version = ">= 1.11"

  required_providers {
    qlik = {
      # A module must name the provider's source itself; without it Terraform would look for hashicorp/qlik.
      source = "qlik-terraform/qlik"
    }
  }
}
