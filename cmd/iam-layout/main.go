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

	"iam-layout/cli"
)

func main() {
	args := os.Args[1:]
	command := ""
	if len(args) > 0 {
		command = args[0]
	}
	switch command {
	case "import":
		// Package adopt links the Pulumi SDK: it lives in its own binary
		// (import.go), so the renderings' first run compiles none of it.
		os.Exit(runImport(args[1:], os.Stdin, os.Stdout, os.Stderr, importBinDir()))
	default:
		os.Exit(cli.Run(args, os.Stdout, os.Stderr))
	}
}
