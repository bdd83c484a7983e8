package program

import (
	"runtime"
	"sync"
)

// inParallel calls fn(0) .. fn(n-1) from up to GOMAXPROCS goroutines and
// returns the error of the lowest index that failed, so a failing run
// reports the same error every time.
//
// The Pulumi SDK does much of a registration synchronously in the calling
// goroutine (it records the call stack and prepares the inputs), so one
// goroutine registering thousands of resources keeps one core busy and
// leaves the others idle. Accounts share nothing, and the SDK's Context is
// safe for concurrent registration (resources are created from Apply
// goroutines all the time), so they are registered from several.
func inParallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
