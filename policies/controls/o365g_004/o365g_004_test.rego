package controls.o365g_004_test

import data.controls.o365g_004

_subs := [
	{"skuPartNumber": "CONTOSO_CUSTOM", "capabilityStatus": "Enabled"},
	{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Enabled"},
	{"skuPartNumber": "STANDARDPACK", "capabilityStatus": "Enabled"},
	{"skuPartNumber": "SPE_E5", "capabilityStatus": "Warning"},
	{"skuPartNumber": "ENTERPRISEPREMIUM", "capabilityStatus": "Suspended"},
]

_user(upn, licenses) := {"userPrincipalName": upn, "accountEnabled": true, "userType": "Member", "licenses": licenses}

_instance(users) := {"name": "sales", "deployment": "online", "usesGroups": true, "users": users}

_dyn(upn) := {"userPrincipalName": upn, "enabled": true}

_input(users, dyn_users) := {"subscriptions": _subs, "users": users, "dynamics": [_instance(dyn_users)]}

test_e3_user_passes if {
	inp := _input([_user("alice@contoso.com", ["ENTERPRISEPACK"])], [_dyn("alice@contoso.com")])
	count(o365g_004.deny) == 0 with input as inp
	count(o365g_004.error) == 0 with input as inp
	count(o365g_004.skip) == 0 with input as inp
}

test_e1_user_fails_with_licences_as_evidence if {
	inp := _input(
		[_user("alice@contoso.com", ["ENTERPRISEPACK"]), _user("bob@contoso.com", ["STANDARDPACK"])],
		[_dyn("alice@contoso.com"), _dyn("BOB@contoso.com")],
	)
	findings := o365g_004.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "bob@contoso.com has no E3-or-later licence (has STANDARDPACK)"
	f.resource == {"kind": "user", "id": "bob@contoso.com"}
	f.path == "/users/1"
	f.evidence.licenses == ["STANDARDPACK"]
	f.evidence.instances == ["sales"]
}

test_unknown_sku_is_named if {
	inp := _input([_user("bob@contoso.com", ["CONTOSO_CUSTOM"])], [_dyn("bob@contoso.com")])
	findings := o365g_004.deny with input as inp
	some f in findings
	f.msg == "bob@contoso.com has no E3-or-later licence (has CONTOSO_CUSTOM (unknown SKU))"
	f.evidence.unknownSkus == ["CONTOSO_CUSTOM"]
}

test_unknown_sku_added_through_data_passes if {
	inp := _input([_user("bob@contoso.com", ["CONTOSO_CUSTOM"])], [_dyn("bob@contoso.com")])
	subs := array.concat(_subs, [{"skuPartNumber": "CONTOSO_CUSTOM", "capabilityStatus": "Enabled"}])
	count(o365g_004.deny) == 0 with input as object.union(inp, {"subscriptions": subs})
		with data.tenantscan.skus.CONTOSO_CUSTOM as {"e3OrLater": true}
}

test_suspended_subscription_does_not_count if {
	inp := _input([_user("carl@contoso.com", ["ENTERPRISEPREMIUM"])], [_dyn("carl@contoso.com")])
	findings := o365g_004.deny with input as inp
	some f in findings
	f.msg == "carl@contoso.com has no E3-or-later licence (has ENTERPRISEPREMIUM (subscription Suspended))"
}

test_warning_subscription_counts_with_a_note if {
	inp := _input([_user("dana@contoso.com", ["SPE_E5"])], [_dyn("dana@contoso.com")])
	count(o365g_004.deny) == 0 with input as inp
	o365g_004.notes == {"subscription SPE_E5 is in Warning (grace period); its licences still count"} with input as inp
}

test_user_without_licence if {
	inp := _input([_user("erin@contoso.com", [])], [_dyn("erin@contoso.com")])
	some f in o365g_004.deny with input as inp
	f.msg == "erin@contoso.com has no E3-or-later licence (has no licence)"
}

test_dynamics_user_not_among_tenant_users if {
	inp := _input([], [_dyn("ghost@contoso.com")])
	findings := o365g_004.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "ghost@contoso.com is not found among the tenant's users, so holds no E3-or-later licence"
	f.path == "/dynamics/0/users/0"
	f.evidence.foundAmongTenantUsers == false
}

test_disabled_accounts_are_out_of_scope if {
	disabled_tenant := object.union(_user("frank@contoso.com", ["STANDARDPACK"]), {"accountEnabled": false})
	inp := _input(
		[disabled_tenant, _user("gina@contoso.com", [])],
		[_dyn("frank@contoso.com"), object.union(_dyn("gina@contoso.com"), {"enabled": false})],
	)
	count(o365g_004.deny) == 0 with input as inp
	o365g_004.skip == {"no enabled Dynamics user in the instances that use Groups"} with input as inp
}

test_one_finding_per_user_across_instances if {
	inp := {
		"subscriptions": _subs,
		"users": [_user("bob@contoso.com", ["STANDARDPACK"])],
		"dynamics": [
			_instance([_dyn("bob@contoso.com")]),
			object.union(_instance([_dyn("bob@contoso.com")]), {"name": "service"}),
		],
	}
	findings := o365g_004.deny with input as inp
	count(findings) == 1
	some f in findings
	f.evidence.instances == ["sales", "service"]
}

test_skip_when_no_instance_uses_groups if {
	inp := {"subscriptions": _subs, "users": [], "dynamics": [object.union(_instance([]), {"usesGroups": false})]}
	count(o365g_004.skip) == 1 with input as inp
}

test_error_when_lists_not_exported if {
	inst := {"name": "sales", "usesGroups": true, "users": [{"userPrincipalName": "a@contoso.com", "roles": []}]}
	o365g_004.error == {"snapshot lacks users (not exported)", "snapshot lacks subscriptions (not exported)"} with input as {"dynamics": [inst]}

	# Nothing in scope: the control skips, whatever else is missing.
	count(o365g_004.error) == 0 with input as {"dynamics": []}
	count(o365g_004.skip) == 1 with input as {"dynamics": []}

	# Nobody to check (every Dynamics user disabled): skip too.
	nobody := {"dynamics": [object.union(inst, {"users": [{"userPrincipalName": "a@contoso.com", "enabled": false}]})]}
	count(o365g_004.error) == 0 with input as nobody
	o365g_004.skip == {"no enabled Dynamics user in the instances that use Groups"} with input as nobody
	errs := o365g_004.error with input as {"subscriptions": [], "users": [], "dynamics": [{"name": "sales", "usesGroups": true}]}
	errs == {"snapshot lacks users of instance sales (/dynamics/0/users, not exported)"}
}

test_licence_without_listed_subscription_is_an_error if {
	inp := _input([_user("hugo@contoso.com", ["SPE_E3"]), _user("bob@contoso.com", ["STANDARDPACK"])], [_dyn("hugo@contoso.com"), _dyn("bob@contoso.com")])
	o365g_004.error == {"licence SPE_E3 is assigned to 1 user(s) (hugo@contoso.com) but no subscription of SPE_E3 is in the snapshot: the export is inconsistent; export subscribedSkus together with the users"} with input as inp
	count(o365g_004.notes) == 0 with input as inp

	# Hugo's verdict is not established; Bob's is, and is still listed.
	findings := o365g_004.deny with input as inp
	{f.resource.id | some f in findings} == {"bob@contoso.com"}
}

test_empty_subscriptions_with_licences_is_an_error if {
	inp := object.union(_input([_user("alice@contoso.com", ["ENTERPRISEPACK"])], [_dyn("alice@contoso.com")]), {"subscriptions": []})
	count(o365g_004.error) == 1 with input as inp
	count(o365g_004.deny) == 0 with input as inp
}

test_subscription_without_status_is_an_error if {
	subs := [{"skuPartNumber": "ENTERPRISEPACK"}]
	inp := object.union(_input([_user("alice@contoso.com", ["ENTERPRISEPACK"])], [_dyn("alice@contoso.com")]), {"subscriptions": subs})
	o365g_004.error == {"snapshot lacks capabilityStatus of subscription ENTERPRISEPACK (/subscriptions/0/capabilityStatus, not exported)"} with input as inp
	count(o365g_004.deny) == 0 with input as inp
}

test_user_without_licenses_is_an_error if {
	inp := _input([{"userPrincipalName": "alice@contoso.com"}], [_dyn("alice@contoso.com")])
	o365g_004.error == {"snapshot lacks licenses of user alice@contoso.com (/users/0/licenses, not exported)"} with input as inp
	count(o365g_004.deny) == 0 with input as inp
}

# Only a user in scope lacking licenses is an error, however the Dynamics
# entry spells the UPN; a disabled user or one who is no Dynamics user is
# not in scope.
test_only_scoped_users_without_licenses_are_errors if {
	inp := _input(
		[
			{"userPrincipalName": "Alice@Contoso.com"},
			{"userPrincipalName": "bob@contoso.com"},
			{"userPrincipalName": "dave@contoso.com", "accountEnabled": false},
			_user("carol@contoso.com", ["ENTERPRISEPACK"]),
		],
		[_dyn("alice@CONTOSO.com"), _dyn("carol@contoso.com"), _dyn("dave@contoso.com")],
	)
	o365g_004.error == {"snapshot lacks licenses of user Alice@Contoso.com (/users/0/licenses, not exported)"} with input as inp
}
