package controls.o365g_017_test

import data.controls.o365g_017
import data.lib.testinput

_group(patch) := object.union(testinput.base, {"groups": [testinput.replace(testinput.base.groups[0], patch), testinput.base.groups[1]]})

test_pass_private_group_with_sensitive_record if {
	count(o365g_017.deny) == 0 with input as testinput.base
	count(o365g_017.skip) == 0 with input as testinput.base
}

test_hidden_membership_counts_as_private if {
	count(o365g_017.deny) == 0 with input as _group({"visibility": "HiddenMembership"})
}

test_fail_public_group if {
	findings := o365g_017.deny with input as _group({"visibility": "Public"})
	count(findings) == 1
	some f in findings
	f.msg == "group Fabrikam renewal is Public but connected to sensitive records: opportunity Renewal 2027"
	f.evidence == {"visibility": "Public", "sensitiveRecords": ["opportunity Renewal 2027"]}
	f.path == "/groups/0/visibility"
}

test_missing_visibility_is_public if {
	inp := object.union(testinput.base, {"groups": [object.remove(testinput.base.groups[0], ["visibility"])]})
	some f in o365g_017.deny with input as inp
	f.evidence.visibility == "Public (visibility not set)"
	count(o365g_017.deny) == 1 with input as _group({"visibility": null})
}

test_sensitive_entities_from_data if {
	# Partner marketing (public, account record) becomes sensitive.
	findings := o365g_017.deny with input as testinput.base with data.tenantscan.sensitiveEntities as ["Account"]
	count(findings) == 1
	some f in findings
	f.resource.id == "g2"
	contains(f.msg, "group Partner marketing is Public")
}

test_skip_when_nothing_sensitive if {
	c := testinput.replace(testinput.base.groups[0].connector, {"connectedRecords": [{"entity": "opportunity", "id": "o1", "sensitive": false}]})
	inp := _group({"connector": c, "visibility": "Public"})
	o365g_017.skip == {"no group is connected to a sensitive record"} with input as inp
	count(o365g_017.deny) == 0 with input as inp
}

test_error_when_groups_not_exported if {
	o365g_017.error == {"snapshot lacks groups (not exported)"} with input as testinput.without("groups")
}
