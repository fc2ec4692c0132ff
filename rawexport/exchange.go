// Exchange Online: the mailboxes of users (Get-EXOMailbox).

package rawexport

import (
	"fmt"
	"path/filepath"
)

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
