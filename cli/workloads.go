package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"iam-layout/profiles"
)

// runWorkloads prints the stack's `workloads` output as JSON, or with
// --workload (and --account when the workload is placed in several
// accounts) the CI snippet of one placement, as the output holds it.
func runWorkloads(args []string, stdout, stderr io.Writer) int {
	fs := newStackFlags("workloads", nil)
	workload := fs.String("workload", "", "print this workload's CI snippet")
	account := fs.String("account", "", "the account of the snippet, when the workload has several")
	if code, ok := fs.parse(args, stdout, stderr); !ok {
		return code
	}
	stack, dir := fs.stack, fs.dir
	if *account != "" && *workload == "" {
		fmt.Fprintf(stderr, "iam-layout workloads: --account goes with --workload\n")
		return ExitUsage
	}
	l, region, err := load(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout workloads: %v\n", err)
		return ExitError
	}
	all := profiles.Workloads(l, region)
	var value any = all
	if *workload != "" {
		snippet, err := selectSnippet(all, *workload, *account)
		if err != nil {
			fmt.Fprintf(stderr, "iam-layout workloads: %v\n", err)
			return ExitUsage
		}
		value = snippet
	}
	if err := write(stdout, value); err != nil {
		fmt.Fprintf(stderr, "iam-layout workloads: writing output: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// selectSnippet picks one placement's snippet.
func selectSnippet(all map[string]map[string]profiles.WorkloadPlacement, workload, account string) (string, error) {
	byAccount, ok := all[workload]
	if !ok {
		names := slices.Sorted(maps.Keys(all))
		if len(names) == 0 {
			return "", fmt.Errorf("the stack declares no workloads")
		}
		return "", fmt.Errorf("no workload %q (workloads: %s)", workload, strings.Join(names, ", "))
	}
	accounts := slices.Sorted(maps.Keys(byAccount))
	if account == "" {
		if len(accounts) != 1 {
			return "", fmt.Errorf("workload %s is placed in %s: say which with --account", workload, strings.Join(accounts, ", "))
		}
		account = accounts[0]
	}
	p, ok := byAccount[account]
	if !ok {
		return "", fmt.Errorf("workload %s is not placed in account %q (accounts: %s)", workload, account, strings.Join(accounts, ", "))
	}
	return p.Snippet, nil
}
