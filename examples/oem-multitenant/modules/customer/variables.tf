variable "key" {
  description = "Short, stable key of the customer (the key of var.customers in the root module)."
  type        = string
}

variable "name" {
  description = "Display name of the customer and its tenant."
  type        = string
}

variable "datacenter" {
  description = "Datacenter of the customer's tenant, e.g. eu-west-1. Changing it replaces the tenant."
  type        = string
}

variable "license_key" {
  description = "License key the tenant is created under. Write-only: it never lands in the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "deletion_protection" {
  description = "Refuse to deactivate the tenant on destroy."
  type        = bool
  default     = true
}

variable "template_app_id" {
  description = "Id of the template app in the source (home) tenant."
  type        = string
}

variable "template_version" {
  description = "Release of the template this customer runs. A new value replaces the customer's copy and republishes it onto the same published app."
  type        = string
}

variable "app_name" {
  description = "Name of the customer's copy of the template."
  type        = string
}

variable "database" {
  description = "The customer's database the app's load script reads from, and the user the data connection logs in as. Bump password_version to send a rotated password."
  type = object({
    host             = string
    port             = optional(number, 5432)
    name             = string
    schema           = string
    username         = string
    password_version = optional(number, 1)
  })
}

variable "database_password" {
  description = "Password of the database user. Write-only: it is sent to Qlik and never stored in the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "groups" {
  description = "Identity-provider groups by name (as the portal's JWT groups claim sends them), with their tenant roles and space roles."
  type = map(object({
    roles                   = list(string)
    published_space_roles   = optional(list(string), [])
    development_space_roles = optional(list(string), [])
  }))
  default = {}
}

variable "admins" {
  description = "The customer's first administrators, by identity-provider subject: created before anyone signs in, with the TenantAdmin role and a professional license."
  type = map(object({
    name  = string
    email = string
  }))
  default = {}
}

variable "portal" {
  description = "The vendor's portal that embeds the customer's analytics: its origin and the JWT signing key it logs users in with."
  type = object({
    origin         = string
    jwt_issuer     = string
    jwt_key_id     = string
    public_key_pem = string
  })
}

variable "embed_sheets" {
  description = "Sheets of the template shown in the portal's menu, by menu entry. Copies and published apps keep the template's sheet ids."
  type        = map(string)
  default     = {}
}
