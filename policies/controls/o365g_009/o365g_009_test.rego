package controls.o365g_009_test

import data.controls.o365g_009
import data.lib.testinput

test_pass_onenote_with_sharepoint if {
	count(o365g_009.deny) == 0 with input as testinput.base
	count(o365g_009.skip) == 0 with input as testinput.base
}

test_fail_onenote_without_sharepoint if {
	inp := testinput.with_instance({"sharePoint": {"serverBasedIntegration": false, "oneNoteIntegration": true}})
	findings := o365g_009.deny with input as inp
	count(findings) == 1
	some f in findings
	f.msg == "instance sales has OneNote integration on but server-based SharePoint integration off"
	f.evidence == {"oneNoteIntegration": true, "serverBasedIntegration": false}
}

test_skip_when_onenote_is_off if {
	inp := testinput.with_instance({"sharePoint": {"serverBasedIntegration": false, "oneNoteIntegration": false}})
	o365g_009.skip == {"no instance that uses Groups has OneNote integration on"} with input as inp
	count(o365g_009.deny) == 0 with input as inp
}

test_error_when_sharepoint_not_exported if {
	inp := object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["sharePoint"])]})
	count(o365g_009.error) == 1 with input as inp
}
