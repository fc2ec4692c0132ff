package controls.o365g_008_test

import data.controls.o365g_008
import data.lib.testinput

test_pass_with_sharepoint if {
	count(o365g_008.deny) == 0 with input as testinput.base
}

test_fail_with_exchange_only if {
	inp := object.union(testinput.base, {"subscriptions": [
		{"skuPartNumber": "EXCHANGEENTERPRISE", "capabilityStatus": "Enabled", "servicePlans": ["EXCHANGE_S_ENTERPRISE"]},
		{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Deleted", "servicePlans": ["SHAREPOINTENTERPRISE"]},
	]})
	findings := o365g_008.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "no enabled subscription includes SharePoint Online"
	f.evidence.subscriptions == ["EXCHANGEENTERPRISE (Enabled): EXCHANGE_S_ENTERPRISE", "ENTERPRISEPACK (Deleted): SHAREPOINTENTERPRISE"]
}

test_locked_out_does_not_count_warning_does if {
	locked := object.union(testinput.base, {"subscriptions": [{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "LockedOut", "servicePlans": ["SHAREPOINTENTERPRISE"]}]})
	count(o365g_008.deny) == 1 with input as locked
	warning := object.union(testinput.base, {"subscriptions": [{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Warning", "servicePlans": ["SHAREPOINTENTERPRISE"]}]})
	count(o365g_008.deny) == 0 with input as warning
	count(o365g_008.notes) == 1 with input as warning
}

test_error_when_subscriptions_not_exported if {
	count(o365g_008.error) == 1 with input as testinput.without("subscriptions")
}
