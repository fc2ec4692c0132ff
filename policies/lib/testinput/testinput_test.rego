# Test inputs shared by the controls' tests: a compliant tenant that each
# test patches into the case it needs. The file name ends in _test.rego so
# that scans never load it; `tenantscan verify` does.
package lib.testinput

# A tenant that meets every control.
base := {
	"apiVersion": "tenantscan/v1",
	"kind": "TenantSnapshot",
	"exportedAt": "2026-11-20T08:00:00Z",
	"tenant": {"id": "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11", "displayName": "Contoso"},
	"subscriptions": [
		{
			"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Enabled",
			"servicePlans": ["EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "MCOSTANDARD"],
		},
		{
			"skuPartNumber": "ENTERPRISEPREMIUM", "capabilityStatus": "Enabled",
			"servicePlans": ["EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "MCOSTANDARD", "MCOEV", "MCOMEETADV"],
		},
		{
			"skuPartNumber": "ENTERPRISEPREMIUM_NOPSTNCONF", "capabilityStatus": "Enabled",
			"servicePlans": ["EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "MCOSTANDARD", "MCOEV"],
		},
		{"skuPartNumber": "MCOMEETADV", "capabilityStatus": "Enabled", "servicePlans": ["MCOMEETADV"]},
		{"skuPartNumber": "STANDARDPACK", "capabilityStatus": "Enabled", "servicePlans": ["EXCHANGE_S_STANDARD", "SHAREPOINTSTANDARD"]},
	],
	"users": [
		user("alice@contoso.com", ["ENTERPRISEPACK"]),
		object.union(user("bruno@contoso.com", ["ENTERPRISEPREMIUM"]), {"pstn": {"calling": true, "conferencing": true}}),
		user("chen@contoso.com", ["ENTERPRISEPACK"]),
		{"userPrincipalName": "partner@fabrikam.com", "accountEnabled": true, "userType": "Guest", "licenses": []},
	],
	"groups": [
		{
			"id": "g1", "displayName": "Fabrikam renewal", "visibility": "Private",
			"members": ["alice@contoso.com", "bruno@contoso.com"],
			"connector": {
				"instance": "sales", "activityTypes": ["task"],
				"connectedRecords": [{"entity": "opportunity", "id": "o1", "name": "Renewal 2027", "sensitive": true}],
			},
		},
		{
			"id": "g2", "displayName": "Partner marketing", "visibility": "Public",
			"members": ["chen@contoso.com", "partner@fabrikam.com"],
			"connector": {
				"instance": "sales", "activityTypes": ["task"],
				"connectedRecords": [{"entity": "account", "id": "a1", "name": "Fabrikam"}],
			},
		},
	],
	"dynamics": [{
		"name": "sales", "deployment": "online", "version": "9.2.24101.191", "usesGroups": true,
		"solutions": [{"uniqueName": "Office365Groups", "version": "2.0.0.12"}],
		"sharePoint": {"serverBasedIntegration": true, "deploymentType": "online", "siteUrl": "https://contoso.sharepoint.com", "oneNoteIntegration": true},
		"exchange": {"serverSideSync": true},
		"customizations": {"unpublished": false},
		"groupEntities": [
			{"entity": "opportunity", "autoCreate": false, "monthlyNewRecords": 120},
			{"entity": "account", "autoCreate": true, "monthlyNewRecords": 40},
		],
		"securityRoles": [
			{"name": "Salesperson", "privileges": [{"name": "prvISVExtensions", "depth": "Global"}]},
			{"name": "Reader", "privileges": [{"name": "prvReadAccount", "depth": "Global"}]},
			{"name": "Local ISV", "privileges": [{"name": "prvISVExtensions", "depth": "Local"}]},
		],
		"users": [
			dyn("alice@contoso.com", ["Salesperson"]),
			dyn("bruno@contoso.com", ["Salesperson", "Reader"]),
			dyn("chen@contoso.com", ["Salesperson"]),
		],
	}],
}

# A licensed member with a user mailbox.
user(upn, licenses) := {
	"userPrincipalName": upn, "accountEnabled": true, "userType": "Member",
	"licenses": licenses, "disabledPlans": [], "mailbox": "UserMailbox",
	"pstn": {"calling": false, "conferencing": false},
}

# An enabled Dynamics user.
dyn(upn, roles) := {"userPrincipalName": upn, "enabled": true, "roles": roles}

# base with one top-level key removed ("not exported").
without(key) := object.remove(base, [key])

# obj with the top-level keys of patch replaced (object.union would merge
# nested objects instead).
replace(obj, patch) := object.union(object.remove(obj, object.keys(patch)), patch)

# base with top-level keys of the in-scope instance replaced.
with_instance(patch) := object.union(base, {"dynamics": [replace(base.dynamics[0], patch)]})

# base with the first instance out of scope.
out_of_scope := with_instance({"usesGroups": false})
