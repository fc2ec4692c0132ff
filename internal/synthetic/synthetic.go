// Package synthetic builds valid snapshots of any size for benchmarks and
// tests, so that their cost can be measured without a corpus on disk.
package synthetic

import (
	"fmt"
	"strings"
)

// Tenant builds a snapshot with n users, every one of them a
// Dynamics user, one group per 10 users with a connector and 10 members
// (a guest among them), and a user in 50 without a mailbox, so that every
// join of the catalogue has work to do.
func Tenant(n int) map[string]any {
	users := make([]any, 0, n)
	dynUsers := make([]any, 0, n)
	for i := 0; i < n; i++ {
		upn := fmt.Sprintf("user%06d@contoso.com", i)
		u := map[string]any{
			"userPrincipalName": upn, "accountEnabled": true, "userType": "Member",
			"licenses": []any{"ENTERPRISEPACK"}, "disabledPlans": []any{}, "mailbox": "UserMailbox",
			"pstn": map[string]any{"calling": i%20 == 0, "conferencing": false},
		}
		if i%50 == 0 {
			u["mailbox"] = nil
		}
		if i%10 == 9 {
			u["userType"] = "Guest"
		}
		users = append(users, u)
		dynUsers = append(dynUsers, map[string]any{"userPrincipalName": upn, "enabled": true, "roles": []any{"Salesperson"}})
	}
	groups := make([]any, 0, n/10)
	for g := 0; g < n/10; g++ {
		members := make([]any, 0, 10)
		for m := 0; m < 10; m++ {
			members = append(members, fmt.Sprintf("user%06d@contoso.com", g*10+m))
		}
		groups = append(groups, map[string]any{
			"id": fmt.Sprintf("g%d", g), "displayName": fmt.Sprintf("Group %d", g), "visibility": "Private", "members": members,
			"connector": map[string]any{"instance": "sales", "activityTypes": []any{"task"}, "connectedRecords": []any{
				map[string]any{"entity": "opportunity", "id": fmt.Sprintf("o%d", g), "sensitive": g%2 == 0},
			}},
		})
	}
	return map[string]any{
		"apiVersion": "tenantscan/v1", "kind": "TenantSnapshot", "exportedAt": "2026-11-20T08:00:00Z",
		"tenant": map[string]any{"id": "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11"},
		"subscriptions": []any{map[string]any{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Enabled",
			"servicePlans": []any{"EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "MCOSTANDARD"}}},
		"users":  users,
		"groups": groups,
		"dynamics": []any{map[string]any{
			"name": "sales", "deployment": "online", "version": "9.2", "usesGroups": true,
			"solutions":      []any{map[string]any{"uniqueName": "Office365Groups"}},
			"sharePoint":     map[string]any{"serverBasedIntegration": true, "deploymentType": "online", "oneNoteIntegration": false},
			"exchange":       map[string]any{"serverSideSync": true},
			"customizations": map[string]any{"unpublished": false},
			"groupEntities":  []any{map[string]any{"entity": "opportunity", "autoCreate": false}},
			"securityRoles": []any{map[string]any{"name": "Salesperson", "privileges": []any{
				map[string]any{"name": "prvISVExtensions", "depth": "Global"}}}},
			"users": dynUsers,
		}},
	}
}

// AliasBomb builds the "billion laughs" document with n levels of tenfold
// aliases.
func AliasBomb(n int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= n; i++ {
		prev := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(prev)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// Minimal is the smallest valid snapshot: the header and a tenant id.
const Minimal = `apiVersion: tenantscan/v1
kind: TenantSnapshot
exportedAt: 2026-11-20T08:00:00Z
tenant: {id: 7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11}
`
