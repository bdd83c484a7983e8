package tests

import (
	"fmt"
	"testing"

	"iam-layout/layout"
	"iam-layout/profiles"
)

// BenchmarkRender is the offline rendering of every profile fragment, the
// organization's and every user's (config and `aws configure set` forms),
// the console links and the access matrix: all the offline command prints.
func BenchmarkRender(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			l, err := layout.Resolve(benchOrganization(n))
			if err != nil {
				b.Fatal(err)
			}
			var bytes int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r := profiles.Render(l, "us-east-1")
				bytes = r.Size()
			}
			b.ReportMetric(float64(bytes)/1e6, "MB/op")
		})
	}
}
