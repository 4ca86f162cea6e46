# Tenants are imported by tenant id; they live on the register host, so the id takes no hostname.
terraform import qlik_tenant.acme TiQ8GPVr8qI714Lp5ChAAFFaU24MJy69
