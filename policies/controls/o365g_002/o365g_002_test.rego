package controls.o365g_002_test

import data.controls.o365g_002

_instance(name, version) := {"name": name, "deployment": "online", "usesGroups": true, "version": version}

test_versions_at_or_above_floor_pass if {
	inp := {"dynamics": [
		_instance("a", "9.2.24101.191"),
		_instance("b", "10.0"),
		_instance("c", "7.1"),
		_instance("d", "7.1.0.2020"),
		_instance("e", "8"),
	]}
	count(o365g_002.deny) == 0 with input as inp
}

test_versions_below_floor_fail_one_finding_each if {
	inp := {"dynamics": [
		_instance("ok", "9.0"),
		_instance("old", "07.00.0001"),
		_instance("older", "6.1.2"),
	]}
	findings := o365g_002.deny with input as inp
	count(findings) == 2
	{f.resource.id | some f in findings} == {"old", "older"}
	some f in findings
	f.resource.id == "old"
	f.evidence == {"version": "07.00.0001", "minimumVersion": "7.1"}
	f.path == "/dynamics/1/version"
}

test_floor_comes_from_data if {
	inp := {"dynamics": [_instance("a", "8.2")]}
	count(o365g_002.deny) == 1 with input as inp with data.tenantscan.minimumVersion as "9.0"
}

test_out_of_scope_instance_is_not_checked if {
	inp := {"dynamics": [_instance("a", "9.0"), object.union(_instance("b", "6.0"), {"usesGroups": false})]}
	count(o365g_002.deny) == 0 with input as inp
	count(o365g_002.notes) == 1 with input as inp
}

test_skip_when_no_instance_uses_groups if {
	count(o365g_002.skip) == 1 with input as {"dynamics": []}
}

test_error_when_version_not_exported if {
	count(o365g_002.error) == 1 with input as {"dynamics": [{"name": "a", "usesGroups": true}]}
	count(o365g_002.error) == 1 with input as {}
}
