package closure

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// diagram.md draws Transitions: every arrow between two states is a move in the table and every
// move of the table is an arrow, so that neither can change without the other.
func TestDiagramMatchesTransitions(t *testing.T) {
	t.Parallel()
	md, err := os.ReadFile("diagram.md")
	if err != nil {
		t.Fatal(err)
	}
	arrow := regexp.MustCompile(`^\s*(\w+) --> (\w+)`)
	var drawn []string
	for _, line := range strings.Split(string(md), "\n") {
		if m := arrow.FindStringSubmatch(line); m != nil && !strings.Contains(line, "[*]") {
			drawn = append(drawn, m[1]+" → "+m[2])
		}
	}
	var table []string
	for from, ts := range Transitions {
		for _, tr := range ts {
			if m := string(from) + " → " + string(tr.To); !slices.Contains(table, m) {
				table = append(table, m)
			}
		}
	}
	if len(drawn) == 0 {
		t.Fatal("no arrows found in diagram.md")
	}
	for _, m := range drawn {
		if !slices.Contains(table, m) {
			t.Errorf("diagram.md draws %s, which Transitions does not allow", m)
		}
	}
	for _, m := range table {
		if !slices.Contains(drawn, m) {
			t.Errorf("Transitions allows %s, which diagram.md does not draw", m)
		}
	}
	if n := len(slices.Compact(slices.Sorted(slices.Values(drawn)))); n != len(drawn) {
		t.Errorf("diagram.md draws %d arrows, %d of them distinct", len(drawn), n)
	}
}
