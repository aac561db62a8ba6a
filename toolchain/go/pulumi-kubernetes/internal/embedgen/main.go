// Command embedgen writes the files that the provider's main package embeds, the same way
// upstream's `go generate` step does: schema.json re-marshalled through schema.PackageSpec with
// the version set, and terraform-mapping.json re-marshalled compactly.
//
// usage: go run ./internal/embedgen <upstream cmd/pulumi-resource-kubernetes dir> <out dir> <version>
package main

import (
	"encoding/json"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: embedgen <src dir> <out dir> <version>")
	}
	src, out, version := os.Args[1], os.Args[2], os.Args[3]

	raw, err := os.ReadFile(filepath.Join(src, "schema.json"))
	if err != nil {
		log.Fatal(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		log.Fatalf("cannot deserialize schema: %v", err)
	}
	spec.Version = version
	if raw, err = json.Marshal(spec); err != nil {
		log.Fatalf("cannot reserialize schema: %v", err)
	}
	if err := os.WriteFile(filepath.Join(out, "schema-embed.json"), raw, 0o644); err != nil {
		log.Fatal(err)
	}

	if raw, err = os.ReadFile(filepath.Join(src, "terraform-mapping.json")); err != nil {
		log.Fatal(err)
	}
	var mapping interface{}
	if err := json.Unmarshal(raw, &mapping); err != nil {
		log.Fatalf("cannot deserialize terraform mapping: %v", err)
	}
	if raw, err = json.Marshal(mapping); err != nil {
		log.Fatalf("cannot reserialize terraform mapping: %v", err)
	}
	if err := os.WriteFile(filepath.Join(out, "terraform-mapping-embed.json"), raw, 0o644); err != nil {
		log.Fatal(err)
	}
}
