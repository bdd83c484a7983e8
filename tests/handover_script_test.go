package tests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"iam-layout/handover"
	"iam-layout/internal/awsclitest"
	"iam-layout/layout"
	"iam-layout/synthetic"
)

// fakeAWS stands in for the AWS CLI on the script's PATH. It records every
// call (arguments, the access key it ran with, the template file it was
// given) and answers as AWS would, keeping the stacks it made per account
// in FAKE_AWS_STATE so that a second run sees them:
//   - sts: the caller is FAKE_MANAGEMENT; assume-role gives credentials
//     whose key names the role's account, except in FAKE_DENY_ACCOUNT;
//   - describe-stack-instance: found when FAKE_INSTANCES_EXIST is set;
//   - describe-stacks / create-change-set: the account's stacks;
//   - import-stacks-to-stack-set: an operation ID, whose status is
//     FAKE_OPERATION_STATUS (SUCCEEDED by default).
//
// Anything else is an unexpected call, and fails.
const fakeAWS = `#!/usr/bin/env bash
# Builtins only, but for flock and cp: the scripts make hundreds of calls,
# several at once; the lock makes them one at a time here.
set -euo pipefail
exec 9>>"$FAKE_AWS_LOG/lock"
flock 9
n=0
[ -f "$FAKE_AWS_LOG/count" ] && read -r n <"$FAKE_AWS_LOG/count"
n=$((n + 1))
echo "$n" >"$FAKE_AWS_LOG/count"
printf -v call '%s/%05d' "$FAKE_AWS_LOG" "$n"
printf '%s\0' "$@" >"$call.args"
printf '%s' "${AWS_ACCESS_KEY_ID:-}" >"$call.key"
account=${AWS_ACCESS_KEY_ID#ASIAFAKE}
declare -A o=()
for ((i = 3; i < $#; i++)); do
  j=$((i + 1))
  [[ ${!i} == --* ]] && o[${!i}]=${!j}
done
case "$1 $2" in
"sts get-caller-identity") echo "$FAKE_MANAGEMENT" ;;
"sts assume-role")
  acct=${o[--role-arn]#*:*:*:*:}
  acct=${acct%%:*}
  if [ "$acct" = "${FAKE_DENY_ACCOUNT:-}" ]; then
    echo "An error occurred (AccessDenied) when calling the AssumeRole operation: not authorized to perform sts:AssumeRole" >&2
    exit 254
  fi
  printf 'ASIAFAKE%s\tsecret-%s\ttoken-%s\n' "$acct" "$acct" "$acct"
  ;;
"cloudformation describe-stack-instance")
  if [ -n "${FAKE_INSTANCES_EXIST:-}" ]; then
    echo CURRENT
  else
    echo "An error occurred (StackInstanceNotFoundException) when calling the DescribeStackInstance operation: Stack instance for ${o[--stack-instance-account]} not found" >&2
    exit 254
  fi
  ;;
"cloudformation describe-stacks")
  name=${o[--stack-name]}
  if [ -f "$FAKE_AWS_STATE/$account/$name" ]; then
    read -r id <"$FAKE_AWS_STATE/$account/$name"
    printf 'IMPORT_COMPLETE\t%s\n' "$id"
  else
    echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $name does not exist" >&2
    exit 254
  fi
  ;;
"cloudformation create-change-set")
  name=${o[--stack-name]}
  body=${o[--template-body]}
  cp "${body#file://}" "$call.template"
  [ -d "$FAKE_AWS_STATE/$account" ] || mkdir "$FAKE_AWS_STATE/$account"
  printf -v id 'arn:aws:cloudformation:%s:%s:stack/%s/0c0ffee0-0000-4000-8000-%012d' "${o[--region]}" "$account" "$name" "$n"
  echo "$id" >"$FAKE_AWS_STATE/$account/$name"
  echo "$id"
  ;;
"cloudformation wait" | "cloudformation execute-change-set") ;;
"cloudformation import-stacks-to-stack-set") echo "op-$n" ;;
"cloudformation describe-stack-set-operation") echo "${FAKE_OPERATION_STATUS:-SUCCEEDED}" ;;
*)
  echo "fake aws: unexpected call: $*" >&2
  exit 2
  ;;
esac
`

// managementKey is the access key the script starts with.
const managementKey = "AKIAMANAGEMENTFAKE"

// awsCall is one recorded call of the fake CLI.
type awsCall struct {
	Args []string
	// Key is the access key the call ran with.
	Key string
	// Template is the content of the --template-body file, when one was
	// given, and TemplateCopy where the fake kept it.
	Template, TemplateCopy string
}

