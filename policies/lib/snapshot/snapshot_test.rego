package lib.snapshot_test

import data.lib.snapshot

test_version_key_pads_and_strips_zeros if {
	snapshot.version_key("07.00.0001") == [7, 0, 1, 0]
	snapshot.version_key("9") == [9, 0, 0, 0]
	snapshot.version_key("9.2.24101.191") == [9, 2, 24101, 191]
}

test_version_compare_is_numeric if {
	snapshot.version_at_least("10.0", "7.1")
	snapshot.version_at_least("7.1", "7.1")
	snapshot.version_at_least("7.1.0.0", "7.1")
	snapshot.version_at_least("7.10", "7.9")
	not snapshot.version_at_least("7.0.9999", "7.1")
	not snapshot.version_at_least("07.00.0001", "7.1")
	not snapshot.version_at_least("6", "7.1")
}

test_missing_list if {
	snapshot.missing("users") == "snapshot lacks users (not exported)" with input as {}
	not snapshot.missing("users") with input as {"users": []}
}

test_scoped_users_join if {
	inp := {
		"users": [
			{"userPrincipalName": "Alice@contoso.com", "accountEnabled": true},
			{"userPrincipalName": "carol@contoso.com", "accountEnabled": false},
		],
		"dynamics": [
			{"name": "a", "usesGroups": true, "users": [
				{"userPrincipalName": "alice@contoso.com"},
				{"userPrincipalName": "carol@contoso.com"},
				{"userPrincipalName": "dave@contoso.com", "enabled": false},
				{"userPrincipalName": "erin@contoso.com"},
			]},
			{"name": "b", "usesGroups": false, "users": [{"userPrincipalName": "frank@contoso.com"}]},
		],
	}
	users := snapshot.scoped_users with input as inp
	object.keys(users) == {"alice@contoso.com", "erin@contoso.com"}
	users["alice@contoso.com"].found == true
	snapshot.user_path(users["alice@contoso.com"]) == "/users/0" with input as inp
	users["erin@contoso.com"].found == false
	snapshot.user_path(users["erin@contoso.com"]) == "/dynamics/0/users/3" with input as inp
}
