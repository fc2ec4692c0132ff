package controls.o365g_019_test

import data.controls.o365g_019
import data.lib.testinput

test_pass_server_side_sync if {
	count(o365g_019.deny) == 0 with input as testinput.base
}

test_fail_without_server_side_sync if {
	findings := o365g_019.deny with input as testinput.with_instance({"exchange": {"serverSideSync": false}})
	count(findings) == 1
	some f in findings
	f.msg == "instance sales does not use server-side synchronization with Exchange Online"
	f.evidence == {"serverSideSync": false}

	# An exchange object without the setting is not exported, not "off".
	count(o365g_019.deny) == 0 with input as testinput.with_instance({"exchange": {}})
	o365g_019.error == {"snapshot lacks exchange.serverSideSync of instance sales (/dynamics/0/exchange/serverSideSync, not exported)"} with input as testinput.with_instance({"exchange": {}})
}

test_skip_when_out_of_scope if {
	count(o365g_019.skip) == 1 with input as testinput.out_of_scope
}

test_error_when_not_exported if {
	inp := object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["exchange"])]})
	o365g_019.error == {"snapshot lacks exchange of instance sales (/dynamics/0/exchange, not exported)"} with input as inp
	count(o365g_019.error) == 1 with input as testinput.without("dynamics")
}
