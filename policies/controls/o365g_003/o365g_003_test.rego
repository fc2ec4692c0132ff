package controls.o365g_003_test

import data.controls.o365g_003
import data.lib.testinput

test_pass_with_enabled_exchange_subscription if {
	count(o365g_003.deny) == 0 with input as testinput.base
	count(o365g_003.error) == 0 with input as testinput.base
}

test_fail_when_no_subscription_is_usable if {
	inp := object.union(testinput.base, {"users": [], "subscriptions": [
		{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Suspended", "servicePlans": ["EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE"]},
		{"skuPartNumber": "POWER_BI_STANDARD", "capabilityStatus": "Enabled", "servicePlans": ["BI_AZURE_P0", "EXCHANGE_S_FOUNDATION"]},
	]})
	findings := o365g_003.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource.kind == "tenant"
	f.evidence.subscriptions == [
		"ENTERPRISEPACK (Suspended): EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE",
		"POWER_BI_STANDARD (Enabled): BI_AZURE_P0, EXCHANGE_S_FOUNDATION",
	]
}

test_fail_with_no_subscriptions_at_all if {
	count(o365g_003.deny) == 1 with input as object.union(testinput.base, {"users": [], "subscriptions": []})
}

test_sharepoint_alone_is_enough if {
	inp := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "SHAREPOINTSTANDARD", "capabilityStatus": "Enabled", "servicePlans": ["SHAREPOINTSTANDARD"]}]})
	count(o365g_003.deny) == 0 with input as inp
}

test_warning_counts_with_a_note if {
	inp := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "EXCHANGESTANDARD", "capabilityStatus": "Warning", "servicePlans": ["EXCHANGE_S_STANDARD"]}]})
	count(o365g_003.deny) == 0 with input as inp
	o365g_003.notes == {"subscription EXCHANGESTANDARD counts although it is in Warning (grace period)"} with input as inp
}

test_government_plan_names if {
	inp := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "ENTERPRISEPACK_GOV", "capabilityStatus": "Enabled", "servicePlans": ["EXCHANGE_S_ENTERPRISE_GOV"]}]})
	count(o365g_003.deny) == 0 with input as inp
}

test_error_when_subscriptions_not_exported if {
	o365g_003.error == {"snapshot lacks subscriptions (not exported)"} with input as testinput.without("subscriptions")
	count(o365g_003.deny) == 0 with input as testinput.without("subscriptions")
}

test_plans_from_data_when_not_exported if {
	inp := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Enabled"}]})
	count(o365g_003.deny) == 0 with input as inp

	# An unknown SKU without exported plans cannot be judged: error, no fail.
	unknown := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "CONTOSO_SKU", "capabilityStatus": "Enabled"}]})
	count(o365g_003.deny) == 0 with input as unknown
	o365g_003.error == {"snapshot lacks servicePlans of subscription CONTOSO_SKU (/subscriptions/0/servicePlans, not exported); the policy data does not know the plans of SKU CONTOSO_SKU either"} with input as unknown

	# With its plans exported, it is judged.
	known := object.union(testinput.base, {"users": [], "subscriptions": [{"skuPartNumber": "CONTOSO_SKU", "capabilityStatus": "Enabled", "servicePlans": ["MCOSTANDARD"]}]})
	some f in o365g_003.deny with input as known
	f.evidence.subscriptions == ["CONTOSO_SKU (Enabled): MCOSTANDARD"]
}

# Licences and subscriptions must agree: a licence on a SKU that no exported
# subscription holds is an inconsistent export, an error naming the SKU and
# its users, never counted as held; so is a subscription without a status.
test_inconsistent_licences_are_an_error if {
	inp := object.union(testinput.base, {"users": array.concat(testinput.base.users, [object.union(testinput.user("dora@contoso.com", ["SPE_E5"]), {"pstn": {"calling": true, "conferencing": true}})])})
	o365g_003.error == {"licence SPE_E5 is assigned to 1 user(s) (dora@contoso.com) but no subscription of SPE_E5 is in the snapshot: the export is inconsistent; export subscribedSkus together with the users"} with input as inp
	count(o365g_003.notes) == 0 with input as inp

	empty := object.union(testinput.base, {"subscriptions": []})
	count(o365g_003.error) > 0 with input as empty
	count(o365g_003.deny) == 0 with input as empty

	nostatus := object.union(testinput.base, {"users": [], "subscriptions": [object.remove(s, ["capabilityStatus"]) | some s in testinput.base.subscriptions]})
	some msg in o365g_003.error with input as nostatus
	msg == "snapshot lacks capabilityStatus of subscription ENTERPRISEPACK (/subscriptions/0/capabilityStatus, not exported)"
}
