package kubelet

import (
	"bytes"
	"io"
	"os"
	"path/filepath"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Limits of termination messages, as upstream.
const (
	maxMessageBytes = 4096
	maxLogTailBytes = 2048
	maxLogTailLines = 80
)

// terminationMessage reads an exited container's message: the file mounted at its
// terminationMessagePath, or with policy FallbackToLogsOnError and a failure, its log's tail.
func terminationMessage(podsDir string, st *runtimeapi.ContainerStatus, c *containerState) string {
	path := terminationMessageFile(podsDir, types.UID(st.Labels[LabelPodUID]), c.Name, c.RestartCount)
	if msg := readLimited(path, maxMessageBytes); msg != "" {
		return msg
	}
	if st.Annotations[annotationMessagePolicy] != string(v1.TerminationMessageFallbackToLogsOnError) || c.ExitCode == 0 {
		return ""
	}
	if !filepath.IsAbs(st.LogPath) {
		return ""
	}
	return logTail(st.LogPath)
}

func readLimited(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return string(b)
}

// logTail is the text of the last lines of a CRI log file ("<time> <stream> <tag> <text>").
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > maxLogTailLines {
		lines = lines[len(lines)-maxLogTailLines:]
	}
	var out bytes.Buffer
	for _, l := range lines {
		f := bytes.SplitN(l, []byte(" "), 4)
		if len(f) == 4 {
			out.Write(f[3])
			if string(f[2]) == "F" {
				out.WriteByte('\n')
			}
		}
	}
	if out.Len() > maxLogTailBytes {
		return out.String()[out.Len()-maxLogTailBytes:]
	}
	return out.String()
}
