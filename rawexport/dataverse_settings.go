package rawexport

import (
	"net/url"
	"strings"

	"github.com/tenantscan/tenantscan/snapshot"
)

// Documented values read here (Dataverse table reference):
// organization.emailconnectionchannel 0 Server-Side Synchronization, 1
// Email Router; mailbox.incomingemaildeliverymethod and
// outgoingemaildeliverymethod 2 "Server-Side Synchronization or Email
// Router"; mailbox.emailrouteraccessapproval 1 Approved;
// mailbox.incomingemailstatus and outgoingemailstatus 2 Failure;
// emailserverprofile.servertype 3 Exchange Online (Hybrid);
// sharepointsite.servicetype 0 SharePoint; sharepointsite.validationstatus
// 4 Valid; statecode 0 Active; organization.sharepointdeploymenttype 1
// On-Premises.
const (
	channelSSS         = 0
	channelEmailRouter = 1
	deliverySSS        = 2
	approvalApproved   = 1
	testFailure        = 2
	serverTypeEXOHyb   = 3
	siteSharePoint     = 0
	siteValid          = 4
	stateActive        = 0
	spOnPremises       = 1
)

// exoProfileName is the email server profile Dynamics 365 creates for
// Exchange Online in the same tenant ("Connect to Exchange Online").
const exoProfileName = "Microsoft Exchange Online"

// exchange establishes exchange.serverSideSync from the records that show
// it: the organization processes email with server-side synchronization
// (emailconnectionchannel 0), an active email server profile is for
// Exchange Online (exchangeonlinetenantid set, the Microsoft Exchange
// Online profile, or servertype Exchange Online (Hybrid)), and at least one
// active mailbox uses that profile for incoming and outgoing email with
// server-side synchronization, is approved (or the organization does not
// require approval) and has not failed its test. emailconnectionchannel
// alone proves nothing: it is required and defaults to 0. Without the
// records the fact is left absent (the control reports error).
func (im *importer) exchange(dir, instance string, org *rawItem) (map[string]any, error) {
	out := map[string]any{}
	if org == nil {
		return out, nil
	}
	channel, ok, err := org.number("emailconnectionchannel")
	if err != nil || !ok {
		return out, err
	}
	if channel == channelEmailRouter {
		out["serverSideSync"] = false
		im.fact("instance %s: exchange.serverSideSync false: organizations.json emailconnectionchannel is 1 (Email Router)", instance)
		return out, nil
	}
	if channel != channelSSS {
		im.warn("instance %s: unknown emailconnectionchannel %d: exchange.serverSideSync not exported", instance, channel)
		return out, nil
	}
	profiles, profilesOK, err := im.dvCollection(dir, "emailserverprofiles")
	if err != nil {
		return nil, err
	}
	mailboxes, mailboxesOK, err := im.dvCollection(dir, "mailboxes")
	if err != nil {
		return nil, err
	}
	if !profilesOK || !mailboxesOK {
		im.warn("instance %s: emailserverprofiles.json and mailboxes.json are needed to tell whether server-side synchronization with Exchange Online is set up: exchange.serverSideSync not exported", instance)
		return out, nil
	}
	exo := map[string]string{} // lower profile id → name
	for _, p := range profiles {
		id, _, err := p.str("emailserverprofileid")
		if err != nil {
			return nil, err
		}
		name, _, err := p.str("name")
		if err != nil {
			return nil, err
		}
		if state, ok, err := p.number("statecode"); err != nil {
			return nil, err
		} else if ok && state != stateActive {
			continue
		}
		tenant, _, err := p.str("exchangeonlinetenantid")
		if err != nil {
			return nil, err
		}
		kind, hasKind, err := p.number("servertype")
		if err != nil {
			return nil, err
		}
		if tenant != "" || name == exoProfileName || (hasKind && kind == serverTypeEXOHyb) {
			exo[lowerKey(id)] = name
		}
	}
	if len(exo) == 0 {
		out["serverSideSync"] = false
		im.fact("instance %s: exchange.serverSideSync false: emailserverprofiles.json has no active Exchange Online profile", instance)
		return out, nil
	}
	requireApproval := true
	if v, ok, err := org.boolean("requireapprovalforuseremail"); err != nil {
		return nil, err
	} else if ok {
		requireApproval = v
	}
	for _, m := range mailboxes {
		ok, err := sssMailbox(m, exo, requireApproval)
		if err != nil {
			return nil, err
		}
		if ok {
			name, _, _ := m.str("name")
			profile, _, _ := m.str("_emailserverprofile_value")
			out["serverSideSync"] = true
			im.fact("instance %s: exchange.serverSideSync true: mailbox %s (mailboxes.json%s) uses profile %s with server-side synchronization for incoming and outgoing email", instance, name, m.ptr, exo[lowerKey(profile)])
			return out, nil
		}
	}
	out["serverSideSync"] = false
	im.fact("instance %s: exchange.serverSideSync false: no active, approved mailbox uses an Exchange Online profile with server-side synchronization for incoming and outgoing email", instance)
	return out, nil
}

