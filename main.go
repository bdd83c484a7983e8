// Command iam-layout is the Pulumi program that lays out IAM for a
// multi-account AWS organization. Its body lives in package program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/program"
)

func main() {
	pulumi.Run(program.Run)
}
