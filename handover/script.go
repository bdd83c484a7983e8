package handover

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"iam-layout/stacksets"
)

// Names and limits of the hand-over script.
const (
	// MaxStacksPerImport is how many stack IDs one ImportStacksToStackSet
	// call takes (CloudFormation API reference, ImportStacksToStackSet:
	// "You import up to 10 stacks per stack set at a time").
	MaxStacksPerImport = 10
	// ChangeSetName names the IMPORT change set in every account; a fixed
	// name lets a re-run find the change set an interrupted run created.
	ChangeSetName = "iam-layout-adopt"
	// SessionName is the role session name of every assume-role, so that
	// CloudTrail shows which calls were the hand-over's.
	SessionName = "iam-layout-handover"
	// RoleResourceType is the CloudFormation type of the role each stack
	// adopts; RoleName is its identifier for a resource import.
	RoleResourceType = "AWS::IAM::Role"
	// DefaultPollSeconds is how often the script asks whether a StackSet
	// operation has finished; IAM_LAYOUT_POLL_SECONDS overrides it.
	DefaultPollSeconds = 15
	// DefaultJobs is how many accounts the script adopts at once;
	// IAM_LAYOUT_JOBS overrides it. Each adoption spends most of its one
	// to two minutes in the AWS CLI's waiters, which poll every 30 s
	// (botocore's CloudFormation waiters ChangeSetCreateComplete and
	// StackImportComplete), and its calls go to its own account, so eight
	// at once cost the management account's API quotas little.
	DefaultJobs = 8
)

// Here-document delimiters. The templates are compact JSON on one line and
// the placement lines start with an account name, so neither can end a
// here-document early.
const (
	templateDelimiter  = "IAM_LAYOUT_TEMPLATE"
	placementDelimiter = "IAM_LAYOUT_PLACEMENTS"
)

// stackNameRE is what Pulumi accepts as a stack name; anything else could
// not have a Pulumi.<stack>.yaml worth writing into a script.
var stackNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ResourceToImport is one entry of create-change-set's
// --resources-to-import: which live resource a template's logical ID adopts.
type ResourceToImport struct {
	ResourceType       string            `json:"ResourceType"`
	LogicalResourceID  string            `json:"LogicalResourceId"`
	ResourceIdentifier map[string]string `json:"ResourceIdentifier"`
}

// RolesToImport is the --resources-to-import value that adopts role
// roleName as the template's role.
func RolesToImport(roleName string) []ResourceToImport {
	return []ResourceToImport{{
		ResourceType:       RoleResourceType,
		LogicalResourceID:  stacksets.RoleLogicalID,
		ResourceIdentifier: map[string]string{"RoleName": roleName},
	}}
}

