package controls.o365g_018_test

import data.controls.o365g_018
import data.lib.testinput

_members(members) := object.union(testinput.base, {"groups": [testinput.replace(testinput.base.groups[0], {"members": members}), testinput.base.groups[1]]})

test_pass_members_only if {
	count(o365g_018.deny) == 0 with input as testinput.base
}

test_fail_guests_named_in_one_finding if {
	inp := _members(["alice@contoso.com", "partner@fabrikam.com", "vendor_tailspin.com#EXT#@contoso.onmicrosoft.com"])
	findings := o365g_018.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "group Fabrikam renewal is connected to sensitive records and has 2 guest member(s): partner@fabrikam.com, vendor_tailspin.com#EXT#@contoso.onmicrosoft.com"
	f.evidence.guests == ["partner@fabrikam.com", "vendor_tailspin.com#EXT#@contoso.onmicrosoft.com"]
	f.path == "/groups/0/members"
}

test_guest_by_user_type_ignoring_case if {
	count(o365g_018.deny) == 1 with input as _members(["Partner@Fabrikam.com"])
}

test_guests_in_non_sensitive_groups_are_fine if {
	# Partner marketing has a guest but no sensitive record.
	count(o365g_018.deny) == 0 with input as testinput.base
	count(testinput.base.groups[1].members) == 2
}

test_skip_when_nothing_sensitive if {
	inp := object.union(testinput.base, {"groups": [testinput.base.groups[1]]})
	o365g_018.skip == {"no group is connected to a sensitive record"} with input as inp
}

test_error_when_not_exported if {
	o365g_018.error == {"snapshot lacks users (not exported)"} with input as testinput.without("users")
	inp := object.union(testinput.base, {"groups": [object.remove(testinput.base.groups[0], ["members"])]})
	o365g_018.error == {"snapshot lacks members of group Fabrikam renewal (/groups/0/members, not exported)"} with input as inp
}

test_unknown_member_of_a_foreign_domain_is_a_guest if {
	# partner@tailspin.example is not among the users; its domain is not the tenant's.
	findings := o365g_018.deny with input as _members(["alice@contoso.com", "partner@tailspin.example", "newhire@contoso.com"])
	count(findings) == 1
	some f in findings
	f.evidence.guests == ["partner@tailspin.example"]
}

test_only_members_make_a_domain_the_tenants if {
	# vendor@fabrikam.com has no userType: it does not make fabrikam.com a
	# tenant domain, so an unknown h@fabrikam.com member is a guest.
	users := array.concat(testinput.base.users, [{"userPrincipalName": "vendor@fabrikam.com", "accountEnabled": true, "licenses": []}])
	g := object.union(testinput.base.groups[0], {"members": ["alice@contoso.com", "h@fabrikam.com"]})
	inp := object.union(testinput.base, {"users": users, "groups": [g, testinput.base.groups[1]]})
	some f in o365g_018.deny with input as inp
	f.evidence.guests == ["h@fabrikam.com"]
}
