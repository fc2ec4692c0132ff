package rawexport

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tenantscan/tenantscan/snapshot"
)

// Dataverse systemuser.accessmode values of accounts that are not people
// using the app: Support User (Microsoft support), Non-interactive
// (service accounts), Delegated Admin (partner administrators).
var nonInteractiveAccess = map[int64]string{
	3: "Support User (accessmode 3)",
	4: "Non-interactive (accessmode 4)",
	5: "Delegated Admin (accessmode 5)",
}

// dvTeams is an instance's teams: the roles each grants and its members.
type dvTeams struct {
	roles   map[string][]string        // lower teamid → role ids
	members map[string]map[string]bool // lower systemuserid → lower teamids (from teams.json)
	listed  bool                       // some team lists its members
}

// teams reads the instance's teams: teams.json (GET teams with
// teamroles_association and, optionally, teammembership_association
// expanded), or the intersect tables teamroles.json
// (teamrolescollection) and teammemberships.json, or both. It returns nil
// when none was exported: roles granted through teams are then not
// considered, and a warning says so.
func (im *importer) teams(dir, instance string, roles *dvRoles) (*dvTeams, error) {
	items, teamsOK, err := im.dvCollection(dir, "teams")
	if err != nil {
		return nil, err
	}
	links, linksOK, err := im.dvCollection(dir, "teamroles")
	if err != nil {
		return nil, err
	}
	memberships, membershipsOK, err := im.dvCollection(dir, "teammemberships")
	if err != nil {
		return nil, err
	}
	if !teamsOK && !linksOK {
		if _, err := os.Stat(filepath.Join(dir, "systemusers.json")); err == nil {
			im.warn("instance %s: teams.json not exported: roles granted through team membership are not considered", instance)
		}
		return nil, nil
	}
	t := &dvTeams{roles: map[string][]string{}, members: map[string]map[string]bool{}, listed: membershipsOK}
	for _, l := range links {
		tid, _, err := l.str("teamid")
		if err != nil {
			return nil, err
		}
		rid, err := im.roleRef(l, roles)
		if err != nil {
			return nil, err
		}
		t.roles[lowerKey(tid)] = append(t.roles[lowerKey(tid)], rid)
	}
	for _, m := range memberships {
		tid, _, err := m.str("teamid")
		if err != nil {
			return nil, err
		}
		uid, _, err := m.str("systemuserid")
		if err != nil {
			return nil, err
		}
		if tid == "" || uid == "" {
			return nil, &snapshot.LoadError{File: m.file, Problems: []*snapshot.PosError{{Pointer: m.ptr, Msg: "a team membership without teamid or systemuserid"}}}
		}
		if t.members[lowerKey(uid)] == nil {
			t.members[lowerKey(uid)] = map[string]bool{}
		}
		t.members[lowerKey(uid)][lowerKey(tid)] = true
	}
	for _, it := range items {
		id, _, err := it.str("teamid")
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr + "/teamid", Msg: "a team without teamid: add teamid to $select"}}}
		}
		granted, ok, err := it.expanded("teamroles_association")
		if err != nil {
			return nil, err
		}
		if !ok && !linksOK {
			return nil, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr, Msg: "teamroles_association missing: expand it ($expand=teamroles_association($select=roleid)) or export teamroles.json"}}}
		}
		for i, r := range granted {
			role, err := it.sub("teamroles_association", i, r)
			if err != nil {
				return nil, err
			}
			rid, err := im.roleRef(role, roles)
			if err != nil {
				return nil, err
			}
			t.roles[lowerKey(id)] = append(t.roles[lowerKey(id)], rid)
		}
		members, ok, err := it.expanded("teammembership_association")
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		t.listed = true
		for i, m := range members {
			member, err := it.sub("teammembership_association", i, m)
			if err != nil {
				return nil, err
			}
			uid, _, err := member.str("systemuserid")
			if err != nil {
				return nil, err
			}
			if uid == "" {
				return nil, &snapshot.LoadError{File: member.file, Problems: []*snapshot.PosError{{Pointer: member.ptr, Msg: "a team member without systemuserid"}}}
			}
			if t.members[lowerKey(uid)] == nil {
				t.members[lowerKey(uid)] = map[string]bool{}
			}
			t.members[lowerKey(uid)][lowerKey(id)] = true
		}
	}
	return t, nil
}

