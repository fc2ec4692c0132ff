package rawexport

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tenantscan/tenantscan/snapshot"
	"gopkg.in/yaml.v3"
)

// ExtraFile is the file of an export folder holding the facts no API
// returns; discovery knows it too (snapshot.ExtraFile).
const ExtraFile = snapshot.ExtraFile

// importer maps one export folder to a snapshot document.
type importer struct {
	root     string
	lim      snapshot.Limits
	warnings []string
	leftOut  []LeftOut
	facts    []string // where derived facts came from
}

func (im *importer) warn(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

// LeftOut is a record of the export that the import did not carry into the
// snapshot, and why (a system or application user, a row without a
// principal name …), so that an administrator can check it.
type LeftOut struct {
	File    string // relative to the export folder, with forward slashes
	Pointer string // JSON pointer of the record in the file
	Record  string // what the record is, e.g. a principal name
	Reason  string
}

func (l LeftOut) String() string {
	return fmt.Sprintf("%s:%s: %s: %s", l.File, l.Pointer, l.Record, l.Reason)
}

// leave records that an item was left out.
func (im *importer) leave(it rawItem, record, reason string) {
	im.leftOut = append(im.leftOut, LeftOut{File: im.rel(it.file), Pointer: it.ptr, Record: record, Reason: reason})
}

// rel is a file's path relative to the export folder.
func (im *importer) rel(file string) string {
	if r, err := filepath.Rel(im.root, file); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(file)
}

// Imported is the result of importing an export folder.
type Imported struct {
	Doc      map[string]any // the snapshot document (format v1)
	Warnings []string       // facts not exported or kept as found, to check
	LeftOut  []LeftOut      // records not carried into the snapshot, and why
	Facts    []string       // the records each derived fact comes from
}

// ImportExport reads a raw export folder and returns the snapshot document
// and the import's warnings, followed by one line per record left out
// (see Import).
func ImportExport(dir string, lim snapshot.Limits) (map[string]any, []string, error) {
	res, err := Import(dir, lim)
	if err != nil {
		return nil, nil, err
	}
	return res.Doc, res.Warnings, nil
}

// Import reads a raw export folder (Graph, Exchange Online and Dataverse
// responses as the services return them, plus tenantscan-extra.yaml) and
// maps it to a snapshot document of format v1. Every fact comes from a
// documented field that shows it, or from the extra file; a fact neither
// shows is left absent, so the controls that need it report error. A file
// that is missing leaves its part of the snapshot absent ("not
// exported"); a malformed file, a broken page chain or an extra-file entry
// that matches nothing is a *LoadError naming the file and place.
// Warnings and the records left out are returned and recorded in
// exporter.warnings and exporter.leftOut.
func Import(dir string, lim snapshot.Limits) (*Imported, error) {
	im := &importer{root: dir, lim: lim}
	doc := map[string]any{"apiVersion": "tenantscan/v1", "kind": "TenantSnapshot"}
	extra, err := im.readExtra()
	if err != nil {
		return nil, err
	}
	// Each step takes what it needs from the steps before it as arguments:
	// the licence catalogue of subscriptions, the user ids of users.
	if err := im.organization(doc); err != nil {
		return nil, err
	}
	lic, err := im.subscriptions(doc)
	if err != nil {
		return nil, err
	}
	upns, err := im.users(doc, extra, lic)
	if err != nil {
		return nil, err
	}
	if err := im.groups(doc, extra, upns); err != nil {
		return nil, err
	}
	if err := im.dynamics(doc, extra, upns); err != nil {
		return nil, err
	}
	doc["exportedAt"] = im.exportedAt(extra)
	exporter := map[string]any{"name": "tenantscan import", "source": filepath.ToSlash(dir)}
	if len(im.warnings) > 0 {
		exporter["warnings"] = anyStrings(im.warnings)
	}
	if len(im.facts) > 0 {
		exporter["facts"] = anyStrings(im.facts)
	}
	if len(im.leftOut) > 0 {
		lines := make([]string, len(im.leftOut))
		for i, l := range im.leftOut {
			lines[i] = l.String()
		}
		exporter["leftOut"] = anyStrings(lines)
	}
	doc["exporter"] = exporter
	return &Imported{Doc: doc, Warnings: im.warnings, LeftOut: im.leftOut, Facts: im.facts}, nil
}

// LoadExport imports the raw export folder src names and validates the
// result like any snapshot (FromImport): the one way a folder becomes a
// snapshot. owns is asked as soon as the tenant id is known, as in
// LoadOwned.
func LoadExport(src snapshot.Source, lim snapshot.Limits, owns func(string) bool) (*snapshot.Snapshot, error) {
	if src.Err != nil {
		return nil, &snapshot.LoadError{File: src.Name, Problems: []*snapshot.PosError{{Msg: snapshot.DescribeOSError(src.Err)}}}
	}
	doc, _, err := ImportExport(src.Name, lim)
	if err != nil {
		return nil, err
	}
	return snapshot.FromImport(src.Name, doc, owns)
}

func anyStrings(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// extraFile is tenantscan-extra.yaml.
type extraFile struct {
	path string     // the file, for errors
	node *yaml.Node // the document, for the line of a key

	ExportedAt string                   `yaml:"exportedAt"`
	Instances  map[string]extraInstance `yaml:"instances"`
	Groups     map[string]extraGroup    `yaml:"groups"`
	Users      map[string]extraUser     `yaml:"users"`
}

type extraInstance struct {
	URL            string           `yaml:"url"`
	Version        string           `yaml:"version"`
	Deployment     string           `yaml:"deployment"`
	UsesGroups     *bool            `yaml:"usesGroups"`
	SharePoint     map[string]any   `yaml:"sharePoint"`
	Exchange       map[string]any   `yaml:"exchange"`
	Customizations map[string]any   `yaml:"customizations"`
	GroupEntities  []map[string]any `yaml:"groupEntities"`
}

type extraGroup struct {
	Connector map[string]any `yaml:"connector"`
}

type extraUser struct {
	PSTN map[string]any `yaml:"pstn"`
}

func (im *importer) readExtra() (*extraFile, error) {
	path := filepath.Join(im.root, ExtraFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		im.warn("%s not found: deployment, scope, Groups settings, connectors, sensitivity and PSTN use are not exported", ExtraFile)
		return &extraFile{path: path}, nil
	}
	data, err := snapshot.ReadLimited(snapshot.Source{Name: path}, nil, im.lim.MaxBytes)
	if err != nil {
		return nil, rawError(path, err)
	}
	// Check the document like a snapshot first (duplicate keys, limits)…
	if _, _, err := snapshot.DecodeYAML(data, im.lim); err != nil {
		return nil, rawError(path, err)
	}
	// …then read it strictly: an unknown key is a mistake.
	var x extraFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&x); err != nil {
		return nil, rawError(path, snapshot.YAMLSyntaxError(err))
	}
	x.path = path
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err == nil {
		x.node = &node
	}
	return &x, nil
}

// fail is an error about the entry at keys (e.g. "users", a principal
// name), naming the file, the JSON pointer and the line of the key.
func (x *extraFile) fail(msg string, keys ...string) error {
	ptr := ""
	for _, k := range keys {
		ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
	}
	return &snapshot.LoadError{File: x.path, Problems: []*snapshot.PosError{{Pointer: ptr, Line: x.line(keys...), Msg: msg}}}
}

// line is the line of the key at path in the extra file, 0 if unknown.
func (x *extraFile) line(keys ...string) int {
	if x.node == nil || len(x.node.Content) == 0 {
		return 0
	}
	n, line := x.node.Content[0], 0
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func (im *importer) exportedAt(x *extraFile) string {
	if x.ExportedAt != "" {
		return x.ExportedAt
	}
	var newest time.Time
	_ = filepath.WalkDir(im.root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		return nil
	})
	im.warn("exportedAt not given in %s: using the newest file time", ExtraFile)
	return newest.UTC().Format(time.RFC3339)
}

func (im *importer) graph(name string) ([]rawItem, bool, error) {
	return readCollection(filepath.Join(im.root, "graph"), name, im.lim)
}

func (im *importer) organization(doc map[string]any) error {
	items, ok, err := im.graph("organization")
	if err != nil {
		return err
	}
	if !ok || len(items) == 0 {
		return rawError(filepath.Join(im.root, "graph", "organization.json"), errors.New("missing or empty: the tenant id comes from GET /organization"))
	}
	org := items[0]
	tenant := map[string]any{}
	id, _, err := org.str("id")
	if err != nil {
		return err
	}
	tenant["id"] = id
	if err := copyFields(tenant, org.str, "displayName"); err != nil {
		return err
	}
	domains, _, err := org.list("verifiedDomains")
	if err != nil {
		return err
	}
	for i, d := range domains {
		dom, err := org.sub("verifiedDomains", i, d)
		if err != nil {
			return err
		}
		if isDefault, _, _ := dom.boolean("isDefault"); isDefault {
			tenant["defaultDomain"], _, _ = dom.str("name")
		}
	}
	doc["tenant"] = tenant
	return nil
}

// licensing is what subscriptions learns for the steps after it: the
// names of the licences and service plans that users refer to by id.
type licensing struct {
	skuByID  map[string]string // skuId (lower) → skuPartNumber
	planByID map[string]string // servicePlanId (lower) → servicePlanName
}

// subscriptions maps graph/subscribedSkus and returns the licence
// catalogue (empty when it was not exported).
func (im *importer) subscriptions(doc map[string]any) (licensing, error) {
	lic := licensing{skuByID: map[string]string{}, planByID: map[string]string{}}
	items, ok, err := im.graph("subscribedSkus")
	if err != nil || !ok {
		return lic, err
	}
	subs := make([]any, 0, len(items))
	for _, it := range items {
		sku, _, err := it.str("skuPartNumber")
		if err != nil {
			return lic, err
		}
		s := map[string]any{"skuPartNumber": sku}
		if id, ok, err := it.str("skuId"); err != nil {
			return lic, err
		} else if ok {
			s["skuId"] = id
			lic.skuByID[lowerKey(id)] = sku
		}
		if err := copyFields(s, it.str, "capabilityStatus"); err != nil {
			return lic, err
		}
		if err := copyFields(s, it.number, "consumedUnits"); err != nil {
			return lic, err
		}
		if pu, ok := it.obj["prepaidUnits"].(map[string]any); ok {
			pit := rawItem{obj: pu, file: it.file, ptr: it.ptr + "/prepaidUnits"}
			if n, ok, err := pit.number("enabled"); err != nil {
				return lic, err
			} else if ok {
				s["prepaidUnits"] = n
			}
		}
		plans, hasPlans, err := it.list("servicePlans")
		if err != nil {
			return lic, err
		}
		if !hasPlans {
			subs = append(subs, s) // service plans not exported
			continue
		}
		names := make([]any, 0, len(plans))
		for i, p := range plans {
			plan, err := it.sub("servicePlans", i, p)
			if err != nil {
				return lic, err
			}
			name, _, err := plan.str("servicePlanName")
			if err != nil {
				return lic, err
			}
			if id, ok, _ := plan.str("servicePlanId"); ok {
				lic.planByID[lowerKey(id)] = name
			}
			names = append(names, name)
		}
		s["servicePlans"] = names
		subs = append(subs, s)
	}
	doc["subscriptions"] = subs
	return lic, nil
}

// users maps graph/users (and exchange/mailboxes) and returns the user
// ids it saw, by which groups and Dataverse users name their members.
func (im *importer) users(doc map[string]any, extra *extraFile, lic licensing) (map[string]string, error) {
	upnByID := map[string]string{} // Graph user id (lower) → userPrincipalName
	items, ok, err := im.graph("users")
	if err != nil {
		return nil, err
	}
	pstn, err := extraUsers(extra)
	if err != nil {
		return nil, err
	}
	if !ok {
		for _, key := range slices.Sorted(maps.Keys(extra.Users)) {
			return nil, extra.fail("names a user, but graph/users.json was not exported: the entry cannot be matched", "users", key)
		}
		return upnByID, nil
	}
	mailboxes, mailboxesExported, err := im.mailboxes()
	if err != nil {
		return nil, err
	}
	if !mailboxesExported {
		im.warn("exchange/mailboxes.json not found: mailboxes are not exported")
		doc["notExported"] = []any{"mailboxes"}
	}
	users := make([]any, 0, len(items))
	for _, it := range items {
		upn, _, err := it.str("userPrincipalName")
		if err != nil {
			return nil, err
		}
		u := map[string]any{"userPrincipalName": upn}
		id, hasID, err := it.str("id")
		if err != nil {
			return nil, err
		}
		if hasID {
			u["id"] = id
			upnByID[lowerKey(id)] = upn
		}
		if err := copyFields(u, it.boolean, "accountEnabled"); err != nil {
			return nil, err
		}
		if err := copyFields(u, it.str, "userType"); err != nil {
			return nil, err
		}
		licences, ok, err := im.licences(it, upn, lic)
		if err != nil {
			return nil, err
		}
		if ok {
			u["licenses"] = licences
		} else {
			im.warn("%s%s: %s has no assignedLicenses (not in $select?): its licences are not exported", im.rel(it.file), it.ptr, upn)
		}
		if mailboxesExported {
			if mb, ok := mailboxes[lowerKey(id)]; ok && hasID {
				u["mailbox"] = mb
			} else if mb, ok := mailboxes[lowerKey(upn)]; ok {
				u["mailbox"] = mb
			}
		}
		if x, ok := pstn[lowerKey(upn)]; ok {
			if x.pstn != nil {
				u["pstn"] = x.pstn
			}
			x.matched = true
		}
		users = append(users, u)
	}
	for _, key := range slices.Sorted(maps.Keys(extra.Users)) {
		if x := pstn[lowerKey(key)]; !x.matched {
			return nil, extra.fail(fmt.Sprintf("matches no user of graph/users.json (userPrincipalName %s, compared ignoring case)", key), "users", key)
		}
	}
	doc["users"] = users
	return upnByID, nil
}

// extraUser is a users: entry of the extra file, keyed by the lower-case
// principal name.
type extraUserEntry struct {
	pstn    map[string]any
	matched bool
}

// extraUsers indexes the extra file's users by lower-case principal name
// (principal names are not case-sensitive: Graph and Exchange may spell
// one name differently). Two keys that differ only in case are an error.
func extraUsers(extra *extraFile) (map[string]*extraUserEntry, error) {
	out := map[string]*extraUserEntry{}
	first := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(extra.Users)) {
		k := lowerKey(key)
		if prev, dup := first[k]; dup {
			return nil, extra.fail(fmt.Sprintf("names the same user as %s (principal names are compared ignoring case)", prev), "users", key)
		}
		first[k] = key
		out[k] = &extraUserEntry{pstn: extra.Users[key].PSTN}
	}
	return out, nil
}