// Script is the bash script that hands every placement's live role over to
// its StackSet (docs/stacksets-handover.md, step 2). It runs with the
// management account's credentials and needs no input; the templates are
// embedded. stack names the stack in the script's messages.
func (p *Plan) Script(stack string) (string, error) {
	if !stackNameRE.MatchString(stack) {
		return "", fmt.Errorf("stack name %q: Pulumi stack names hold letters, digits, hyphens, underscores and periods", stack)
	}
	if err := p.adoptable("hand-over script"); err != nil {
		return "", err
	}
	if p.StackSetRegion == "" {
		return "", errors.New("hand-over script: the StackSets live in the region of the stack's default provider, and the stack file sets no aws:region: set it in the stack file (the region the hand-over run deployed to)")
	}
	var b strings.Builder
	units := p.units()
	placements, accounts := 0, map[string]bool{}
	for _, u := range units {
		placements += len(u.Instances)
		for _, in := range u.Instances {
			accounts[in.Account.ID] = true
		}
	}
	fmt.Fprintf(&b, scriptHeader, stack, plural(placements, "role placement"), plural(len(accounts), "account"), plural(len(units), "StackSet"), stack, DefaultJobs, DefaultPollSeconds)
	fmt.Fprintf(&b, "\nreadonly management_account=%s\n", shellQuote(p.Layout.MasterAccountID))
	fmt.Fprintf(&b, "readonly stack_set_region=%s\n", shellQuote(p.StackSetRegion))
	fmt.Fprintf(&b, "readonly instance_region=%s\n", shellQuote(p.InstanceRegion))
	fmt.Fprintf(&b, "readonly session_name=%s\n", shellQuote(SessionName))
	fmt.Fprintf(&b, "readonly change_set_name=%s\n", shellQuote(ChangeSetName))
	fmt.Fprintf(&b, "readonly max_stacks_per_import=%d\n", MaxStacksPerImport)
	fmt.Fprintf(&b, "readonly poll_seconds=${IAM_LAYOUT_POLL_SECONDS:-%d}\n", DefaultPollSeconds)
	fmt.Fprintf(&b, "readonly max_jobs=${IAM_LAYOUT_JOBS:-%d}\n", DefaultJobs)
	b.WriteString(scriptFunctions)

	// One template a definition, copied for each of its other StackSets:
	// they all hold the same.
	b.WriteString("\n# The StackSets' template bodies, as the hand-over run sent them.\n")
	for _, ss := range p.StackSets {
		if strings.ContainsAny(ss.Template, "\n\r") {
			return "", fmt.Errorf("hand-over script: the template of StackSet %s is not on one line", ss.Name)
		}
		fmt.Fprintf(&b, "write_template \"$templates\"/%s <<'%s'\n%s\n%s\n", shellQuote(ss.Name+".json"), templateDelimiter, ss.Template, templateDelimiter)
	}
	for _, u := range units {
		if u.Name != u.StackSet.Name {
			fmt.Fprintf(&b, "cp \"$templates\"/%s \"$templates\"/%s\n", shellQuote(u.StackSet.Name+".json"), shellQuote(u.Name+".json"))
		}
	}

	b.WriteString(scriptStart)
	for _, u := range units {
		role := u.StackSet.RoleName
		resources, err := json.Marshal(RolesToImport(role))
		if err != nil {
			return "", fmt.Errorf("hand-over script: StackSet %s: %w", u.Name, err)
		}
		fmt.Fprintf(&b, "\n# StackSet %s: role %s in %s.\nmkdir \"$work\"/%s\n", u.Name, role, plural(len(u.Instances), "account"), shellQuote(u.Name))
		b.WriteString("while read -r account_name account_id access_role <&3; do\n")
		fmt.Fprintf(&b, "  start_adopt %s %s \\\n    %s \\\n    \"$account_name\" \"$account_id\" \"$access_role\"\n", shellQuote(u.Name), shellQuote(role), shellQuote(string(resources)))
		fmt.Fprintf(&b, "done 3<<'%s'\n", placementDelimiter)
		for _, in := range u.Instances {
			a := in.Account
			if strings.ContainsAny(a.Name+a.ID+a.AccessRoleARN, " \t\n\r'\"\\$`") {
				return "", fmt.Errorf("hand-over script: account %s: its name, ID or access role ARN holds a character the script cannot carry", a.Name)
			}
			fmt.Fprintf(&b, "%s %s %s\n", a.Name, a.ID, a.AccessRoleARN)
		}
		fmt.Fprintf(&b, "%s\nfinish_stack_set %s %d\n", placementDelimiter, shellQuote(u.Name), len(u.Instances))
	}
	fmt.Fprintf(&b, scriptEnd, placements, stack, stack)
	return b.String(), nil
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// shellQuote quotes s for bash: single quotes keep every byte literal.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// scriptHeader takes the stack, the counted placements, accounts and
// StackSets, the stack again, the default number of jobs and the default
// poll interval.
const scriptHeader = `#!/usr/bin/env bash
# Hands the live roles of stack %s over to CloudFormation StackSets:
# %s in %s, %s.
#
# Generated by: go run ./cmd/iam-layout stacksets --stack %s --format handover
# Regenerate it rather than edit it; docs/stacksets-handover.md explains the
# whole move.
#
# Run it after the hand-over run (delivery: stackSets with
# stackSets.adoptRoles: true) and before pulumi import, with the management
# account's credentials in the environment. For every placement it assumes
# the account's access role, creates a stack named after the role's StackSet
# from the StackSet's own template by a resource import of the live role
# (IAM sees no change), then imports those stacks into the StackSet, at most
# 10 per operation, one operation at a time.
#
# Accounts are adopted in parallel, IAM_LAYOUT_JOBS at a time (default %d):
# each adoption spends most of its time in the AWS CLI's waiters, which poll
# every 30 seconds.
# IAM_LAYOUT_POLL_SECONDS sets how often StackSet operations are polled
# (default %d).
#
# Run it again after an interruption or a failure: placements whose stack
# instance exists are skipped, and a stack left half-way is taken up where
# it stopped.
set -euo pipefail
`

const scriptFunctions = `
# No pager between the CLI and this script.
export AWS_PAGER=''

[[ $max_jobs =~ ^[1-9][0-9]*$ ]] || {
  printf 'handover: error: IAM_LAYOUT_JOBS must be a positive number, not %s\n' "$max_jobs" >&2
  exit 1
}

# The templates, and each StackSet's placements' results.
work=$(mktemp -d)
# cleanup stops the adoptions under way, which a re-run takes up where they
# stopped, and removes the templates.
cleanup() {
  local pid
  for pid in $(jobs -p); do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
templates=$work/templates
mkdir "$templates"

say() { printf 'handover: %s\n' "$*"; }
fail() {
  printf 'handover: error: %s\n' "$*" >&2
  exit 1
}

# write_template FILE: writes the template on stdin without the newline the
# here-document adds, so that the file holds the StackSet's body byte for
# byte (CloudFormation imports a stack into a StackSet only if their
# templates match).
write_template() {
  local body
  body=$(cat)
  printf '%s' "$body" >"$1"
}

# The account being adopted: its name and the access role's credentials.
account='' account_key='' account_secret='' account_token=''

# in_account ARGS...: runs aws with the assumed role's credentials alone.
in_account() {
  env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID="$account_key" AWS_SECRET_ACCESS_KEY="$account_secret" \
    AWS_SESSION_TOKEN="$account_token" aws "$@"
}

# assume ROLE_ARN: takes on the role's credentials for in_account.
assume() {
  local creds
  creds=$(aws sts assume-role --role-arn "$1" --role-session-name "$session_name" \
    --region "$stack_set_region" \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) ||
    fail "$account: could not assume $1 with the management account's credentials"
  read -r account_key account_secret account_token <<<"$creds"
  [ -n "$account_token" ] || fail "$account: assuming $1 returned no credentials"
}

# instance_exists STACKSET ACCOUNT_ID: whether the StackSet has its instance
# in the account already.
instance_exists() {
  local out
  if out=$(aws cloudformation describe-stack-instance --stack-set-name "$1" \
    --stack-instance-account "$2" --stack-instance-region "$instance_region" \
    --region "$stack_set_region" --query StackInstance.Status --output text 2>&1); then
    return 0
  fi
  case $out in
  *StackInstanceNotFoundException*) return 1 ;;
  *StackSetNotFoundException*)
    fail "StackSet $1 does not exist in $stack_set_region: deploy the hand-over run first (delivery: stackSets, stackSets.adoptRoles: true)"
    ;;
  *) fail "$account: describing the instance of StackSet $1: $out" ;;
  esac
}

# read_stack NAME: sets stack_status (NONE when the account has no such
# stack) and stack_id.
read_stack() {
  local out
  stack_status=NONE
  stack_id=''
  if out=$(in_account cloudformation describe-stacks --stack-name "$1" \
    --region "$instance_region" --query 'Stacks[0].[StackStatus,StackId]' --output text 2>&1); then
    read -r stack_status stack_id <<<"$out"
    return 0
  fi
  case $out in
  *"does not exist"*) ;;
  *) fail "$account: describing stack $1: $out" ;;
  esac
}

# adopt STACKSET ROLE RESOURCES ACCOUNT ACCOUNT_ID ACCESS_ROLE_ARN: puts the
# account's live role into a stack of the StackSet's template, unless the
# StackSet has its instance there. It leaves its result in the StackSet's
# directory: ACCOUNT_ID.id holding the stack's ID, or ACCOUNT_ID.skip.
adopt() {
  local stack_set=$1 role=$2 resources=$3 account_id=$5 access_role=$6
  account="$4 ($5)"
  if instance_exists "$stack_set" "$account_id"; then
    say "$stack_set: $account has its stack instance already: skipped"
    : >"$work/$stack_set/$account_id.skip"
    return 0
  fi
  assume "$access_role"
  read_stack "$stack_set"
  if [ "$stack_status" = NONE ]; then
    say "$stack_set: $account: importing role $role into a new stack $stack_set"
    in_account cloudformation create-change-set --stack-name "$stack_set" \
      --change-set-name "$change_set_name" --change-set-type IMPORT \
      --template-body "file://$templates/$stack_set.json" \
      --resources-to-import "$resources" --capabilities CAPABILITY_NAMED_IAM \
      --region "$instance_region" --query StackId --output text >/dev/null ||
      fail "$stack_set: $account: could not create the import change set"
    stack_status=REVIEW_IN_PROGRESS
  fi
  if [ "$stack_status" = REVIEW_IN_PROGRESS ]; then
    if ! in_account cloudformation wait change-set-create-complete --stack-name "$stack_set" \
      --change-set-name "$change_set_name" --region "$instance_region"; then
      fail "$stack_set: $account: the import change set failed: $(in_account cloudformation describe-change-set \
        --stack-name "$stack_set" --change-set-name "$change_set_name" --region "$instance_region" \
        --query StatusReason --output text 2>&1 || true)"
    fi
    in_account cloudformation execute-change-set --stack-name "$stack_set" \
      --change-set-name "$change_set_name" --region "$instance_region" ||
      fail "$stack_set: $account: could not execute the import change set"
    stack_status=IMPORT_IN_PROGRESS
  fi
  if [ "$stack_status" = IMPORT_IN_PROGRESS ]; then
    in_account cloudformation wait stack-import-complete --stack-name "$stack_set" \
      --region "$instance_region" ||
      fail "$stack_set: $account: the stack's import did not complete: see its events (aws cloudformation describe-stack-events --stack-name $stack_set --region $instance_region, in that account)"
  fi
  read_stack "$stack_set"
  [ "$stack_status" = IMPORT_COMPLETE ] ||
    fail "$stack_set: $account: stack $stack_set is $stack_status, not IMPORT_COMPLETE: it was not made by this script; resolve it by hand and run the script again"
  say "$stack_set: $account: stack holds role $role"
  printf '%s\n' "$stack_id" >"$work/$stack_set/$account_id.id"
}

# start_adopt ARGS...: runs adopt ARGS in the background, at most max_jobs
# at a time.
start_adopt() {
  while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do
    wait -n || true
  done
  adopt "$@" 3<&- &
}

# finish_stack_set STACKSET COUNT: waits for the StackSet's COUNT adoptions
# and, if every one succeeded, imports the new stacks into the StackSet.
finish_stack_set() {
  local stack_set=$1 count=$2 finished=0 f id
  wait
  stack_ids=()
  for f in "$work/$stack_set"/*; do
    [ -e "$f" ] || continue
    finished=$((finished + 1))
    if [[ $f == *.id ]]; then
      read -r id <"$f"
      stack_ids+=("$id")
    fi
  done
  [ "$finished" -eq "$count" ] ||
    fail "$stack_set: $((count - finished)) of $count placements failed (errors above), so no stack was imported into it; fix the cause and run the script again: it takes up where it stopped"
  import_stacks "$stack_set"
}

# import_stacks STACKSET: imports the stacks in stack_ids into the StackSet,
# at most max_stacks_per_import per operation, and waits for each: a
# StackSet runs one operation at a time.
import_stacks() {
  local stack_set=$1 i op status
  local -a batch
  for ((i = 0; i < ${#stack_ids[@]}; i += max_stacks_per_import)); do
    batch=("${stack_ids[@]:i:max_stacks_per_import}")
    op=$(aws cloudformation import-stacks-to-stack-set --stack-set-name "$stack_set" \
      --stack-ids "${batch[@]}" --region "$stack_set_region" \
      --query OperationId --output text) ||
      fail "$stack_set: could not import ${#batch[@]} stacks into the StackSet"
    say "$stack_set: importing ${#batch[@]} stacks into the StackSet (operation $op)"
    while :; do
      status=$(aws cloudformation describe-stack-set-operation --stack-set-name "$stack_set" \
        --operation-id "$op" --region "$stack_set_region" \
        --query StackSetOperation.Status --output text) ||
        fail "$stack_set: could not read operation $op"
      case $status in
      SUCCEEDED) break ;;
      FAILED | STOPPED)
        fail "$stack_set: operation $op $status; see why with: aws cloudformation list-stack-set-operation-results --stack-set-name $stack_set --operation-id $op --region $stack_set_region"
        ;;
      esac
      sleep "$poll_seconds"
    done
    say "$stack_set: operation $op succeeded"
  done
}
`

const scriptStart = `
command -v aws >/dev/null || fail "the AWS CLI (aws) is not on PATH"
caller=$(aws sts get-caller-identity --region "$stack_set_region" --query Account --output text) ||
  fail "cannot call AWS: run the script with the management account's credentials in the environment"
[ "$caller" = "$management_account" ] ||
  fail "these are account $caller's credentials; run the script with the management account's ($management_account)"
`

// scriptEnd takes the count of placements and the stack, twice.
const scriptEnd = `
say "done: every role placement (%d) is a stack instance of its StackSet"
say "next: go run ./cmd/iam-layout stacksets --stack %s --format import >import.json"
say "      pulumi import --stack %s --file import.json --generate-code=false"
`
