package crashtest

import (
	"math/rand/v2"
	"sync"
	"time"
)

// loadUntilKilled runs four clients sending next() requests at the server, kills the process with
// SIGKILL after a random moment, and returns once every client has stopped. mu guards the
// requests' answers, which the clients record as they are acknowledged.
func loadUntilKilled(srv *server, rng *rand.Rand, mu *sync.Mutex, next func() *request) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := next()
				status, answer, err := r.send(srv.url())
				if err != nil {
					return // the process died under us: the request stays unacknowledged
				}
				mu.Lock()
				r.acked, r.status, r.answer = true, status, answer
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
	srv.kill()
	close(stop)
	wg.Wait()
}
