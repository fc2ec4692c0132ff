package controls.o365g_012_test

import data.controls.o365g_012
import data.lib.testinput

test_pass_entities_enabled_and_published if {
	count(o365g_012.deny) == 0 with input as testinput.base
}

test_fail_no_entity_and_unpublished_is_one_finding if {
	inp := testinput.with_instance({"groupEntities": [], "customizations": {"unpublished": true}})
	findings := o365g_012.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "instance sales: no entity is enabled for Office 365 Groups and customizations are saved but not published"
	f.evidence == {"groupEntities": [], "unpublishedCustomizations": true}
}

test_fail_unpublished_only if {
	some f in o365g_012.deny with input as testinput.with_instance({"customizations": {"unpublished": true}})
	f.msg == "instance sales: customizations are saved but not published"
}

test_skip_when_out_of_scope if {
	count(o365g_012.skip) == 1 with input as testinput.out_of_scope
}

test_error_when_not_exported if {
	inp := object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["groupEntities", "customizations"])]})
	o365g_012.error == {
		"snapshot lacks groupEntities of instance sales (/dynamics/0/groupEntities, not exported)",
		"snapshot lacks customizations of instance sales (/dynamics/0/customizations, not exported)",
	} with input as inp
}