// roleRef reads the roleid of an expanded role and checks that roles.json
// (when exported) holds it.
func (im *importer) roleRef(role rawItem, roles *dvRoles) (string, error) {
	rid, _, err := role.str("roleid")
	if err != nil {
		return "", err
	}
	if rid == "" {
		return "", &snapshot.LoadError{File: role.file, Problems: []*snapshot.PosError{{Pointer: role.ptr, Msg: "a role without roleid: expand it with $select=roleid"}}}
	}
	if roles != nil {
		r, ok := roles.byID[lowerKey(rid)]
		if !ok {
			return "", &snapshot.LoadError{File: role.file, Problems: []*snapshot.PosError{{Pointer: role.ptr + "/roleid", Msg: fmt.Sprintf("role %s is not in roles.json", rid)}}}
		}
		rid = r["id"].(string) // as roles.json spells it
	}
	return rid, nil
}

// systemUsers reads systemusers.json: the instance's users with the roles
// they hold, directly (expanded systemuserroles_association, or
// systemuserroles.json) and through their teams (see teams), each role by
// its roleid; roles are absent when neither direct source was exported. Accounts that are not
// people are left out and listed in the import's notes: application users
// (applicationid set), Support, Non-interactive and Delegated Admin users
// (accessmode 3, 4, 5), integration users (isintegrationuser), and rows
// without a principal name. The principal name is the Graph user's whose
// id is azureactivedirectoryobjectid, else domainname.
func (im *importer) systemUsers(dir, instance string, roles *dvRoles, teams *dvTeams, upnByID map[string]string) ([]any, error) {
	items, ok, err := im.dvCollection(dir, "systemusers")
	if err != nil || !ok {
		return nil, err
	}
	direct, directOK, err := im.userRoles(dir, roles)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(items))
	var noAccessMode, noDisabled, withTeams int
	for _, it := range items {
		label := systemUserLabel(it)
		if app, _, err := it.str("applicationid"); err != nil {
			return nil, err
		} else if app != "" && app != "00000000-0000-0000-0000-000000000000" {
			im.leave(it, label, "application user (applicationid "+app+")")
			continue
		}
		mode, hasMode, err := it.number("accessmode")
		if err != nil {
			return nil, err
		}
		if why, ok := nonInteractiveAccess[mode]; ok && hasMode {
			im.leave(it, label, why)
			continue
		}
		if !hasMode {
			noAccessMode++
		}
		if integ, _, err := it.boolean("isintegrationuser"); err != nil {
			return nil, err
		} else if integ {
			im.leave(it, label, "integration user (isintegrationuser true)")
			continue
		}
		upn := ""
		if aad, ok, err := it.str("azureactivedirectoryobjectid"); err != nil {
			return nil, err
		} else if ok {
			upn = upnByID[lowerKey(aad)]
		}
		if upn == "" {
			if upn, _, err = it.str("domainname"); err != nil {
				return nil, err
			}
		}
		if upn == "" {
			im.leave(it, label, "no principal name (empty domainname, and azureactivedirectoryobjectid names no user of graph/users.json)")
			continue
		}
		u := map[string]any{"userPrincipalName": upn}
		if disabled, ok, err := it.boolean("isdisabled"); err != nil {
			return nil, err
		} else if ok {
			u["enabled"] = !disabled
		} else {
			noDisabled++
		}
		if _, ok := it.obj["teammembership_association"]; ok {
			withTeams++
		}
		expanded, ok, err := it.expanded("systemuserroles_association")
		if err != nil {
			return nil, err
		}
		if ok || directOK {
			held := []string{}
			for i, r := range expanded {
				role, err := it.sub("systemuserroles_association", i, r)
				if err != nil {
					return nil, err
				}
				rid, err := im.roleRef(role, roles)
				if err != nil {
					return nil, err
				}
				held = append(held, rid)
			}
			uid, _, _ := it.str("systemuserid")
			held = append(held, direct[lowerKey(uid)]...)
			teamRoles, err := im.teamRoles(it, teams)
			if err != nil {
				return nil, err
			}
			held = append(held, teamRoles...)
			u["roles"] = uniqueFold(held)
		}
		out = append(out, u)
	}
	if teams != nil && !teams.listed && withTeams == 0 && len(out) > 0 {
		im.warn("instance %s: team membership not exported (expand teammembership_association on systemusers or teams): roles granted through teams are not considered", instance)
	}
	if noAccessMode > 0 {
		im.warn("instance %s: %d users of systemusers.json have no accessmode (not in $select?): support, non-interactive and delegated-admin accounts cannot be told from people and are kept", instance, noAccessMode)
	}
	if noDisabled > 0 {
		im.warn("instance %s: %d users of systemusers.json have no isdisabled (not in $select?): whether they are enabled is not exported", instance, noDisabled)
	}
	return out, nil
}

