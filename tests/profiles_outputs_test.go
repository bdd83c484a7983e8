package tests

import (
	"testing"
)

func TestPerUserOutputsCanBeTurnedOffForLargeOrganizations(t *testing.T) {
	t.Parallel()
	on := mustRun(t, devConfig(t))
	off := mustRun(t, mutate(t, func(o map[string]any) { o["profiles"] = map[string]any{"perUserOutputs": false} }))
	perUser := []string{"awsConfigByUser", "awsConfigureCommandsByUser", "accessMatrix", "accessMatrixMermaid"}
	for _, key := range perUser {
		if _, ok := on.Exports[key]; !ok {
			t.Errorf("%s is not exported by default", key)
		}
		if _, ok := off.Exports[key]; ok {
			t.Errorf("%s is exported with perUserOutputs: false", key)
		}
	}
	for _, key := range []string{"awsConfig", "awsConfigureCommands", "switchRoleUrls", "extendSwitchRolesConfig", "consoleExclusions", "roleArns", "roles", "groups"} {
		if on.Exports[key] == nil || off.Exports[key] == nil {
			t.Errorf("%s must be exported either way", key)
		}
	}
}
