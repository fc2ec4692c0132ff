//go:build unix

package safeopen

import "syscall"

// openNonBlock makes open return at once on a named pipe or device.
const openNonBlock = syscall.O_NONBLOCK