// licences maps a Graph user's assignedLicenses to the snapshot's licences:
// one object per licence with its skuPartNumber and the service plans
// switched off on that licence (a plan is off for the user only when every
// licence that includes it has it off: the controls decide that).
func (im *importer) licences(it rawItem, upn string, skus licensing) ([]any, bool, error) {
	licences, ok, err := it.list("assignedLicenses")
	if err != nil || !ok {
		return nil, ok, err
	}
	out := make([]any, 0, len(licences))
	for i, l := range licences {
		lic, err := it.sub("assignedLicenses", i, l)
		if err != nil {
			return nil, false, err
		}
		skuID, _, err := lic.str("skuId")
		if err != nil {
			return nil, false, err
		}
		sku, known := skus.skuByID[lowerKey(skuID)]
		if !known {
			sku = skuID
			im.warn("%s%s: licence skuId %s of %s is not among subscribedSkus; kept as the GUID", im.rel(lic.file), lic.ptr, skuID, upn)
		}
		plans, _, err := lic.list("disabledPlans")
		if err != nil {
			return nil, false, err
		}
		disabled := make([]any, 0, len(plans))
		for j, p := range plans {
			pid, ok := p.(string)
			if !ok {
				return nil, false, &snapshot.LoadError{File: lic.file, Problems: []*snapshot.PosError{{Pointer: fmt.Sprintf("%s/disabledPlans/%d", lic.ptr, j), Msg: fmt.Sprintf("got %s, want a string", jsonType(p))}}}
			}
			name, known := skus.planByID[lowerKey(pid)]
			if !known {
				name = pid
				im.warn("%s%s: disabled plan %s of %s is not among subscribedSkus' service plans; kept as the GUID", im.rel(lic.file), lic.ptr, pid, upn)
			}
			disabled = append(disabled, name)
		}
		out = append(out, map[string]any{"skuPartNumber": sku, "disabledPlans": disabled})
	}
	return out, true, nil
}

