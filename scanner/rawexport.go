package scanner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ExtraFile is the file of an export folder holding the facts no API
// returns (instance deployment and scope, Groups settings, connectors,
// record sensitivity, PSTN use).
const ExtraFile = "tenantscan-extra.yaml"

// IsExportFolder reports whether dir is a raw export folder (it has a
// graph/ or dataverse/ folder, or the extra file) rather than a folder of
// snapshots.
func IsExportFolder(dir string) bool {
	for _, name := range []string{"graph", "dataverse"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil && info.IsDir() {
			return true
		}
	}
	_, err := os.Stat(filepath.Join(dir, ExtraFile))
	return err == nil
}

// importer maps one export folder to a snapshot document.
type importer struct {
	root     string
	lim      Limits
	warnings []string
	skuByID  map[string]string // skuId (lower) → skuPartNumber
	planByID map[string]string // servicePlanId (lower) → servicePlanName
	upnByID  map[string]string // Graph user id (lower) → userPrincipalName
}

func (im *importer) warn(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

// ImportExport reads a raw export folder (Graph, Exchange Online and
// Dataverse responses as the services return them, plus tenantscan-
// extra.yaml) and maps it to a snapshot document of format v1. A file that
// is missing leaves its part of the snapshot absent ("not exported"); a
// malformed file is a *LoadError naming it and the JSON pointer. Warnings
// (unknown licence GUIDs, assumed defaults) are returned and recorded in
// exporter.warnings.
func ImportExport(dir string, lim Limits) (map[string]any, []string, error) {
	im := &importer{root: dir, lim: lim, skuByID: map[string]string{}, planByID: map[string]string{}, upnByID: map[string]string{}}
	doc := map[string]any{"apiVersion": "tenantscan/v1", "kind": "TenantSnapshot"}
	extra, err := im.readExtra()
	if err != nil {
		return nil, nil, err
	}
	steps := []func(map[string]any, *extraFile) error{im.organization, im.subscriptions, im.users, im.groups, im.dynamics}
	for _, step := range steps {
		if err := step(doc, extra); err != nil {
			return nil, nil, err
		}
	}
	doc["exportedAt"] = im.exportedAt(extra)
	exporter := map[string]any{"name": "tenantscan import", "source": filepath.ToSlash(dir)}
	if len(im.warnings) > 0 {
		w := make([]any, len(im.warnings))
		for i, s := range im.warnings {
			w[i] = s
		}
		exporter["warnings"] = w
	}
	doc["exporter"] = exporter
	return doc, im.warnings, nil
}

// extraFile is tenantscan-extra.yaml.
type extraFile struct {
	ExportedAt string                   `yaml:"exportedAt"`
	Instances  map[string]extraInstance `yaml:"instances"`
	Groups     map[string]extraGroup    `yaml:"groups"`
	Users      map[string]extraUser     `yaml:"users"`
}

type extraInstance struct {
	URL            string           `yaml:"url"`
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
		return &extraFile{}, nil
	}
	data, err := readLimited(Source{Name: path}, nil, im.lim.MaxBytes)
	if err != nil {
		return nil, rawError(path, err)
	}
	// Check the document like a snapshot first (duplicate keys, limits)…
	if _, _, err := decodeYAML(data, im.lim); err != nil {
		return nil, rawError(path, err)
	}
	// …then read it strictly: an unknown key is a mistake.
	var x extraFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&x); err != nil {
		return nil, rawError(path, yamlSyntaxError(err))
	}
	return &x, nil
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

