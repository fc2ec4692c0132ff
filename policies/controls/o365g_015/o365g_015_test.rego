package controls.o365g_015_test

import data.controls.o365g_015
import data.lib.testinput

_n_records(n) := object.union(testinput.base, {"groups": [testinput.replace(testinput.base.groups[1], {"connector": {
	"instance": "sales", "activityTypes": ["task"],
	"connectedRecords": [{"entity": "account", "id": sprintf("a%d", [i]), "name": sprintf("Account %d", [i])} | some i in numbers.range(1, n)],
}})]})

test_pass_up_to_five if {
	count(o365g_015.deny) == 0 with input as _n_records(5)
	count(o365g_015.deny) == 0 with input as testinput.base
}

test_fail_at_six if {
	findings := o365g_015.deny with input as _n_records(6)
	count(findings) == 1
	some f in findings
	f.msg == "group Partner marketing has 6 connected records, more than 5"
	f.evidence.connectedRecords == 6
	f.evidence.limit == 5
	count(f.evidence.records) == 6
}

test_limit_comes_from_data if {
	count(o365g_015.deny) == 1 with input as _n_records(3) with data.tenantscan.connector.maxConnectedRecords as 2
}

test_skip_without_connectors if {
	count(o365g_015.skip) == 1 with input as object.union(testinput.base, {"groups": []})
}

test_error_when_groups_not_exported if {
	count(o365g_015.error) == 1 with input as testinput.without("groups")
}
