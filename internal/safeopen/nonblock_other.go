//go:build !unix

package safeopen

// openNonBlock is 0 where opening a named pipe does not block.
const openNonBlock = 0
