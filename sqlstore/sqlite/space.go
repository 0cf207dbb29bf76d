//go:build unix

package sqlite

import "syscall"

// freeSpace returns a function reporting the bytes an unprivileged writer may still use on the
// file system holding dir.
func freeSpace(dir string) func() (int64, error) {
	return func() (int64, error) {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			return 0, err
		}
		return int64(st.Bavail) * int64(st.Bsize), nil
	}
}
