package controls.o365g_005_test

import data.controls.o365g_005
import data.lib.testinput

_with_users(users) := object.union(testinput.base, {"users": users})

_pstn(upn, licenses, calling, conferencing) := object.union(testinput.user(upn, licenses), {"pstn": {"calling": calling, "conferencing": conferencing}})

test_pass_e5_user_with_calling_and_conferencing if {
	count(o365g_005.deny) == 0 with input as testinput.base
	count(o365g_005.skip) == 0 with input as testinput.base
}

test_fail_e3_user_with_calling if {
	inp := _with_users([_pstn("carl@contoso.com", ["ENTERPRISEPACK"], true, false)])
	findings := o365g_005.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "carl@contoso.com uses PSTN calling but lacks an E5 licence and the Phone System plan (MCOEV) for PSTN calling"
	f.path == "/users/0"
	f.evidence.e5Licenses == []
	f.evidence.licenses == ["ENTERPRISEPACK"]
}

test_e5_without_audio_conferencing_fails_conferencing if {
	inp := _with_users([
		_pstn("dana@contoso.com", ["ENTERPRISEPREMIUM_NOPSTNCONF"], true, true),
		_pstn("erin@contoso.com", ["ENTERPRISEPREMIUM_NOPSTNCONF"], true, false),
	])
	findings := o365g_005.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource.id == "dana@contoso.com"
	f.msg == "dana@contoso.com uses PSTN calling and conferencing but lacks the Audio Conferencing plan (MCOMEETADV) for PSTN conferencing"
	f.evidence.enabledPstnPlans == ["MCOEV"]
}

test_e5_without_audio_conferencing_plus_add_on_passes if {
	inp := _with_users([_pstn("dana@contoso.com", ["ENTERPRISEPREMIUM_NOPSTNCONF", "MCOMEETADV"], true, true)])
	count(o365g_005.deny) == 0 with input as inp
}

test_disabled_plan_is_not_enabled if {
	u := object.union(_pstn("fay@contoso.com", ["ENTERPRISEPREMIUM"], true, false), {"disabledPlans": ["MCOEV"]})
	findings := o365g_005.deny with input as _with_users([u])
	count(findings) == 1
	some f in findings
	f.evidence.disabledPlans == ["MCOEV"]
	f.evidence.enabledPstnPlans == ["MCOMEETADV"]
}

test_suspended_e5_does_not_count if {
	inp := object.union(_with_users([_pstn("gil@contoso.com", ["ENTERPRISEPREMIUM"], false, true)]), {"subscriptions": [
		{"skuPartNumber": "ENTERPRISEPREMIUM", "capabilityStatus": "Suspended", "servicePlans": ["MCOEV", "MCOMEETADV"]},
	]})
	some f in o365g_005.deny with input as inp
	f.msg == "gil@contoso.com uses PSTN conferencing but lacks an E5 licence and the Audio Conferencing plan (MCOMEETADV) for PSTN conferencing"
}

test_disabled_account_is_out_of_scope if {
	u := object.union(_pstn("hal@contoso.com", ["ENTERPRISEPACK"], true, true), {"accountEnabled": false})
	inp := _with_users([u])
	count(o365g_005.deny) == 0 with input as inp
	count(o365g_005.skip) == 1 with input as inp
}

test_skip_when_nobody_uses_pstn if {
	o365g_005.skip == {"nobody uses Skype for Business PSTN calling or conferencing"} with input as _with_users([testinput.user("a@contoso.com", ["ENTERPRISEPACK"])])
}

test_error_when_users_not_exported if {
	o365g_005.error == {"snapshot lacks users (not exported)"} with input as testinput.without("users")
	count(o365g_005.skip) == 0 with input as testinput.without("users")
}

test_e5_plans_from_data_when_subscription_plans_not_exported if {
	subs := [
		{"skuPartNumber": "ENTERPRISEPREMIUM", "capabilityStatus": "Enabled"},
		{"skuPartNumber": "SPE_E5_NOPSTNCONF", "capabilityStatus": "Enabled"},
	]
	inp := object.union(
		_with_users([
			_pstn("ann@contoso.com", ["ENTERPRISEPREMIUM"], true, true),
			_pstn("ben@contoso.com", ["SPE_E5_NOPSTNCONF"], true, true),
		]),
		{"subscriptions": subs},
	)
	findings := o365g_005.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource.id == "ben@contoso.com"
}

test_partial_plan_list_does_not_hide_e5_plans if {
	# A hand-written snapshot lists only some plans of the E5 subscription.
	subs := [{"skuPartNumber": "ENTERPRISEPREMIUM", "capabilityStatus": "Enabled", "servicePlans": ["EXCHANGE_S_ENTERPRISE"]}]
	inp := object.union(_with_users([_pstn("ann@contoso.com", ["ENTERPRISEPREMIUM"], true, true)]), {"subscriptions": subs})
	count(o365g_005.deny) == 0 with input as inp
}

# Licences and subscriptions must agree: a licence on a SKU that no exported
# subscription holds is an inconsistent export, an error naming the SKU and
# its users, never counted as held; so is a subscription without a status.
test_inconsistent_licences_are_an_error if {
	inp := object.union(testinput.base, {"users": array.concat(testinput.base.users, [object.union(testinput.user("dora@contoso.com", ["SPE_E5"]), {"pstn": {"calling": true, "conferencing": true}})])})
	o365g_005.error == {"licence SPE_E5 is assigned to 1 user(s) (dora@contoso.com) but no subscription of SPE_E5 is in the snapshot: the export is inconsistent; export subscribedSkus together with the users"} with input as inp
	count(o365g_005.notes) == 0 with input as inp

	empty := object.union(testinput.base, {"subscriptions": []})
	count(o365g_005.error) > 0 with input as empty
	count(o365g_005.deny) == 0 with input as empty

	nostatus := object.union(testinput.base, {"subscriptions": [object.remove(s, ["capabilityStatus"]) | some s in testinput.base.subscriptions]})
	some msg in o365g_005.error with input as nostatus
	msg == "snapshot lacks capabilityStatus of subscription ENTERPRISEPACK (/subscriptions/0/capabilityStatus, not exported)"
}
