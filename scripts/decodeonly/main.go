// Command decodeonly is the lower bound of a scan for docs/performance.md:
// it reads and JSON-decodes every file of a folder on all cores, and does
// nothing else.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	files, _ := filepath.Glob(filepath.Join(os.Args[1], "*.json"))
	var next, bytes atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				data, err := os.ReadFile(files[i])
				if err != nil {
					panic(err)
				}
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					panic(err)
				}
				bytes.Add(int64(len(data)))
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d files, %d bytes\n", len(files), bytes.Load())
}
