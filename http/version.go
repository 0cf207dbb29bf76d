package http

import (
	"strconv"
	"strings"
)

// validVersion accepts dotted numbers: "3", "3.2", "3.2.10".
func validVersion(v string) bool {
	_, ok := parseVersion(v)
	return ok
}

func parseVersion(v string) ([]int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if v == "" || len(v) > 32 {
		return nil, false
	}
	var out []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// olderThan reports whether client is below minimum. A version that does not parse counts as
// older: purse cannot vouch for a client it cannot identify (GE-1).
func olderThan(client, minimum string) bool {
	c, ok := parseVersion(client)
	if !ok {
		return true
	}
	m, _ := parseVersion(minimum)
	for i := 0; i < len(m); i++ {
		var ci int
		if i < len(c) {
			ci = c[i]
		}
		if ci != m[i] {
			return ci < m[i]
		}
	}
	return false
}
