package tests

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"

	"iam-layout/cli"
	"iam-layout/contract"
)

// offline runs the offline command on the shipped dev stack.
func offline(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Run(append(args, "--stack", stack, "--dir", ".."), &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("iam-layout %v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String()
}

// canonical is JSON text re-encoded compactly with sorted keys, so two
// encodings of one value compare byte for byte.
func canonical(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestStackOutputsAndOfflineCommandAgreeByteForByte(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))

	text := map[string][]string{
		contract.AWSConfigKey:               {"profiles", "--format", cli.FormatConfig},
		contract.AWSConfigureCommandsKey:    {"profiles", "--format", cli.FormatCommands},
		contract.ExtendSwitchRolesConfigKey: {"profiles", "--format", cli.FormatSwitchRoles},
		contract.AccessMatrixKey:            {"matrix", "--format", cli.FormatMarkdown},
		contract.AccessMatrixMermaidKey:     {"matrix", "--format", cli.FormatMermaid},
	}
	for key, args := range text {
		got, ok := res.Exports[key].(string)
		if !ok || got == "" {
			t.Errorf("output %s = %#v, want text", key, res.Exports[key])
			continue
		}
		if want := offline(t, args...); got != want {
			t.Errorf("output %s differs from `iam-layout %v`:\n--- output\n%s\n--- command\n%s", key, args, got, want)
		}
	}

	structured := map[string][]string{
		contract.SwitchRoleURLsKey:    {"profiles", "--format", cli.FormatLinks},
		contract.ConsoleExclusionsKey: {"profiles", "--format", cli.FormatExclusions},
	}
	for key, args := range structured {
		var printed any
		if err := json.Unmarshal([]byte(offline(t, args...)), &printed); err != nil {
			t.Fatalf("iam-layout %v does not print JSON: %v", args, err)
		}
		if got, want := canonical(t, res.Exports[key]), canonical(t, printed); got != want {
			t.Errorf("output %s = %s\n`iam-layout %v` = %s", key, got, args, want)
		}
	}

	byUser := map[string]string{
		contract.AWSConfigByUserKey:            cli.FormatConfig,
		contract.AWSConfigureCommandsByUserKey: cli.FormatCommands,
	}
	for key, format := range byUser {
		outputs, ok := res.Exports[key].(map[string]any)
		if !ok {
			t.Fatalf("output %s = %#v, want {user: text}", key, res.Exports[key])
		}
		var users []string
		for user, v := range outputs {
			users = append(users, user)
			if want := offline(t, "profiles", "--format", format, "--user", user); v != want {
				t.Errorf("output %s.%s differs from the command:\n--- output\n%v\n--- command\n%s", key, user, v, want)
			}
		}
		sort.Strings(users)
		if got := canonical(t, users); got != `["alice","bob","carol"]` {
			t.Errorf("output %s has users %s, want every user of the seeds", key, got)
		}
	}
}

func TestProfileOutputsKeepTheContractVersion(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	if v := res.Exports[contract.VersionKey]; v != float64(1) || contract.Version != 1 {
		t.Errorf("contractVersion = %v (contract.Version %d): the profile outputs are additions and keep version 1", v, contract.Version)
	}
}
