output "tenant_id" {
  description = "Id of the customer's tenant."
  value       = qlik_tenant.this.id
}

output "hostname" {
  description = "Hostname of the customer's tenant."
  value       = qlik_tenant.this.hostname
}

output "region" {
  description = "Region code of the customer's tenant."
  value       = qlik_tenant.this.region
}

output "development_space_id" {
  description = "Id of the shared development space."
  value       = qlik_space.development.id
}

output "published_space_id" {
  description = "Id of the managed space customers see."
  value       = qlik_space.published.id
}

output "app_id" {
  description = "Id of the customer's working copy of the template."
  value       = qlik_app_copy.app.id
}

output "published_app_id" {
  description = "Id of the published app the portal embeds."
  value       = qlik_app_publish.app.id
}

output "web_integration_id" {
  description = "Id the portal sends as qlik-web-integration-id."
  value       = qlik_web_integration.portal.id
}

output "oauth_client_id" {
  description = "Client id of the portal's OAuth client (user impersonation)."
  value       = qlik_oauth_client.portal.client_id
}

output "oauth_client_secret" {
  description = "Secret of the portal's OAuth client, shown by Qlik once and kept in the state."
  value       = qlik_oauth_client.portal.client_secret
  sensitive   = true
}

output "admin_user_ids" {
  description = "User ids of the customer's first administrators, by subject."
  value       = { for subject, u in qlik_user.admin : subject => u.id }
}

output "identity_provider_id" {
  description = "Id of the JWT identity provider that trusts the portal."
  value       = qlik_identity_provider_jwt.portal.id
}

output "embed_urls" {
  description = "Iframe URLs of the published app: the whole app, and one per menu entry of embed_sheets."
  value = merge(
    { app = provider::qlik::embed_url(qlik_tenant.this.hostname, qlik_app_publish.app.id) },
    {
      for entry, sheet in var.embed_sheets : entry => provider::qlik::embed_url(qlik_tenant.this.hostname, qlik_app_publish.app.id, {
        sheet          = sheet
        selections_bar = true
      })
    },
  )
}

output "database" {
  description = "The database settings the load script and the data connection use."
  value       = local.database
}

output "load_script" {
  description = "The app's load script rendered for this customer."
  value       = local.load_script
}
