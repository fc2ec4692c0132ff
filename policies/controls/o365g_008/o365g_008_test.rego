package controls.o365g_008_test

import data.controls.o365g_008
import data.lib.testinput

test_pass_with_sharepoint if {
	count(o365g_008.deny) == 0 with input as testinput.base
}

test_fail_with_exchange_only if {
	inp := object.union(testinput.base, {"users": [], "subscriptions": [
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
	locked := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "LockedOut", "servicePlans": ["SHAREPOINTENTERPRISE"]}]})
	count(o365g_008.deny) == 1 with input as locked
	warning := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Warning", "servicePlans": ["SHAREPOINTENTERPRISE"]}]})
	count(o365g_008.deny) == 0 with input as warning
	count(o365g_008.notes) == 1 with input as warning
}

test_error_when_subscriptions_not_exported if {
	count(o365g_008.error) == 1 with input as testinput.without("subscriptions")
}

# Licences and subscriptions must agree: a licence on a SKU that no exported
# subscription holds is an inconsistent export, an error naming the SKU and
# its users, never counted as held; so is a subscription without a status.
test_inconsistent_licences_are_an_error if {
	inp := object.union(testinput.base, {"users": array.concat(testinput.base.users, [object.union(testinput.user("dora@contoso.com", ["SPE_E5"]), {"pstn": {"calling": true, "conferencing": true}})])})
	o365g_008.error == {"licence SPE_E5 is assigned to 1 user(s) (dora@contoso.com) but no subscription of SPE_E5 is in the snapshot: the export is inconsistent; export subscribedSkus together with the users"} with input as inp
	count(o365g_008.notes) == 0 with input as inp

	empty := object.union(testinput.base, {"subscriptions": []})
	count(o365g_008.error) > 0 with input as empty
	count(o365g_008.deny) == 0 with input as empty

	nostatus := object.union(testinput.base, {"users": [], "subscriptions": [object.remove(s, ["capabilityStatus"]) | some s in testinput.base.subscriptions]})
	some msg in o365g_008.error with input as nostatus
	msg == "snapshot lacks capabilityStatus of subscription ENTERPRISEPACK (/subscriptions/0/capabilityStatus, not exported)"
}
