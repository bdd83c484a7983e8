// Command iam-layout prints, from a stack's Pulumi.<stack>.yaml alone, what
// the stack's outputs for people hold: ~/.aws/config profiles (the
// organization's or one user's), aws configure set commands, console links,
// the aws-extend-switch-roles configuration and the access matrix; keeps the
// profiles up to date in a marked block of ~/.aws/config (--write); and, for
// a stack delivered by StackSets, prints the StackSets' templates, the
// hand-over script and the pulumi import file (docs/stacksets-handover.md);
// and plans adopting a live organization (import, docs/adoption.md). Run
// `go run ./cmd/iam-layout help` for usage; the body lives in package cli.
package main

import (
	"os"

	"iam-layout/adopt"
	"iam-layout/cli"
)

func main() {
	// import runs the program itself (package adopt links the Pulumi SDK);
	// the other commands are package cli's, which does not.
	if len(os.Args) > 1 && os.Args[1] == "import" {
		os.Exit(adopt.Run(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
