package custom.default_domain_test

import data.custom.default_domain

test_missing_domain_denied if {
	default_domain.deny == {"the snapshot names no default domain"} with input as {"tenant": {}}
}

test_onmicrosoft_domain_warned if {
	count(default_domain.warn) == 1 with input as {"tenant": {"id": "x", "defaultDomain": "x.onmicrosoft.com"}}
}
