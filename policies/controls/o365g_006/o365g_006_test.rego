package controls.o365g_006_test

import data.controls.o365g_006
import data.lib.testinput

test_pass_with_user_mailboxes if {
	count(o365g_006.deny) == 0 with input as testinput.base
	count(o365g_006.skip) == 0 with input as testinput.base
}

test_fail_per_user_with_evidence if {
	inp := object.union(testinput.base, {"users": [
		object.union(testinput.user("alice@contoso.com", ["ENTERPRISEPACK"]), {"mailbox": "SharedMailbox"}),
		object.remove(testinput.user("bruno@contoso.com", ["ENTERPRISEPACK"]), ["mailbox"]),
		object.union(testinput.user("chen@contoso.com", ["ENTERPRISEPACK"]), {"disabledPlans": ["EXCHANGE_S_ENTERPRISE"]}),
	]})
	findings := o365g_006.deny with input as inp
	count(findings) == 3
	msgs := {f.msg | some f in findings}
	msgs == {
		"alice@contoso.com has a SharedMailbox, not a UserMailbox",
		"bruno@contoso.com has no mailbox",
		"chen@contoso.com has no enabled Exchange Online plan (switched off on ENTERPRISEPACK)",
	}
	some f in findings
	f.resource.id == "chen@contoso.com"
	f.evidence.disabledPlans == ["EXCHANGE_S_ENTERPRISE"]
	f.evidence.exchangePlans == []
	f.evidence.mailbox == "UserMailbox"
}

test_exchange_foundation_is_not_a_mailbox_plan if {
	inp := object.union(testinput.base, {
		"subscriptions": [{"skuPartNumber": "DYN365_ENTERPRISE_SALES", "capabilityStatus": "Enabled", "servicePlans": ["EXCHANGE_S_FOUNDATION"]}],
		"users": [testinput.user("alice@contoso.com", ["DYN365_ENTERPRISE_SALES"])],
		"dynamics": [testinput.replace(testinput.base.dynamics[0], {"users": [testinput.dyn("alice@contoso.com", ["Salesperson"])]})],
	})
	findings := o365g_006.deny with input as inp
	count(findings) == 1
}

test_dynamics_user_not_among_tenant_users if {
	inp := testinput.with_instance({"users": [testinput.dyn("zoe@contoso.com", ["Salesperson"])]})
	findings := o365g_006.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "zoe@contoso.com is not found among the tenant's users"
	f.evidence.foundAmongTenantUsers == false
}

test_disabled_users_are_out_of_scope if {
	inp := object.union(testinput.base, {
		"users": [object.union(object.remove(testinput.user("alice@contoso.com", []), ["mailbox"]), {"accountEnabled": false})],
		"dynamics": [testinput.replace(testinput.base.dynamics[0], {"users": [
			testinput.dyn("alice@contoso.com", []),
			object.union(testinput.dyn("bob@contoso.com", []), {"enabled": false}),
		]})],
	})
	count(o365g_006.deny) == 0 with input as inp
	o365g_006.skip == {"no enabled Dynamics user in the instances that use Groups"} with input as inp
}

test_skip_when_out_of_scope if {
	count(o365g_006.skip) == 1 with input as testinput.out_of_scope
	count(o365g_006.notes) == 1 with input as testinput.out_of_scope
}

test_error_when_lists_not_exported if {
	o365g_006.error == {"snapshot lacks users (not exported)"} with input as testinput.without("users")
	o365g_006.error == {"snapshot lacks users of instance sales (/dynamics/0/users, not exported)"} with input as testinput.with_instance({"users": null})
}

test_error_when_mailboxes_not_exported if {
	inp := object.union(testinput.base, {"notExported": ["mailboxes"]})
	o365g_006.error == {"snapshot lacks mailboxes (Exchange Online not exported)"} with input as inp
}

test_m365_e3_eea_no_teams_has_exchange_from_policy_data if {
	# Microsoft 365 E3 EEA (no Teams) includes Exchange Online (Microsoft's
	# licensing CSV); with no servicePlans exported, the policy data says so.
	sku := "O365_w/o Teams Bundle_M3"
	inp := object.union(testinput.base, {
		"subscriptions": [{"skuPartNumber": sku, "capabilityStatus": "Enabled"}],
		"users": [testinput.user("alice@contoso.com", [sku]), testinput.user("bruno@contoso.com", [sku]), testinput.user("chen@contoso.com", [sku])],
	})
	count(o365g_006.deny) == 0 with input as inp
	count(o365g_006.error) == 0 with input as inp
}

# Licences and subscriptions must agree: a licence on a SKU that no exported
# subscription holds is an inconsistent export, an error naming the SKU and
# its users, never counted as held; so is a subscription without a status.
test_inconsistent_licences_are_an_error if {
	inp := object.union(testinput.base, {"users": array.concat(testinput.base.users, [object.union(testinput.user("dora@contoso.com", ["SPE_E5"]), {"pstn": {"calling": true, "conferencing": true}})])})
	o365g_006.error == {"licence SPE_E5 is assigned to 1 user(s) (dora@contoso.com) but no subscription of SPE_E5 is in the snapshot: the export is inconsistent; export subscribedSkus together with the users"} with input as inp
	count(o365g_006.notes) == 0 with input as inp

	empty := object.union(testinput.base, {"subscriptions": []})
	count(o365g_006.error) > 0 with input as empty
	count(o365g_006.deny) == 0 with input as empty

	nostatus := object.union(testinput.base, {"subscriptions": [object.remove(s, ["capabilityStatus"]) | some s in testinput.base.subscriptions]})
	some msg in o365g_006.error with input as nostatus
	msg == "snapshot lacks capabilityStatus of subscription ENTERPRISEPACK (/subscriptions/0/capabilityStatus, not exported)"
}

test_plan_off_only_when_every_licence_has_it_off if {
	off_e3 := {"skuPartNumber": "ENTERPRISEPACK", "disabledPlans": ["EXCHANGE_S_ENTERPRISE"]}
	others := [testinput.user("bruno@contoso.com", ["ENTERPRISEPACK"]), testinput.user("chen@contoso.com", ["ENTERPRISEPACK"])]

	# Exchange off on E3 but on through E5: the user has Exchange Online.
	both := object.union(testinput.base, {"users": array.concat([testinput.user("alice@contoso.com", [off_e3, {"skuPartNumber": "ENTERPRISEPREMIUM", "disabledPlans": []}])], others)})
	count(o365g_006.deny) == 0 with input as both

	# Off on the only licence that has it: no Exchange Online.
	only := object.union(testinput.base, {"users": array.concat([testinput.user("alice@contoso.com", [off_e3])], others)})
	{f.resource.id | some f in o365g_006.deny with input as only} == {"alice@contoso.com"}

	# A licence object without its own disabledPlans takes the user's.
	fallback := object.union(testinput.base, {"users": array.concat([object.union(testinput.user("alice@contoso.com", [{"skuPartNumber": "ENTERPRISEPACK"}]), {"disabledPlans": ["EXCHANGE_S_ENTERPRISE"]})], others)})
	{f.resource.id | some f in o365g_006.deny with input as fallback} == {"alice@contoso.com"}
}
