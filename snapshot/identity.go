package snapshot

import (
	"fmt"
	"strings"
)

// checkIdentity checks that every resource a control keys by, or that a
// finding names in its resource id, is identified once, so that no lookup
// is ambiguous, no two resources share a waiver or a drift fingerprint,
// and no policy evaluation can fail on a key conflict:
//
//   - groups by id, else mail, else display name (the key findings use);
//   - per instance: security roles by id; Dynamics users by principal name
//     (ignoring case); group entities by entity; and a user's role
//     reference, by id or else by name, names exactly one role;
//   - per group: connected records by entity and id (else name).
//
// Security roles may share a name (Dataverse keeps one copy of a role per
// business unit); only a user's reference to such a name is ambiguous.
func checkIdentity(doc map[string]any) []*PosError {
	var out []*PosError
	groups, _ := doc["groups"].([]any)
	groupKeys := map[string]int{}
	for i, raw := range groups {
		g, _ := raw.(map[string]any)
		field, key := groupKey(g)
		if key == "" {
			out = append(out, &PosError{Pointer: fmt.Sprintf("/groups/%d", i),
				Msg: "a group needs an id (its Graph group id), a mail or a displayName, so that findings, waivers and drift can name it"})
			continue
		}
		if j, dup := groupKeys[key]; dup {
			out = append(out, &PosError{Pointer: fmt.Sprintf("/groups/%d/%s", i, field),
				Msg: fmt.Sprintf("group %s %q is already used by /groups/%d; give each group its id (Graph group id) so findings, waivers and drift tell them apart", field, key, j)})
			continue
		}
		groupKeys[key] = i
		conn, _ := g["connector"].(map[string]any)
		records, _ := conn["connectedRecords"].([]any)
		seen := map[string]int{}
		for k, rr := range records {
			r, _ := rr.(map[string]any)
			entity, _ := r["entity"].(string)
			id := stringField(r, "id")
			if id == "" {
				id = stringField(r, "name")
			}
			rk := strings.ToLower(entity) + "\x00" + id
			if j, dup := seen[rk]; dup {
				what := fmt.Sprintf("%q", id)
				if id == "" {
					what = "with no id or name"
				}
				out = append(out, &PosError{Pointer: fmt.Sprintf("/groups/%d/connector/connectedRecords/%d", i, k),
					Msg: fmt.Sprintf("connected record %s %s is already listed at /groups/%d/connector/connectedRecords/%d", entity, what, i, j)})
				continue
			}
			seen[rk] = k
		}
	}
	instances, _ := doc["dynamics"].([]any)
	for i, raw := range instances {
		inst, _ := raw.(map[string]any)
		out = append(out, instanceIdentity(i, inst)...)
	}
	return out
}

// groupKey returns the field that identifies a group and its value.
func groupKey(g map[string]any) (field, key string) {
	for _, f := range []string{"id", "mail", "displayName"} {
		if v := stringField(g, f); v != "" {
			return f, v
		}
	}
	return "", ""
}

func stringField(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// instanceIdentity checks one instance's roles, users and group entities.
func instanceIdentity(i int, inst map[string]any) []*PosError {
	var out []*PosError
	instName := stringField(inst, "name")
	entities, _ := inst["groupEntities"].([]any)
	seenEntity := map[string]int{}
	for k, raw := range entities {
		e, _ := raw.(map[string]any)
		name := strings.ToLower(stringField(e, "entity"))
		if j, dup := seenEntity[name]; dup {
			out = append(out, &PosError{Pointer: fmt.Sprintf("/dynamics/%d/groupEntities/%d/entity", i, k),
				Msg: fmt.Sprintf("entity %q of instance %q is already listed at /dynamics/%d/groupEntities/%d", stringField(e, "entity"), instName, i, j)})
			continue
		}
		seenEntity[name] = k
	}
	users, _ := inst["users"].([]any)
	seenUser := map[string]int{}
	for j, raw := range users {
		u, _ := raw.(map[string]any)
		upn := stringField(u, "userPrincipalName")
		if k, dup := seenUser[strings.ToLower(upn)]; dup {
			out = append(out, &PosError{Pointer: fmt.Sprintf("/dynamics/%d/users/%d/userPrincipalName", i, j),
				Msg: fmt.Sprintf("Dynamics user %q of instance %q is already listed at /dynamics/%d/users/%d", upn, instName, i, k)})
			continue
		}
		seenUser[strings.ToLower(upn)] = j
	}
	roles, exported := inst["securityRoles"].([]any)
	if !exported {
		return out // not exported: the controls that need roles say so
	}
	byID := map[string]int{}
	byName := map[string][]int{}
	var names []string
	for k, raw := range roles {
		r, _ := raw.(map[string]any)
		if id := stringField(r, "id"); id != "" {
			if j, dup := byID[id]; dup {
				out = append(out, &PosError{Pointer: fmt.Sprintf("/dynamics/%d/securityRoles/%d/id", i, k),
					Msg: fmt.Sprintf("role id %q of instance %q is already used by /dynamics/%d/securityRoles/%d", id, instName, i, j)})
				continue
			}
			byID[id] = k
		}
		n := stringField(r, "name")
		if len(byName[n]) == 0 {
			names = append(names, n)
		}
		byName[n] = append(byName[n], k)
	}
	for j, raw := range users {
		u, _ := raw.(map[string]any)
		refs, _ := u["roles"].([]any)
		for k, rr := range refs {
			ref, _ := rr.(string)
			ptr := fmt.Sprintf("/dynamics/%d/users/%d/roles/%d", i, j, k)
			if _, ok := byID[ref]; ok {
				continue
			}
			switch same := byName[ref]; len(same) {
			case 1:
			case 0:
				out = append(out, &PosError{Pointer: ptr,
					Msg: fmt.Sprintf("role %q is not a security role of instance %q (/dynamics/%d/securityRoles has: %s)",
						ref, instName, i, strings.Join(names, ", "))})
			default:
				out = append(out, &PosError{Pointer: ptr,
					Msg: fmt.Sprintf("role %q of instance %q is ambiguous: /dynamics/%d/securityRoles/%d and /dynamics/%d/securityRoles/%d both have that name; name the role by its id",
						ref, instName, i, same[0], i, same[1])})
			}
		}
	}
	return out
}
