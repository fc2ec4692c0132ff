package controls.o365g_001_test

import data.controls.o365g_001

_online := {"name": "sales", "deployment": "online", "usesGroups": true}

_onprem := {"name": "legacy", "deployment": "onpremises", "usesGroups": true, "url": "https://crm.contoso.local"}

test_online_instance_passes if {
	inp := {"dynamics": [_online]}
	count(o365g_001.deny) == 0 with input as inp
	count(o365g_001.error) == 0 with input as inp
	count(o365g_001.skip) == 0 with input as inp
}

test_onpremises_instance_fails_with_evidence if {
	inp := {"dynamics": [_online, _onprem]}
	findings := o365g_001.deny with input as inp
	count(findings) == 1
	some f in findings
	f.resource == {"kind": "dynamicsInstance", "id": "legacy"}
	f.path == "/dynamics/1"
	f.evidence.deployment == "onpremises"
	f.msg == "instance legacy is deployed onpremises, not online"
}

test_instance_out_of_scope_is_noted_not_failed if {
	inp := {"dynamics": [_online, object.union(_onprem, {"usesGroups": false})]}
	count(o365g_001.deny) == 0 with input as inp
	o365g_001.notes == {"instance legacy is out of scope: usesGroups is not true"} with input as inp
}

test_skip_when_no_instance_uses_groups if {
	inp := {"dynamics": [object.union(_onprem, {"usesGroups": false})]}
	count(o365g_001.skip) == 1 with input as inp
	count(o365g_001.deny) == 0 with input as inp
}

test_error_when_dynamics_not_exported if {
	o365g_001.error == {"snapshot lacks dynamics (not exported)"} with input as {"users": []}
}

test_error_when_deployment_not_exported if {
	errs := o365g_001.error with input as {"dynamics": [{"name": "x", "usesGroups": true}]}
	errs == {"snapshot lacks deployment of instance x (/dynamics/0/deployment, not exported)"}
}
