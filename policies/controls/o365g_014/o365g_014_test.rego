package controls.o365g_014_test

import data.controls.o365g_014
import data.lib.testinput

_records(records) := object.union(testinput.base, {"groups": [testinput.replace(testinput.base.groups[0], {"connector": {
	"instance": "sales", "activityTypes": ["task"], "connectedRecords": records,
}})]})

test_pass_supported_entities if {
	count(o365g_014.deny) == 0 with input as testinput.base
	count(o365g_014.skip) == 0 with input as testinput.base
}

test_fail_one_finding_per_unsupported_record if {
	inp := _records([
		{"entity": "account", "id": "a1", "name": "Fabrikam"},
		{"entity": "contact", "id": "c1", "name": "Dana Birk"},
		{"entity": "incident", "id": "i1", "name": "Case 42"},
		{"entity": "Lead", "id": "l1", "name": "Expo lead"},
	])
	findings := o365g_014.deny with input as inp
	count(findings) == 2
	some f in findings
	f.path == "/groups/0/connector/connectedRecords/1"
	f.msg == "group Fabrikam renewal is connected to contact record Dana Birk; only account, lead, opportunity records are supported"
	f.evidence.entity == "contact"
}

test_group_of_out_of_scope_instance_is_noted if {
	extra := testinput.replace(testinput.base.dynamics[0], {"name": "legacy", "usesGroups": false})
	g := testinput.replace(testinput.base.groups[0], {"connector": {"instance": "legacy", "activityTypes": ["task"], "connectedRecords": [{"entity": "contact"}]}})
	inp := object.union(testinput.base, {"groups": [g], "dynamics": [testinput.base.dynamics[0], extra]})
	count(o365g_014.deny) == 0 with input as inp
	o365g_014.notes == {"group Fabrikam renewal is connected to instance legacy, which is out of scope"} with input as inp
	count(o365g_014.skip) == 1 with input as inp
}

test_skip_without_connectors if {
	inp := object.union(testinput.base, {"groups": [object.remove(testinput.base.groups[0], ["connector"])]})
	o365g_014.skip == {"no Office 365 group has a connector to an instance that uses Groups"} with input as inp
}

test_error_when_groups_not_exported if {
	o365g_014.error == {"snapshot lacks groups (not exported)"} with input as testinput.without("groups")
	count(o365g_014.skip) == 0 with input as testinput.without("groups")
}
