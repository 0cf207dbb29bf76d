package browsertest

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flowsFile is the seed flows' step IDs (docs/closure-flows.md, a copy of the shared design
// document; sharedFlows is the original, where the project's checkout has it beside it).
const (
	flowsFile   = "../docs/closure-flows.md"
	sharedFlows = "../../shared/docs/closure-flows.md"
)

var (
	// stepLine is a step of closure-flows.md: "- TP-3 …"; subStep is a numbered case under the
	// step before it: "  1. a balance …" under AP-8 is AP-8.1.
	stepLine = regexp.MustCompile(`^- ([A-Z]{2}-\d+) `)
	subStep  = regexp.MustCompile(`^\s+(\d+)\. `)
	// stepsComment is a test's declaration of the steps it walks.
	stepsComment = regexp.MustCompile(`^//\s*Steps:\s*(.+)$`)
	stepID       = regexp.MustCompile(`^[A-Z]{2}-\d+(\.\d+)?$`)
)

// seedSteps reads every step ID of closure-flows.md, in order.
func seedSteps(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile(flowsFile)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	parent := ""
	for _, line := range strings.Split(string(doc), "\n") {
		if m := stepLine.FindStringSubmatch(line); m != nil {
			parent = m[1]
			ids = append(ids, parent)
		} else if m := subStep.FindStringSubmatch(line); m != nil && parent != "" {
			ids = append(ids, parent+"."+m[1])
		} else if !strings.HasPrefix(line, "  ") {
			parent = ""
		}
	}
	return ids
}

// walkedSteps reads the "// Steps: …" lines of the package's test functions: the IDs each test
// declares, by test.
func walkedSteps(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string][]string{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Doc == nil {
				continue
			}
			for _, c := range fn.Doc.List {
				m := stepsComment.FindStringSubmatch(c.Text)
				if m == nil {
					continue
				}
				if !strings.HasPrefix(fn.Name.Name, "Test") {
					t.Errorf("%s: %s declares steps; only a test function's comment may", fset.Position(fn.Pos()), fn.Name.Name)
				}
				for _, id := range strings.Split(m[1], ",") {
					out[fn.Name.Name] = append(out[fn.Name.Name], strings.TrimSpace(id))
				}
			}
		}
	}
	return out
}

// TestEveryStepIsWalked (issue 18: "the browser suite covers every seed step ID in
// closure-flows.md"): every step ID of the seed flows is named by some browser test's
// "// Steps:" line, and every ID a Steps line names is one of them. It needs no browser, and runs
// under -short too.
func TestEveryStepIsWalked(t *testing.T) {
	ids := seedSteps(t)
	if len(ids) < 40 || !slices.Contains(ids, "AP-8.10") || !slices.Contains(ids, "GE-8") {
		t.Fatalf("read %d step IDs from %s (%v): the document's layout changed", len(ids), flowsFile, ids)
	}
	if shared, err := os.ReadFile(sharedFlows); err == nil {
		if ours, _ := os.ReadFile(flowsFile); !bytes.Equal(ours, shared) {
			t.Errorf("%s differs from %s: copy the shared document again", flowsFile, sharedFlows)
		}
	}
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	walked := map[string][]string{}
	for test, steps := range walkedSteps(t) {
		for _, id := range steps {
			if !stepID.MatchString(id) || !known[id] {
				t.Errorf("%s names %q, which is no step of %s", test, id, flowsFile)
			}
			walked[id] = append(walked[id], test)
		}
	}
	var missing []string
	for _, id := range ids {
		if len(walked[id]) == 0 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no browser test's \"// Steps:\" line names %d step(s) of %s: %s", len(missing), flowsFile, strings.Join(missing, ", "))
	}
	if testing.Verbose() {
		for _, id := range ids {
			slices.Sort(walked[id])
			fmt.Printf("%-8s %s\n", id, strings.Join(walked[id], ", "))
		}
	}
}