// mailboxes maps Entra object ids and user principal names (lower case)
// to RecipientTypeDetails.
func (im *importer) mailboxes() (map[string]any, bool, error) {
	items, ok, err := readCollection(filepath.Join(im.root, "exchange"), "mailboxes", im.lim)
	if err != nil || !ok {
		return nil, ok, err
	}
	out := map[string]any{}
	for _, it := range items {
		var kind any
		switch x := it.obj["RecipientTypeDetails"].(type) {
		case string:
			kind = x
		case nil:
			continue
		default: // an enum written as a number: not guessed
			kind = fmt.Sprintf("unknown (%v)", x)
			im.warn("%s%s: RecipientTypeDetails %v is a number, not guessed: make it a string with Select-Object before ConvertTo-Json (docs/export.md)", im.rel(it.file), it.ptr, x)
		}
		if id, ok, _ := it.str("ExternalDirectoryObjectId"); ok && id != "" {
			out[lowerKey(id)] = kind
		}
		if upn, ok, _ := it.str("UserPrincipalName"); ok && upn != "" {
			out[lowerKey(upn)] = kind
		}
	}
	return out, true, nil
}

var visibilities = map[string]string{"private": "Private", "public": "Public", "hiddenmembership": "HiddenMembership"}

func (im *importer) groups(doc map[string]any, extra *extraFile, upnByID map[string]string) error {
	items, ok, err := im.graph("groups")
	if err != nil {
		return err
	}
	if !ok {
		for _, key := range slices.Sorted(maps.Keys(extra.Groups)) {
			return extra.fail("names a group, but graph/groups.json was not exported: the entry cannot be matched", "groups", key)
		}
		return nil
	}
	groups := make([]any, 0, len(items))
	for _, it := range items {
		if types, ok, _ := it.list("groupTypes"); ok && !containsString(types, "Unified") {
			name, _, _ := it.str("displayName")
			im.leave(it, "group "+name, "not a Microsoft 365 group (groupTypes lacks Unified)")
			continue
		}
		g := map[string]any{}
		id, _, err := it.str("id")
		if err != nil {
			return err
		}
		g["id"] = id
		name, _, err := it.str("displayName")
		if err != nil {
			return err
		}
		g["displayName"] = name
		if err := copyFields(g, it.str, "mail"); err != nil {
			return err
		}
		if vis, ok, err := it.str("visibility"); err != nil {
			return err
		} else if ok {
			if norm, known := visibilities[strings.ToLower(vis)]; known {
				g["visibility"] = norm
			} else {
				im.warn("%s%s: unknown visibility %q treated as not set (public)", it.file, it.ptr, vis)
			}
		}
		members, exported, err := readCollection(filepath.Join(im.root, "graph", "groups", id), "members", im.lim)
		if err != nil {
			return err
		}
		if exported {
			list := []any{}
			for _, m := range members {
				mid, _, _ := m.str("id")
				if t, _, _ := m.str("@odata.type"); t != "" && t != "#microsoft.graph.user" {
					im.leave(m, fmt.Sprintf("member %s of group %s", mid, name), t+" is not a user")
					continue
				}
				if upn, ok, _ := m.str("userPrincipalName"); ok && upn != "" {
					list = append(list, upn)
				} else if upn, known := upnByID[lowerKey(mid)]; known && mid != "" {
					list = append(list, upn)
				} else {
					im.leave(m, fmt.Sprintf("member %s of group %s", mid, name), "no userPrincipalName, and no user of graph/users.json has this id")
				}
			}
			g["members"] = list
		}
		groups = append(groups, g)
	}
	if err := connectExtraGroups(groups, extra); err != nil {
		return err
	}
	doc["groups"] = groups
	return nil
}

