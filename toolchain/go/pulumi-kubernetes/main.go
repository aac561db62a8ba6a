// Command pulumi-resource-kubernetes is fleetwright's build wrapper around the upstream
// provider (github.com/pulumi/pulumi-kubernetes/provider/v4), which cannot be built with a
// plain `go install`: its module has no tags, a relative replace, and its main package embeds
// generated, gitignored files. This file mirrors upstream's
// provider/cmd/pulumi-resource-kubernetes/main.go for the pinned commit; the embedded JSON files
// are produced by toolchain/setup.sh (via ./internal/embedgen) from the module cache.
//
// Keep in step with the pinned commit: from provider v4.31.0 on, provider.Serve takes a fifth
// argument (helm-mapping.json); see docs/toolchain.md.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