// op is the call's command: "sts assume-role", "cloudformation wait
// stack-import-complete".
func (c awsCall) op() string {
	var words []string
	for _, a := range c.Args {
		if strings.HasPrefix(a, "--") {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// opt is the value of option name, "" when absent.
func (c awsCall) opt(name string) string {
	if vals := c.list(name); len(vals) > 0 {
		return vals[0]
	}
	return ""
}

// list is the values following option name, up to the next option.
func (c awsCall) list(name string) []string {
	i := slices.Index(c.Args, name)
	if i < 0 {
		return nil
	}
	var out []string
	for _, a := range c.Args[i+1:] {
		if strings.HasPrefix(a, "--") {
			break
		}
		out = append(out, a)
	}
	return out
}

// account is the account whose assumed credentials a call ran with; ""
// for the management account's.
func (c awsCall) account() string {
	return strings.TrimPrefix(strings.TrimPrefix(c.Key, managementKey), "ASIAFAKE")
}

// scriptRun is one run of the hand-over script.
type scriptRun struct {
	Calls          []awsCall
	Stdout, Stderr string
	Err            error
}

func (r *scriptRun) calls(op string) []awsCall {
	var out []awsCall
	for _, c := range r.Calls {
		if c.op() == op {
			out = append(out, c)
		}
	}
	return out
}

// fakeWorld is the fake CLI's directory and the stacks it made.
type fakeWorld struct{ bin, state string }

func newFakeWorld(t *testing.T) *fakeWorld {
	t.Helper()
	w := &fakeWorld{bin: t.TempDir(), state: t.TempDir()}
	if err := os.WriteFile(filepath.Join(w.bin, "aws"), []byte(fakeAWS), 0o755); err != nil {
		t.Fatal(err)
	}
	return w
}

// run runs the script with the fake CLI first on PATH, the management
// account's (made-up) credentials and the given extra environment.
func (w *fakeWorld) run(t *testing.T, script string, env ...string) *scriptRun {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	if err := os.Mkdir(log, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "handover.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", path)
	cmd.Env = append([]string{
		"PATH=" + w.bin + ":/usr/bin:/bin",
		"HOME=" + dir,
		"LC_ALL=C.UTF-8",
		"AWS_ACCESS_KEY_ID=" + managementKey,
		"AWS_SECRET_ACCESS_KEY=fake-secret",
		"AWS_EC2_METADATA_DISABLED=true",
		"FAKE_AWS_LOG=" + log,
		"FAKE_AWS_STATE=" + w.state,
		"FAKE_MANAGEMENT=" + synthetic.Master,
		"IAM_LAYOUT_POLL_SECONDS=0",
	}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	res := &scriptRun{Err: cmd.Run(), Stdout: stdout.String(), Stderr: stderr.String()}
	entries, err := os.ReadDir(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".args")
		if !ok {
			continue
		}
		read := func(suffix string) string {
			data, err := os.ReadFile(filepath.Join(log, base+suffix))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			return string(data)
		}
		c := awsCall{Args: strings.Split(strings.TrimSuffix(read(".args"), "\x00"), "\x00"), Key: read(".key"), Template: read(".template")}
		if c.Template != "" {
			c.TemplateCopy = filepath.Join(log, base+".template")
		}
		res.Calls = append(res.Calls, c)
	}
	return res
}

// placement is a role placement the script hands over.
type placement struct{ StackSet, Role, AccountID, AccessRoleARN string }

func placements(plan *handover.Plan) []placement {
	var out []placement
	for _, ss := range plan.StackSets {
		for _, in := range ss.Instances {
			out = append(out, placement{in.StackSet, ss.RoleName, in.Account.ID, in.Account.AccessRoleARN})
		}
	}
	return out
}

// handoverScripts are the organizations the script is run for.
func handoverScripts(t *testing.T) map[string]*handover.Plan {
	t.Helper()
	dev := devOrganization(t)
	dev["delivery"] = layout.DeliveryStackSets
	dev["stackSets"] = map[string]any{"adoptRoles": true, "region": "eu-west-1"}
	generated := specJSON(synthetic.Organization(synthetic.Options{Accounts: 25, Groups: 3, Users: 4, Delivery: layout.DeliveryStackSets}))
	// 40 accounts: two StackSets a definition.
	spread := specJSON(synthetic.Organization(synthetic.Options{Accounts: 40, Groups: 4, Users: 4, Delivery: layout.DeliveryStackSets}))
	spreadPlan := handoverPlan(t, withOrganization(spread))
	for _, ss := range spreadPlan.StackSets {
		if len(ss.Shards) != 2 {
			t.Fatalf("40 accounts: %s spreads over %v, want two StackSets", ss.Name, ss.Shards)
		}
	}
	return map[string]*handover.Plan{
		"the dev organization":                    handoverPlan(t, withOrganization(dev)),
		"a generated organization of 25 accounts": handoverPlan(t, withOrganization(generated)),
		"a generated organization of 40 accounts": spreadPlan,
	}
}

func mustScript(t *testing.T, plan *handover.Plan) string {
	t.Helper()
	script, err := plan.Script(stack)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "-n", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	return script
}

// importStacksLimit is ImportStacksToStackSet's limit (CloudFormation API
// reference: "You import up to 10 stacks per stack set at a time").
const importStacksLimit = 10

var stackIDRE = regexp.MustCompile(`^arn:aws:cloudformation:([a-z0-9-]+):([0-9]{12}):stack/([A-Za-z][-A-Za-z0-9]*)/`)

// TestTheHandOverScriptAdoptsEveryPlacementOnceAndCanBeRunAgain runs the
// generated script against a fake AWS CLI: every placement's live role goes
// into a stack of its StackSet's exact template, through that account's
// access role, and every such stack into its StackSet, at most ten per
// operation; a second run finds the instances and does nothing.
func TestTheHandOverScriptAdoptsEveryPlacementOnceAndCanBeRunAgain(t *testing.T) {
	t.Parallel()
	for name, plan := range handoverScripts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			script := mustScript(t, plan)
			world := newFakeWorld(t)
			first := world.run(t, script)
			if first.Err != nil {
				t.Fatalf("script failed: %v\nstdout:\n%s\nstderr:\n%s", first.Err, first.Stdout, first.Stderr)
			}
			want := placements(plan)
			templates := plan.Templates()

			if got := first.calls("sts get-caller-identity"); len(got) != 1 || got[0].account() != "" {
				t.Errorf("the management account is checked %d times", len(got))
			}
			var assumed, wantAssumed []string
			for _, c := range first.calls("sts assume-role") {
				assumed = append(assumed, c.opt("--role-arn"))
				if c.opt("--role-session-name") != handover.SessionName || c.account() != "" {
					t.Errorf("assume-role %v", c.Args)
				}
			}
			for _, p := range want {
				wantAssumed = append(wantAssumed, p.AccessRoleARN)
			}
			sort.Strings(assumed)
			sort.Strings(wantAssumed)
			if !slices.Equal(assumed, wantAssumed) {
				t.Errorf("assumed %v, want each placement's access role once: %v", assumed, wantAssumed)
			}

			// One IMPORT change set per placement, in its account, from the
			// StackSet's template byte for byte, adopting the role.
			created := map[placement]bool{}
			for _, c := range first.calls("cloudformation create-change-set") {
				ss := c.opt("--stack-name")
				p := placement{StackSet: ss, AccountID: c.account()}
				if c.opt("--change-set-type") != "IMPORT" || c.opt("--capabilities") != "CAPABILITY_NAMED_IAM" || c.opt("--region") != plan.InstanceRegion {
					t.Errorf("change set %v", c.Args)
				}
				if !strings.HasPrefix(c.opt("--template-body"), "file://") || c.Template != templates[ss] {
					t.Errorf("%s in %s: the stack's template is not the StackSet's byte for byte:\n%q\n%q", ss, p.AccountID, c.Template, templates[ss])
				}
				var resources []handover.ResourceToImport
				if err := json.Unmarshal([]byte(c.opt("--resources-to-import")), &resources); err != nil {
					t.Fatal(err)
				}
				for _, w := range want {
					if w.StackSet == ss {
						p.Role = w.Role
					}
				}
				if len(resources) != 1 || resources[0].ResourceType != "AWS::IAM::Role" || resources[0].LogicalResourceID != "Role" ||
					len(resources[0].ResourceIdentifier) != 1 || resources[0].ResourceIdentifier["RoleName"] != p.Role {
					t.Errorf("%s in %s adopts %+v, want role %s", ss, p.AccountID, resources, p.Role)
				}
				if created[p] {
					t.Errorf("%s in %s: a second change set", ss, p.AccountID)
				}
				created[p] = true
			}
			for _, w := range want {
				if !created[placement{StackSet: w.StackSet, Role: w.Role, AccountID: w.AccountID}] {
					t.Errorf("%s in %s: no change set", w.StackSet, w.AccountID)
				}
			}
			if len(created) != len(want) {
				t.Errorf("%d change sets for %d placements", len(created), len(want))
			}
			for _, op := range []string{"cloudformation wait change-set-create-complete", "cloudformation execute-change-set", "cloudformation wait stack-import-complete"} {
				if got := len(first.calls(op)); got != len(want) {
					t.Errorf("%s: %d calls for %d placements", op, got, len(want))
				}
			}

			// The stacks go into their StackSets, at most ten per operation,
			// each placement exactly once, and every operation is awaited.
			imported := map[placement]int{}
			awaited := map[string]bool{}
			for _, c := range first.calls("cloudformation describe-stack-set-operation") {
				awaited[c.opt("--operation-id")] = true
			}
			for i, c := range first.calls("cloudformation import-stacks-to-stack-set") {
				ids := c.list("--stack-ids")
				if len(ids) == 0 || len(ids) > importStacksLimit || c.account() != "" || c.opt("--region") != plan.StackSetRegion {
					t.Errorf("import of %d stacks with key %q in %s", len(ids), c.Key, c.opt("--region"))
				}
				for _, id := range ids {
					m := stackIDRE.FindStringSubmatch(id)
					if m == nil || m[3] != c.opt("--stack-set-name") || m[1] != plan.InstanceRegion {
						t.Errorf("stack %s imported into %s", id, c.opt("--stack-set-name"))
						continue
					}
					imported[placement{StackSet: m[3], AccountID: m[2]}]++
				}
				if op := fmt.Sprintf("op-%d", callNumber(first, c)); !awaited[op] {
					t.Errorf("import %d: operation %s is never awaited", i, op)
				}
			}
			for _, w := range want {
				if n := imported[placement{StackSet: w.StackSet, AccountID: w.AccountID}]; n != 1 {
					t.Errorf("%s in %s imported %d times", w.StackSet, w.AccountID, n)
				}
			}
			if len(imported) != len(want) {
				t.Errorf("%d stacks imported for %d placements", len(imported), len(want))
			}
			if strings.Count(first.Stdout, "handover: ") < len(want) {
				t.Errorf("progress:\n%s", first.Stdout)
			}

			// Re-run once the instances exist: nothing but the checks.
			again := world.run(t, script, "FAKE_INSTANCES_EXIST=1")
			if again.Err != nil {
				t.Fatalf("second run failed: %v\n%s", again.Err, again.Stderr)
			}
			for _, c := range again.Calls {
				if op := c.op(); op != "sts get-caller-identity" && op != "cloudformation describe-stack-instance" {
					t.Errorf("second run: %s %v", op, c.Args)
				}
			}
			if got := len(again.calls("cloudformation describe-stack-instance")); got != len(want) {
				t.Errorf("second run: %d instances checked for %d placements", got, len(want))
			}
			if got := strings.Count(again.Stdout, "skipped"); got != len(want) {
				t.Errorf("second run: %d placements skipped, want %d:\n%s", got, len(want), again.Stdout)
			}
		})
	}
}

