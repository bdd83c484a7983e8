// Command iam-layout-import is `iam-layout import` (package adopt) in a
// binary of its own. It runs the program itself, so it links the Pulumi SDK
// and the AWS provider's SDK: a minute or two of compiling on a fresh
// machine, which the renderings of cmd/iam-layout (profiles, matrix,
// schema...) should not pay for. `go run ./cmd/iam-layout import ...` builds
// and runs this command; running it directly works the same.
package main

import (
	"os"

	"iam-layout/adopt"
)

func main() {
	os.Exit(adopt.Run(os.Args[1:], os.Stdout, os.Stderr))
}
