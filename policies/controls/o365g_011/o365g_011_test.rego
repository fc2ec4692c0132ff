package controls.o365g_011_test

import data.controls.o365g_011
import data.lib.testinput

_users(users) := testinput.with_instance({"users": users})

test_pass_when_every_user_has_global_isv if {
	count(o365g_011.deny) == 0 with input as testinput.base
	count(o365g_011.skip) == 0 with input as testinput.base
}

test_fail_per_user_with_depths_as_evidence if {
	inp := _users([
		testinput.dyn("alice@contoso.com", ["Salesperson"]),
		testinput.dyn("bruno@contoso.com", ["Reader", "Local ISV"]),
		testinput.dyn("chen@contoso.com", []),
	])
	findings := o365g_011.deny with input as inp
	count(findings) == 2
	some f in findings
	f.resource == {"kind": "dynamicsUser", "id": "sales/bruno@contoso.com"}
	f.msg == "bruno@contoso.com has no role with ISV Extensions at Global depth in instance sales (roles: Reader, Local ISV)"
	f.evidence.isvExtensionsDepth == {"Reader": "none", "Local ISV": "Local"}
	f.path == "/dynamics/0/users/1"
	some g in findings
	g.msg == "chen@contoso.com has no security role in instance sales"
}

test_one_good_role_is_enough if {
	count(o365g_011.deny) == 0 with input as _users([testinput.dyn("bruno@contoso.com", ["Reader", "Local ISV", "Salesperson"])])
}

test_privilege_name_is_case_insensitive if {
	roles := [{"name": "R", "privileges": [{"name": "PRVISVEXTENSIONS", "depth": "Global"}]}]
	count(o365g_011.deny) == 0 with input as testinput.with_instance({"securityRoles": roles, "users": [testinput.dyn("a@contoso.com", ["R"])]})
}

test_disabled_users_are_out_of_scope if {
	inp := object.union(testinput.base, {
		"users": [object.union(testinput.user("alice@contoso.com", []), {"accountEnabled": false})],
		"dynamics": [testinput.replace(testinput.base.dynamics[0], {"users": [
			testinput.dyn("alice@contoso.com", []),
			object.union(testinput.dyn("bob@contoso.com", []), {"enabled": false}),
		]})],
	})
	count(o365g_011.deny) == 0 with input as inp
	o365g_011.skip == {"no enabled Dynamics user in the instances that use Groups"} with input as inp
}

test_users_are_checked_per_instance if {
	second := testinput.replace(testinput.base.dynamics[0], {"name": "service", "securityRoles": [{"name": "Salesperson", "privileges": []}]})
	inp := object.union(testinput.base, {"dynamics": [testinput.base.dynamics[0], second]})
	findings := o365g_011.deny with input as inp
	count(findings) == 3
	{f.resource.id | some f in findings} == {"service/alice@contoso.com", "service/bruno@contoso.com", "service/chen@contoso.com"}
}

test_skip_when_out_of_scope if {
	count(o365g_011.skip) == 1 with input as testinput.out_of_scope
}

test_error_when_roles_not_exported if {
	inp := object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["securityRoles"])]})
	o365g_011.error == {"snapshot lacks securityRoles of instance sales (/dynamics/0/securityRoles, not exported)"} with input as inp
	count(o365g_011.deny) == 0 with input as inp
}

test_missing_privileges_matter_only_where_they_decide if {
	roles := [
		{"id": "r1", "name": "Salesperson", "privileges": [{"name": "prvISVExtensions", "depth": "Global"}]},
		{"id": "r2", "name": "Unknown"},
		{"id": "r3", "name": "Depthless", "privileges": [{"name": "prvReadAccount", "depth": "Global"}, {"name": "prvISVExtensions"}]},
	]

	# Alice holds a granting role: the role without privileges decides nothing.
	granted := testinput.with_instance({"securityRoles": roles, "users": [testinput.dyn("alice@contoso.com", ["r1", "r2"])]})
	count(o365g_011.error) == 0 with input as granted
	count(o365g_011.deny) == 0 with input as granted

	# Bruno holds only the undetermined roles: error naming each, no finding.
	undetermined := testinput.with_instance({"securityRoles": roles, "users": [testinput.dyn("bruno@contoso.com", ["r2", "r3"])]})
	o365g_011.error == {
		"snapshot lacks privileges of role Unknown (id r2) of instance sales (/dynamics/0/securityRoles/1/privileges, not exported)",
		"snapshot lacks the depth of privilege prvISVExtensions of role Depthless (id r3) of instance sales (/dynamics/0/securityRoles/2/privileges/1/depth, not exported)",
	} with input as undetermined
	count(o365g_011.deny) == 0 with input as undetermined
}