// callNumber is the fake CLI's number of a call (its operation IDs are
// "op-N").
func callNumber(r *scriptRun, c awsCall) int {
	for i := range r.Calls {
		if slices.Equal(r.Calls[i].Args, c.Args) && r.Calls[i].Key == c.Key {
			return i + 1
		}
	}
	return -1
}

// TestTheHandOverScriptStopsLoudlyAndResumesWhereItStopped: a placement
// that fails stops the script before its StackSet's import, a failed
// StackSet operation stops it with the command that shows why, and each
// next run adopts no stack twice, until every placement is imported once.
func TestTheHandOverScriptStopsLoudlyAndResumesWhereItStopped(t *testing.T) {
	t.Parallel()
	// Twelve accounts: two operations for each StackSet.
	spec := synthetic.Organization(synthetic.Options{Accounts: 12, Groups: 2, Users: 2, Delivery: layout.DeliveryStackSets})
	plan := handoverPlan(t, specConfig(t, spec))
	script := mustScript(t, plan)
	world := newFakeWorld(t)
	first := plan.StackSets[0]
	total := len(placements(plan))
	stopped := func(r *scriptRun, stderr ...string) {
		t.Helper()
		var exit *exec.ExitError
		if !errors.As(r.Err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("err = %v, want exit 1\n%s", r.Err, r.Stderr)
		}
		for _, w := range stderr {
			if !strings.Contains(r.Stderr, w) {
				t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
			}
		}
	}

	denied := world.run(t, script, "FAKE_DENY_ACCOUNT="+synthetic.AccountID(3))
	stopped(denied, "could not assume arn:aws:iam::"+synthetic.AccountID(3)+":role/OrganizationAccountAccessRole",
		"handover: error: "+first.Name+": 1 of 12 placements failed (errors above), so no stack was imported into it")
	if got := len(denied.calls("cloudformation create-change-set")); got != 11 {
		t.Errorf("first run made %d stacks, want the 11 of the first StackSet that could be reached", got)
	}
	if got := denied.calls("cloudformation import-stacks-to-stack-set"); len(got) != 0 {
		t.Errorf("a StackSet with a failed placement got %d imports", len(got))
	}

	failed := world.run(t, script, "FAKE_OPERATION_STATUS=FAILED")
	stopped(failed, "handover: error: "+first.Name+": operation op-", " FAILED; see why with: aws cloudformation list-stack-set-operation-results")
	if got := len(failed.calls("cloudformation create-change-set")); got != 1 {
		t.Errorf("second run made %d stacks, want the one the first could not", got)
	}
	if got := len(failed.calls("cloudformation import-stacks-to-stack-set")); got != 1 {
		t.Errorf("%d imports after the first failed", got)
	}

	resumed := world.run(t, script)
	if resumed.Err != nil {
		t.Fatalf("resumed run failed: %v\n%s", resumed.Err, resumed.Stderr)
	}
	if got, want := len(resumed.calls("cloudformation create-change-set")), total-len(first.Instances); got != want {
		t.Errorf("resumed run made %d stacks, want %d (the first StackSet's %d exist)", got, want, len(first.Instances))
	}
	imported := map[string]int{}
	for _, c := range resumed.calls("cloudformation import-stacks-to-stack-set") {
		for _, id := range c.list("--stack-ids") {
			imported[id]++
		}
	}
	if len(imported) != total {
		t.Errorf("resumed run imported %d stacks, want %d", len(imported), total)
	}
	for id, n := range imported {
		if n != 1 {
			t.Errorf("%s imported %d times", id, n)
		}
	}
}

