package report

// BlockingControl is a control that keeps a tenant from being ready.
type BlockingControl struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Phase    string `json:"phase"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	Findings int    `json:"findings"`
	NextStep string `json:"nextStep"`
	// Resources are the resources the next step is about: those of the
	// control's failing findings (of all its findings when none fails,
	// e.g. warnings), in report order, at most ResourcesShown of them;
	// MoreResources counts the rest.
	Resources     []string `json:"resources,omitempty"`
	MoreResources int      `json:"moreResources,omitempty"`
}

// ResourcesShown is how many resources a blocking control lists.
const ResourcesShown = 10

// blockingResources lists the resources of a blocking control's findings.
func blockingResources(res ControlResult) (shown []string, more int) {
	failing := false
	for _, f := range res.Findings {
		if res.Fails(f) {
			failing = true
			break
		}
	}
	seen := map[Resource]bool{}
	for _, f := range res.Findings {
		if failing && !res.Fails(f) || f.Resource.ID == "" || seen[f.Resource] {
			continue
		}
		seen[f.Resource] = true
		if len(shown) < ResourcesShown {
			shown = append(shown, f.Resource.ID)
		} else {
			more++
		}
	}
	return shown, more
}

// TenantReadiness is one tenant's verdict.
type TenantReadiness struct {
	Snapshot    string `json:"snapshot"`
	TenantID    string `json:"tenantId"`
	DisplayName string `json:"displayName"`
	Ready       bool   `json:"ready"`
	// State is ready, notReady, notApplicable or notEvaluated; Reason says
	// why for the last two.
	State    string            `json:"state"`
	Reason   string            `json:"reason,omitempty"`
	Error    string            `json:"error,omitempty"`
	Blocking []BlockingControl `json:"blocking"`
}

// Readiness lists every tenant's verdict with its blocking controls.
func (r *Report) Readiness() ([]TenantReadiness, error) {
	controls := r.ControlsByID()
	out := make([]TenantReadiness, 0, r.TenantCount())
	err := r.EachTenant(func(t *Tenant) error {
		tr := TenantReadiness{Snapshot: t.Snapshot, TenantID: t.TenantID, DisplayName: t.DisplayName,
			Ready: t.Readiness.Ready, State: t.Readiness.Verdict(), Reason: t.Readiness.Reason, Blocking: []BlockingControl{}}
		if t.Error != nil {
			tr.Error = *t.Error
		}
		results := map[string]ControlResult{}
		for _, c := range t.Controls {
			results[c.ID] = c
		}
		for _, id := range t.Readiness.Blocking {
			c, res := controls[id], results[id]
			next := c.Remediation
			if res.Status == StatusError && res.Reason != nil {
				// What to export comes before what to fix.
				next = "Export what the snapshot lacks, then scan again: " + *res.Reason
			}
			shown, more := blockingResources(res)
			tr.Blocking = append(tr.Blocking, BlockingControl{ID: id, Title: c.Title, Phase: c.Phase, Severity: c.Severity,
				Status: res.Status, Findings: len(res.Findings), NextStep: next, Resources: shown, MoreResources: more})
		}
		out = append(out, tr)
		return nil
	})
	return out, err
}
