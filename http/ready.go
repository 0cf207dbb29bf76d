package http

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
)

// startup is the work the server announced it does after it starts listening (demo seeding):
// /readyz answers 503 until all of it is done. The listener comes up first so that /healthz
// answers at once; readiness means what a user was told works (the documented demo password)
// does work. A load balancer that sent traffic at the first 200 sent it, for a second or six on
// a loaded machine, to a server whose demo accounts did not exist yet (issue 17).
type startup struct {
	mu      sync.Mutex
	pending map[string]int
	failed  []string
}

// Starting announces work the server does before it is ready and returns the function to call
// when it ends. Ended with an error, the work stays unready for good: a demo whose accounts could
// not be seeded is not ready to serve them, and /readyz names the work that failed.
func (s *Server) Starting(work string) (done func(error)) {
	s.startup.mu.Lock()
	defer s.startup.mu.Unlock()
	if s.startup.pending == nil {
		s.startup.pending = map[string]int{}
	}
	s.startup.pending[work]++
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			s.startup.mu.Lock()
			defer s.startup.mu.Unlock()
			if err != nil {
				s.startup.failed = append(s.startup.failed, work)
				return
			}
			if s.startup.pending[work]--; s.startup.pending[work] == 0 {
				delete(s.startup.pending, work)
			}
		})
	}
}

// unready describes the announced work not done yet ("" when all of it is).
func (s *Server) unready() string {
	s.startup.mu.Lock()
	defer s.startup.mu.Unlock()
	if len(s.startup.failed) > 0 {
		return strings.Join(s.startup.failed, ", ") + " failed"
	}
	if len(s.startup.pending) == 0 {
		return ""
	}
	names := make([]string, 0, len(s.startup.pending))
	for w := range s.startup.pending {
		names = append(names, w)
	}
	sort.Strings(names)
	return "starting: " + strings.Join(names, ", ")
}

// readyz answers 200 once the store answers, its migrations are applied and the announced
// startup work is done; 503 UNAVAILABLE with Retry-After until then.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if work := s.unready(); work != "" {
		s.writeProblem(w, r, &purse.Error{Code: purse.CodeUnavailable, Detail: work, RetryAfter: time.Second})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.writeProblem(w, r, &purse.Error{Code: purse.CodeUnavailable, Detail: "store unreachable", Err: err})
		return
	}
	if pending, err := s.Store.Pending(ctx); err != nil || pending {
		s.writeProblem(w, r, &purse.Error{Code: purse.CodeUnavailable, Detail: "migrations pending", Err: err})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ready","store":"` + s.Store.Dialect() + `"}` + "\n"))
}
