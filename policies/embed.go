// Package policies embeds tenantscan's built-in Rego controls and their
// policy data. It holds no logic: the scanner compiles what it embeds.
//
// Layout: one control per folder, controls/<id>/<id>.rego, its package
// named after the path (controls.o365g_001) and its unit tests beside it in
// <id>_test.rego; shared helpers in lib/; defaults for policy data in
// data.json, under the key "tenantscan".
package policies

import "embed"

// FS holds every built-in .rego file (tests included) and data.json.
//
//go:embed data.json lib controls
var FS embed.FS

// DataFile is the name, within FS, of the default policy data.
const DataFile = "data.json"
