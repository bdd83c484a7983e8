package tests

import (
	"fmt"
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/policycheck"
)

// BenchmarkCore is the pure core alone: parse and validate the config,
// build every document, check them. No Pulumi.
func BenchmarkCore(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			raw := []byte(benchConfig(b, n)[project+":organization"])
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l, err := layout.Load(raw)
				if err != nil {
					b.Fatal(err)
				}
				docs, err := policies.Build(l)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := policycheck.Check(l, docs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