// sssMailbox reports whether a mailbox is set up for server-side
// synchronization with one of the Exchange Online profiles.
func sssMailbox(m rawItem, exo map[string]string, requireApproval bool) (bool, error) {
	if state, ok, err := m.number("statecode"); err != nil || (ok && state != stateActive) {
		return false, err
	}
	profile, _, err := m.str("_emailserverprofile_value")
	if err != nil {
		return false, err
	}
	if _, ok := exo[lowerKey(profile)]; !ok {
		return false, nil
	}
	for _, f := range []string{"incomingemaildeliverymethod", "outgoingemaildeliverymethod"} {
		v, ok, err := m.number(f)
		if err != nil || !ok || v != deliverySSS {
			return false, err
		}
	}
	if requireApproval {
		v, ok, err := m.number("emailrouteraccessapproval")
		if err != nil || !ok || v != approvalApproved {
			return false, err
		}
	}
	for _, f := range []string{"incomingemailstatus", "outgoingemailstatus"} {
		v, ok, err := m.number(f)
		if err != nil || (ok && v == testFailure) {
			return false, err
		}
	}
	return true, nil
}

// sharePoint establishes sharePoint.serverBasedIntegration, siteUrl and
// deploymentType from sharepointsites.json: the integration is on when an
// active SharePoint site (servicetype 0) was validated (validationstatus
// 4), off when there is no active SharePoint site. The site URL tells
// SharePoint Online (*.sharepoint.com) from on-premises;
// organization.sharepointdeploymenttype is read only to confirm
// on-premises (it defaults to 0, online). oneNoteIntegration comes from
// entitydefinitions.json (IsOneNoteIntegrationEnabled on some table).
func (im *importer) sharePoint(dir, instance string, org *rawItem) (map[string]any, error) {
	out := map[string]any{}
	if err := im.oneNote(dir, instance, out); err != nil {
		return nil, err
	}
	sites, ok, err := im.dvCollection(dir, "sharepointsites")
	if err != nil || !ok {
		return out, err
	}
	var active, valid []rawItem
	for _, s := range sites {
		if state, ok, err := s.number("statecode"); err != nil {
			return nil, err
		} else if ok && state != stateActive {
			continue
		}
		if kind, ok, err := s.number("servicetype"); err != nil {
			return nil, err
		} else if ok && kind != siteSharePoint {
			continue
		}
		active = append(active, s)
		if v, ok, err := s.number("validationstatus"); err != nil {
			return nil, err
		} else if ok && v == siteValid {
			valid = append(valid, s)
		}
	}
	switch {
	case len(active) == 0:
		out["serverBasedIntegration"] = false
		im.fact("instance %s: sharePoint.serverBasedIntegration false: sharepointsites.json has no active SharePoint site", instance)
		return out, nil
	case len(valid) == 0:
		im.warn("instance %s: sharepointsites.json has active SharePoint sites but none validated (validationstatus 4): sharePoint.serverBasedIntegration not exported", instance)
		return out, nil
	}
	site := valid[0]
	for _, s := range valid {
		if def, _, _ := s.boolean("isdefault"); def {
			site = s
			break
		}
	}
	siteURL, _, err := site.str("absoluteurl")
	if err != nil {
		return nil, err
	}
	out["serverBasedIntegration"] = true
	im.fact("instance %s: sharePoint.serverBasedIntegration true: sharepointsites.json%s is an active, validated SharePoint site", instance, site.ptr)
	if siteURL == "" {
		return out, nil
	}
	out["siteUrl"] = siteURL
	onPrem := false
	if org != nil {
		if t, ok, err := org.number("sharepointdeploymenttype"); err != nil {
			return nil, err
		} else if ok && t == spOnPremises {
			onPrem = true
		}
	}
	switch {
	case sharePointOnlineHost(siteURL):
		out["deploymentType"] = "online"
	case onPrem:
		out["deploymentType"] = "onpremises"
	default:
		im.warn("instance %s: site %s is not on SharePoint Online and organizations.json does not say on-premises (sharepointdeploymenttype 1): sharePoint.deploymentType not exported", instance, siteURL)
	}
	return out, nil
}

// sharePointOnlineHost reports whether a URL is on SharePoint Online.
func sharePointOnlineHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	for _, suffix := range []string{".sharepoint.com", ".sharepoint.us", ".sharepoint-mil.us", ".sharepoint.cn"} {
		if strings.HasSuffix(h, suffix) {
			return true
		}
	}
	return false
}

// oneNote sets oneNoteIntegration from entitydefinitions.json: true when
// some table has IsOneNoteIntegrationEnabled, false when none has.
func (im *importer) oneNote(dir, instance string, out map[string]any) error {
	defs, ok, err := im.dvCollection(dir, "entitydefinitions")
	if err != nil || !ok {
		return err
	}
	seen := false
	for _, d := range defs {
		v, ok, err := d.boolean("IsOneNoteIntegrationEnabled")
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		seen = true
		if v {
			name, _, _ := d.str("LogicalName")
			out["oneNoteIntegration"] = true
			im.fact("instance %s: sharePoint.oneNoteIntegration true: table %s has IsOneNoteIntegrationEnabled", instance, name)
			return nil
		}
	}
	if !seen && len(defs) > 0 {
		return &snapshot.LoadError{File: defs[0].file, Problems: []*snapshot.PosError{{Pointer: defs[0].ptr, Msg: "no IsOneNoteIntegrationEnabled: add it to $select"}}}
	}
	out["oneNoteIntegration"] = false
	im.fact("instance %s: sharePoint.oneNoteIntegration false: no table has IsOneNoteIntegrationEnabled", instance)
	return nil
}
