# The customers of the estate. Adding an entry provisions a customer in the next apply; removing one
# off-boards it (after its deletion_protection was turned off).
customers = {
  acme = {
    name       = "Acme Corp"
    datacenter = "eu-west-1"
    cohort     = "canary"
    database = {
      host     = "acme.db.eu.example.internal"
      name     = "acme_prod"
      schema   = "sales"
      username = "qlik_reader"
    }
    admins = {
      "auth0|acme-it-lead" = { name = "Alex Doe", email = "alex.doe@acme.example" }
    }
    groups = {
      "acme-analysts" = {
        roles                 = ["EmbeddedAnalyticsUser"]
        published_space_roles = ["consumer"]
      }
      "acme-admins" = {
        roles                   = ["EmbeddedAnalyticsUser", "SharedSpaceCreator"]
        published_space_roles   = ["consumer", "facilitator"]
        development_space_roles = ["producer"]
      }
    }
  }

  globex = {
    name       = "Globex"
    datacenter = "us-east-1"
    cohort     = "stable"
    database = {
      host     = "globex.db.us.example.internal"
      port     = 6432
      name     = "globex"
      schema   = "analytics"
      username = "qlik_reader"
    }
    admins = {
      "auth0|globex-ops" = { name = "Gina Vale", email = "gina.vale@globex.example" }
    }
    groups = {
      "globex-viewers" = {
        roles                 = ["EmbeddedAnalyticsUser"]
        published_space_roles = ["consumer"]
      }
    }
  }

  initech = {
    name       = "Initech"
    datacenter = "eu-central-1"
    cohort     = "stable"
    database = {
      host     = "initech.db.de.example.internal"
      name     = "initech_dwh"
      schema   = "reporting"
      username = "qlik_reader"
    }
    admins = {
      "auth0|initech-bi" = { name = "Ivo Marsh", email = "ivo.marsh@initech.example" }
    }
    groups = {
      "initech-users" = {
        roles                 = ["EmbeddedAnalyticsUser"]
        published_space_roles = ["consumer"]
      }
    }
  }
}

# Template releases per cohort. Bump canary first; once its customers are happy, give stable the same release.
template_versions = {
  canary = "2026.11.1"
  stable = "2026.10.3"
}