func (im *importer) organization(doc map[string]any, _ *extraFile) error {
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

func (im *importer) subscriptions(doc map[string]any, _ *extraFile) error {
	items, ok, err := im.graph("subscribedSkus")
	if err != nil || !ok {
		return err
	}
	subs := make([]any, 0, len(items))
	for _, it := range items {
		sku, _, err := it.str("skuPartNumber")
		if err != nil {
			return err
		}
		s := map[string]any{"skuPartNumber": sku}
		if id, ok, err := it.str("skuId"); err != nil {
			return err
		} else if ok {
			s["skuId"] = id
			im.skuByID[lowerKey(id)] = sku
		}
		if err := copyFields(s, it.str, "capabilityStatus"); err != nil {
			return err
		}
		if err := copyFields(s, it.number, "consumedUnits"); err != nil {
			return err
		}
		if pu, ok := it.obj["prepaidUnits"].(map[string]any); ok {
			pit := rawItem{obj: pu, file: it.file, ptr: it.ptr + "/prepaidUnits"}
			if n, ok, err := pit.number("enabled"); err != nil {
				return err
			} else if ok {
				s["prepaidUnits"] = n
			}
		}
		plans, _, err := it.list("servicePlans")
		if err != nil {
			return err
		}
		names := make([]any, 0, len(plans))
		for i, p := range plans {
			plan, err := it.sub("servicePlans", i, p)
			if err != nil {
				return err
			}
			name, _, err := plan.str("servicePlanName")
			if err != nil {
				return err
			}
			if id, ok, _ := plan.str("servicePlanId"); ok {
				im.planByID[lowerKey(id)] = name
			}
			names = append(names, name)
		}
		s["servicePlans"] = names
		subs = append(subs, s)
	}
	doc["subscriptions"] = subs
	return nil
}

func (im *importer) users(doc map[string]any, extra *extraFile) error {
	items, ok, err := im.graph("users")
	if err != nil || !ok {
		return err
	}
	mailboxes, mailboxesExported, err := im.mailboxes()
	if err != nil {
		return err
	}
	if !mailboxesExported {
		im.warn("exchange/mailboxes.json not found: mailboxes are not exported")
		doc["notExported"] = []any{"mailboxes"}
	}
	users := make([]any, 0, len(items))
	for _, it := range items {
		upn, _, err := it.str("userPrincipalName")
		if err != nil {
			return err
		}
		u := map[string]any{"userPrincipalName": upn}
		id, hasID, err := it.str("id")
		if err != nil {
			return err
		}
		if hasID {
			u["id"] = id
			im.upnByID[lowerKey(id)] = upn
		}
		if err := copyFields(u, it.boolean, "accountEnabled"); err != nil {
			return err
		}
		if err := copyFields(u, it.str, "userType"); err != nil {
			return err
		}
		licences, _, err := it.list("assignedLicenses")
		if err != nil {
			return err
		}
		skus, disabled := []any{}, []any{}
		for i, l := range licences {
			lic, err := it.sub("assignedLicenses", i, l)
			if err != nil {
				return err
			}
			skuID, _, err := lic.str("skuId")
			if err != nil {
				return err
			}
			sku, known := im.skuByID[lowerKey(skuID)]
			if !known {
				sku = skuID
				im.warn("%s: licence skuId %s of %s is not among subscribedSkus; kept as the GUID", lic.file, skuID, upn)
			}
			skus = append(skus, sku)
			plans, _, err := lic.list("disabledPlans")
			if err != nil {
				return err
			}
			for _, p := range plans {
				pid, _ := p.(string)
				name, known := im.planByID[lowerKey(pid)]
				if !known {
					name = pid
					im.warn("%s: disabled plan %s of %s is not among subscribedSkus' service plans; kept as the GUID", lic.file, pid, upn)
				}
				disabled = append(disabled, name)
			}
		}
		u["licenses"], u["disabledPlans"] = skus, disabled
		if mailboxesExported {
			if mb, ok := mailboxes[lowerKey(id)]; ok && hasID {
				u["mailbox"] = mb
			} else if mb, ok := mailboxes[lowerKey(upn)]; ok {
				u["mailbox"] = mb
			}
		}
		if x, ok := extra.Users[upn]; ok && x.PSTN != nil {
			u["pstn"] = x.PSTN
		}
		users = append(users, u)
	}
	doc["users"] = users
	return nil
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
			im.warn("%s%s: RecipientTypeDetails %v is a number; export with ConvertTo-Json -EnumsAsStrings", it.file, it.ptr, x)
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

func (im *importer) groups(doc map[string]any, extra *extraFile) error {
	items, ok, err := im.graph("groups")
	if err != nil || !ok {
		return err
	}
	groups := make([]any, 0, len(items))
	for _, it := range items {
		if types, ok, _ := it.list("groupTypes"); ok && !containsString(types, "Unified") {
			continue // not a Microsoft 365 group
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
				if t, _, _ := m.str("@odata.type"); t != "" && t != "#microsoft.graph.user" {
					continue // nested groups, contacts, devices
				}
				if upn, ok, _ := m.str("userPrincipalName"); ok {
					list = append(list, upn)
				} else if mid, ok, _ := m.str("id"); ok {
					if upn, known := im.upnByID[lowerKey(mid)]; known {
						list = append(list, upn)
					}
				}
			}
			g["members"] = list
		}
		if x, ok := extra.Groups[id]; ok && x.Connector != nil {
			g["connector"] = x.Connector
		} else if x, ok := extra.Groups[name]; ok && x.Connector != nil {
			g["connector"] = x.Connector
		}
		groups = append(groups, g)
	}
	doc["groups"] = groups
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
