package qlik

// TenantURL returns the base URL of a tenant from its hostname: https://<hostname>, or http:// for a loopback
// host such as a simulator tenant, the scheme ForTenant uses. The hostname is checked as tenant_hostname is
// (host[:port], no scheme or path) and returned in lower case without a default port.
func TenantURL(hostname string) (string, error) {
	host, err := parseHostname(hostname)
	if err != nil {
		return "", err
	}
	scheme := "https"
	if isLoopbackHost(host) {
		scheme = "http"
	}
	return scheme + "://" + normalizeHost(scheme, host), nil
}
