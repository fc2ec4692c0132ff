package controls.o365g_010_test

import data.controls.o365g_010
import data.lib.testinput

test_pass_solution_installed if {
	count(o365g_010.deny) == 0 with input as testinput.base
}

test_unique_name_is_case_insensitive if {
	count(o365g_010.deny) == 0 with input as testinput.with_instance({"solutions": [{"uniqueName": "office365groups"}]})
}

test_fail_solution_missing if {
	inp := testinput.with_instance({"solutions": [{"uniqueName": "msdynce_Sales"}]})
	findings := o365g_010.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "instance sales does not have the Office 365 Groups solution installed"
	f.evidence.installedSolutions == ["msdynce_Sales"]
	f.path == "/dynamics/0/solutions"
}

test_fail_with_no_solutions if {
	count(o365g_010.deny) == 1 with input as testinput.with_instance({"solutions": []})
}

test_skip_when_out_of_scope if {
	count(o365g_010.skip) == 1 with input as testinput.out_of_scope
	count(o365g_010.deny) == 0 with input as testinput.out_of_scope
}

test_error_when_solutions_not_exported if {
	inp := object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["solutions"])]})
	o365g_010.error == {"snapshot lacks solutions of instance sales (/dynamics/0/solutions, not exported)"} with input as inp
	count(o365g_010.deny) == 0 with input as inp
}