// connectExtraGroups gives each group the connector of its extra-file
// entry. A key names a group by id (compared ignoring case, as GUIDs are)
// or by exact display name; a key that names no Microsoft 365 group, a
// display name two groups share, or two keys naming one group are errors
// naming the key.
func connectExtraGroups(groups []any, extra *extraFile) error {
	byKey := map[string]string{} // group id (lower) → the key naming it
	for _, key := range slices.Sorted(maps.Keys(extra.Groups)) {
		var hits []map[string]any
		for _, g := range groups {
			g := g.(map[string]any)
			if strings.EqualFold(g["id"].(string), key) {
				hits = []map[string]any{g}
				break
			}
			if g["displayName"] == key {
				hits = append(hits, g)
			}
		}
		switch len(hits) {
		case 0:
			return extra.fail("matches no Microsoft 365 group of graph/groups.json (by id, or by exact display name)", "groups", key)
		case 1:
		default:
			return extra.fail(fmt.Sprintf("%d Microsoft 365 groups are named %q: name the group by its id", len(hits), key), "groups", key)
		}
		g := hits[0]
		id := lowerKey(g["id"].(string))
		if prev, dup := byKey[id]; dup {
			return extra.fail(fmt.Sprintf("names the same group as %s", prev), "groups", key)
		}
		byKey[id] = key
		if c := extra.Groups[key].Connector; c != nil {
			g["connector"] = c
		}
	}
	return nil
}

func containsString(list []any, s string) bool {
	for _, v := range list {
		if str, ok := v.(string); ok && strings.EqualFold(str, s) {
			return true
		}
	}
	return false
}
