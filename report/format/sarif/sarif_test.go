package sarif

import (
	"github.com/tenantscan/tenantscan/internal/golden"

	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenantscan/tenantscan/internal/testscan"
	"github.com/tenantscan/tenantscan/report"
)

func render(t *testing.T, r *report.Report) []byte {
	t.Helper()
	out, err := report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGolden(t *testing.T) {
	t.Parallel()
	got := render(t, testscan.Scan(t, "fixtures/relecloud-connectors.yaml", "fixtures/broken/wrong-type.json"))
	golden.Compare(t, filepath.Join("testdata", "relecloud.golden.sarif"), got)
}

// TestValidAgainstOASISSchema validates the SARIF of every fixture and the
// hostile snapshot against the OASIS SARIF 2.1.0 schema in ../shared.
func TestValidAgainstOASISSchema(t *testing.T) {
	t.Parallel()
	schemaPath := filepath.Join(testscan.Root(), "..", "shared", "reference", "sarif-schema-2.1.0.json")
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Skipf("SARIF schema not available (%v): the project builds without ../shared", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, testscan.Scan(t, "fixtures", testscan.Hostile))
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("SARIF is not valid 2.1.0: %v", err)
	}
	// The check has teeth: a level SARIF does not define is rejected.
	broken, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.Replace(out, []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)))
	if schema.Validate(broken) == nil {
		t.Error("the schema accepted an invalid level")
	}
}

func TestRulesAndResults(t *testing.T) {
	t.Parallel()
	r := testscan.Scan(t, "fixtures/relecloud-connectors.yaml", "fixtures/broken/bad-yaml.yaml")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string                `json:"id"`
						Help       struct{ Text string } `json:"help"`
						Properties map[string]any        `json:"properties"`
						Default    struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					Logical []struct {
						Name string `json:"name"`
						Kind string `json:"kind"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
			Invocations []struct {
				Success       bool              `json:"executionSuccessful"`
				Notifications []json.RawMessage `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, r), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || len(run.Tool.Driver.Rules) != len(r.Controls) {
		t.Fatalf("version %s, %d rules", log.Version, len(run.Tool.Driver.Rules))
	}
	rule := run.Tool.Driver.Rules[16] // O365G-017, critical
	if rule.ID != "O365G-017" || rule.Default.Level != "error" || rule.Properties["security-severity"] != "9.5" || rule.Help.Text == "" {
		t.Errorf("rule = %+v", rule)
	}
	findings := 0
	for _, tn := range r.Tenants {
		for _, c := range tn.Controls {
			findings += len(c.Findings)
		}
	}
	if len(run.Results) != findings {
		t.Errorf("%d results for %d findings", len(run.Results), findings)
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s points at rule %d", res.RuleID, res.RuleIndex)
		}
		loc := res.Locations[0]
		if loc.Physical.Artifact.URI != "fixtures/relecloud-connectors.yaml" || loc.Logical[0].Name == "" || loc.Logical[0].Kind == "" {
			t.Errorf("location = %+v", loc)
		}
	}
	// The broken snapshot (unreadable, so of unknown age): an error, and a
	// warning that its age is unknown (stale and unknown-age snapshots are
	// warnings of the run).
	// Proved: without the age notifications, the warning is missing.
	inv := run.Invocations[0]
	levels := map[string]int{}
	for _, raw := range inv.Notifications {
		var n struct {
			Level   string `json:"level"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		levels[n.Level]++
		if n.Level == "warning" && !strings.Contains(n.Message.Text, "unknown age") {
			t.Errorf("warning %q", n.Message.Text)
		}
	}
	if inv.Success || levels["error"] != 1 || levels["warning"] != 1 {
		t.Errorf("invocation: success %v, notifications %v; want the broken snapshot reported, with its unknown age", inv.Success, levels)
	}
}

func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct{ severity, level, score string }{
		{"critical", "error", "9.5"}, {"high", "error", "8.0"}, {"medium", "warning", "5.5"}, {"low", "note", "3.0"},
	}
	for _, tc := range tests {
		if Level(tc.severity) != tc.level || SecuritySeverity(tc.severity) != tc.score {
			t.Errorf("%s: %s %s", tc.severity, Level(tc.severity), SecuritySeverity(tc.severity))
		}
	}

}