// userRoles reads systemuserroles.json (systemuserrolescollection), the
// intersect table of users and their directly assigned roles: an
// alternative to expanding systemuserroles_association.
func (im *importer) userRoles(dir string, roles *dvRoles) (map[string][]string, bool, error) {
	links, ok, err := im.dvCollection(dir, "systemuserroles")
	if err != nil || !ok {
		return nil, ok, err
	}
	out := map[string][]string{}
	for _, l := range links {
		uid, _, err := l.str("systemuserid")
		if err != nil {
			return nil, false, err
		}
		rid, err := im.roleRef(l, roles)
		if err != nil {
			return nil, false, err
		}
		out[lowerKey(uid)] = append(out[lowerKey(uid)], rid)
	}
	return out, true, nil
}

// teamRoles are the roles a user holds through its teams: membership from
// the user's expanded teammembership_association, or from teams.json.
func (im *importer) teamRoles(it rawItem, teams *dvTeams) ([]string, error) {
	if teams == nil {
		return nil, nil
	}
	ids := map[string]bool{}
	joined, ok, err := it.expanded("teammembership_association")
	if err != nil {
		return nil, err
	}
	if ok {
		for i, m := range joined {
			team, err := it.sub("teammembership_association", i, m)
			if err != nil {
				return nil, err
			}
			tid, _, err := team.str("teamid")
			if err != nil {
				return nil, err
			}
			if tid == "" {
				return nil, &snapshot.LoadError{File: team.file, Problems: []*snapshot.PosError{{Pointer: team.ptr, Msg: "a team without teamid: expand it with $select=teamid"}}}
			}
			ids[lowerKey(tid)] = true
		}
	}
	uid, _, _ := it.str("systemuserid")
	for tid := range teams.members[lowerKey(uid)] {
		ids[tid] = true
	}
	var out []string
	for _, tid := range slices.Sorted(maps.Keys(ids)) {
		out = append(out, teams.roles[tid]...)
	}
	return out, nil
}

// systemUserLabel names a system user row for the import's notes.
func systemUserLabel(it rawItem) string {
	for _, f := range []string{"domainname", "fullname", "internalemailaddress", "systemuserid"} {
		if v, ok, _ := it.str(f); ok && v != "" {
			return v
		}
	}
	return "system user"
}

// uniqueFold keeps the first of values equal ignoring case, in order.
func uniqueFold(list []string) []any {
	seen := map[string]bool{}
	out := make([]any, 0, len(list))
	for _, v := range list {
		if k := strings.ToLower(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}
