package controls.o365g_016_test

import data.controls.o365g_016
import data.lib.testinput

_types(types) := object.union(testinput.base, {"groups": [testinput.replace(testinput.base.groups[0], {"connector": testinput.replace(testinput.base.groups[0].connector, {"activityTypes": types})})]})

test_pass_tasks_only if {
	count(o365g_016.deny) == 0 with input as testinput.base
	count(o365g_016.deny) == 0 with input as _types(["Task"])
}

test_fail_other_activity_types if {
	findings := o365g_016.deny with input as _types(["task", "email", "appointment"])
	count(findings) == 1
	some f in findings
	f.msg == "group Fabrikam renewal's connector sends email, appointment; only task activities are supported"
	f.evidence.unsupported == ["email", "appointment"]
}

test_skip_without_connectors if {
	count(o365g_016.skip) == 1 with input as object.union(testinput.base, {"groups": []})
}

test_error_when_not_exported if {
	count(o365g_016.error) == 1 with input as testinput.without("groups")
	c := object.remove(testinput.base.groups[0].connector, ["activityTypes"])
	inp := object.union(testinput.base, {"groups": [testinput.replace(testinput.base.groups[0], {"connector": c})]})
	o365g_016.error == {"snapshot lacks connector.activityTypes of group Fabrikam renewal (/groups/0/connector/activityTypes, not exported)"} with input as inp
}
