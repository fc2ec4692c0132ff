package policies

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sync"
)

// Digest is the SHA-256 of every file in FS (names and contents, in path
// order), in hex: two reports with the same digest evaluated the same
// built-in controls and data, whatever their tool versions say.
var Digest = sync.OnceValue(func() string {
	h := sha256.New()
	_ = fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
})
