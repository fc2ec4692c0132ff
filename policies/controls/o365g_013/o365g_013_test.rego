package controls.o365g_013_test

import data.controls.o365g_013
import data.lib.testinput

_entities(entities) := testinput.with_instance({"groupEntities": entities})

test_pass_auto_create_on_low_volume if {
	count(o365g_013.warn) == 0 with input as testinput.base
	count(o365g_013.skip) == 0 with input as testinput.base
}

test_warn_at_or_above_threshold if {
	inp := _entities([
		{"entity": "lead", "autoCreate": true, "monthlyNewRecords": 500},
		{"entity": "incident", "autoCreate": true, "monthlyNewRecords": 4200},
		{"entity": "account", "autoCreate": true, "monthlyNewRecords": 499},
		{"entity": "contact", "autoCreate": false, "monthlyNewRecords": 9000},
	])
	findings := o365g_013.warn with input as inp
	count(findings) == 2
	{f.resource.id | some f in findings} == {"sales/lead", "sales/incident"}
	some f in findings
	f.resource.id == "sales/incident"
	f.msg == "instance sales: Auto Create is on for incident, which gets 4200 new records a month (threshold 500)"
	f.evidence == {"autoCreate": true, "monthlyNewRecords": 4200, "threshold": 500}
	f.path == "/dynamics/0/groupEntities/1"
}

test_threshold_comes_from_data if {
	inp := _entities([{"entity": "account", "autoCreate": true, "monthlyNewRecords": 40}])
	count(o365g_013.warn) == 1 with input as inp with data.tenantscan.autoCreateMonthlyThreshold as 10
}

test_no_volume_figure_is_an_error if {
	inp := _entities([{"entity": "lead", "autoCreate": true}, {"entity": "account", "autoCreate": true, "monthlyNewRecords": 900}])
	o365g_013.error == {"snapshot lacks monthlyNewRecords of entity lead of instance sales (/dynamics/0/groupEntities/0/monthlyNewRecords, not exported); Auto Create is on, and the recommendation needs the entity's volume"} with input as inp

	# The other entity's warning is still listed.
	{f.resource.id | some f in o365g_013.warn} == {"sales/account"} with input as inp
}

test_no_auto_create_setting_is_an_error if {
	inp := _entities([{"entity": "lead"}])
	o365g_013.error == {"snapshot lacks autoCreate of entity lead of instance sales (/dynamics/0/groupEntities/0/autoCreate, not exported)"} with input as inp
	count(o365g_013.skip) == 0 with input as inp
}

test_skip_when_no_auto_create if {
	o365g_013.skip == {"no entity has Auto Create on"} with input as _entities([{"entity": "lead", "autoCreate": false}])
}

test_error_when_entities_not_exported if {
	inp := object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["groupEntities"])]})
	count(o365g_013.error) == 1 with input as inp
	count(o365g_013.skip) == 0 with input as inp
}
