# A data connection of the provider's home tenant, by id:
terraform import qlik_data_connection.orders 82ee7b44-0c4d-491b-bd38-82640c0430a5

# A data connection of another tenant: <tenant_hostname>/<id>
terraform import qlik_data_connection.orders customer-a.eu.qlikcloud.com/82ee7b44-0c4d-491b-bd38-82640c0430a5