// TestTheHandOverScriptsAWSCallsPassTheRealCLIsValidation runs each distinct
// command of the script, with the very arguments it generated, through the
// real AWS CLI against an address that refuses connections: the CLI must
// get as far as connecting, past its own parsing and parameter validation.
func TestTheHandOverScriptsAWSCallsPassTheRealCLIsValidation(t *testing.T) {
	t.Parallel()
	awsclitest.Require(t)
	plan := handoverScripts(t)["the dev organization"]
	world := newFakeWorld(t)
	res := world.run(t, mustScript(t, plan))
	if res.Err != nil {
		t.Fatalf("script failed: %v\n%s", res.Err, res.Stderr)
	}
	// A change set's failure reason is read only when it fails.
	res.Calls = append(res.Calls, awsCall{Args: []string{"cloudformation", "describe-change-set",
		"--stack-name", plan.StackSets[0].Name, "--change-set-name", handover.ChangeSetName,
		"--region", plan.InstanceRegion, "--query", "StatusReason", "--output", "text"}})
	byOp := map[string]awsCall{}
	for _, c := range res.Calls {
		if _, ok := byOp[c.op()]; !ok {
			byOp[c.op()] = c
		}
	}
	if len(byOp) < 10 {
		t.Fatalf("only %d distinct commands ran: %v", len(byOp), slices.Sorted(maps.Keys(byOp)))
	}
	home := t.TempDir()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for op, c := range byOp {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := slices.Clone(c.Args)
			for i, a := range args {
				if strings.HasPrefix(a, "file://") {
					args[i] = "file://" + c.TemplateCopy
				}
			}
			args = append(args, "--endpoint-url", "http://127.0.0.1:9", "--cli-connect-timeout", "2", "--cli-read-timeout", "2")
			cmd := exec.Command(awsclitest.Path, args...)
			cmd.Env = []string{
				"PATH=/usr/bin:/bin", "HOME=" + home, "LC_ALL=C.UTF-8",
				"AWS_ACCESS_KEY_ID=AKIADUMMY", "AWS_SECRET_ACCESS_KEY=dummy", "AWS_SESSION_TOKEN=dummy",
				"AWS_CONFIG_FILE=" + filepath.Join(home, "no-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
				"AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard", "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
			}
			out, err := cmd.CombinedOutput()
			text := string(out)
			switch {
			case err == nil:
				t.Errorf("%s: succeeded against a closed port?\n%s", op, text)
			case strings.Contains(text, "Parameter validation failed"), strings.Contains(text, "usage:"),
				strings.Contains(text, "Error parsing parameter"), strings.Contains(text, "Invalid choice"),
				!strings.Contains(text, "Could not connect to the endpoint URL"):
				t.Errorf("%s: the CLI refused the script's arguments %q:\n%s", op, args, text)
			}
		}()
	}
	wg.Wait()
}
