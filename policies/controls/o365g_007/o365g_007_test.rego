package controls.o365g_007_test

import data.controls.o365g_007
import data.lib.testinput

_sp(patch) := testinput.with_instance({"sharePoint": testinput.replace(testinput.base.dynamics[0].sharePoint, patch)})

test_pass_online_integration if {
	count(o365g_007.deny) == 0 with input as testinput.base
	count(o365g_007.error) == 0 with input as testinput.base
}

test_fail_integration_off if {
	findings := o365g_007.deny with input as _sp({"serverBasedIntegration": false})
	count(findings) == 1
	some f in findings
	f.msg == "instance sales: server-based SharePoint integration is off"
	f.path == "/dynamics/0/sharePoint"
	f.evidence.serverBasedIntegration == false
}

test_fail_onpremises_sharepoint if {
	findings := o365g_007.deny with input as _sp({"deploymentType": "onpremises", "siteUrl": "https://sp.contoso.local"})
	some f in findings
	f.msg == "instance sales: server-based SharePoint integration points to SharePoint onpremises, not SharePoint Online"
	f.evidence.deploymentType == "onpremises"
}

test_site_url_shows_online_when_type_not_exported if {
	sp := object.remove(testinput.base.dynamics[0].sharePoint, ["deploymentType"])
	count(o365g_007.deny) == 0 with input as testinput.with_instance({"sharePoint": sp})
	local := object.union(sp, {"siteUrl": "https://sharepoint.contoso.local"})
	count(o365g_007.deny) == 0 with input as testinput.with_instance({"sharePoint": local})
	o365g_007.error == {"snapshot lacks sharePoint.deploymentType of instance sales (/dynamics/0/sharePoint/deploymentType, not exported); a SharePoint Online siteUrl would also tell"} with input as testinput.with_instance({"sharePoint": local})
}

test_skip_when_out_of_scope if {
	count(o365g_007.skip) == 1 with input as testinput.out_of_scope
}

test_error_when_sharepoint_not_exported if {
	o365g_007.error == {"snapshot lacks sharePoint of instance sales (/dynamics/0/sharePoint, not exported)"} with input as object.union(testinput.base, {"dynamics": [object.remove(testinput.base.dynamics[0], ["sharePoint"])]})
	count(o365g_007.error) == 1 with input as testinput.without("dynamics")
}
