package http

import "testing"

// FuzzVersion checks the client-version comparison of GE-1 over arbitrary strings: it never
// panics; a version is never older than itself; two versions are never each older than the other;
// "older" is transitive; and a version that does not parse is always older, so an unidentifiable
// client is turned away rather than served.
func FuzzVersion(f *testing.F) {
	for _, s := range [][3]string{{"1.0", "1.0.0", "1"}, {"3.2.10", "3.10", "v3.2"}, {"", "x", "1..2"},
		{"99999999999999999999", "1.-1", " 2.0 "}, {"0", "0.0.0.0.1", "1.0.0.0.0"}, {"v", "vv1", "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		_, okA := parseVersion(a)
		_, okB := parseVersion(b)
		_, okC := parseVersion(c)
		if validVersion(a) != okA {
			t.Fatalf("validVersion(%q) disagrees with parseVersion", a)
		}
		if !okA {
			if okB && !olderThan(a, b) {
				t.Fatalf("unparsable %q not older than %q", a, b)
			}
			return
		}
		if olderThan(a, a) {
			t.Fatalf("%q older than itself", a)
		}
		if !okB {
			return
		}
		if olderThan(a, b) && olderThan(b, a) {
			t.Fatalf("%q and %q each older than the other", a, b)
		}
		if okC && olderThan(a, b) && olderThan(b, c) && !olderThan(a, c) {
			t.Fatalf("%q < %q < %q but not %q < %q", a, b, c, a, c)
		}
		// Trailing zeros do not make a version newer: 1.2 and 1.2.0 are the same.
		if _, ok := parseVersion(a + ".0"); ok && (olderThan(a+".0", a) || olderThan(a, a+".0")) {
			t.Fatalf("%q and %q.0 compare unequal", a, a)
		}
	})
}
