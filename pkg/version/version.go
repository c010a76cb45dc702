// Package version reports the build's version, as /version and `skiff version` show it.
package version

import (
	"fmt"
	"runtime"

	"k8s.io/apimachinery/pkg/version"
)

// GitVersion is set at build time with -ldflags "-X skiff/pkg/version.GitVersion=...".
var GitVersion = "v1.37.2+skiff"

// Info returns the version.Info of this build. Skiff speaks the Kubernetes 1.37 API.
func Info() version.Info {
	return version.Info{
		Major: "1", Minor: "37", GitVersion: GitVersion, GoVersion: runtime.Version(),
		Compiler: runtime.Compiler, Platform: fmt.Sprintf("%s/%s", runtime.GOOS, runtime.GOARCH),
	}
}
