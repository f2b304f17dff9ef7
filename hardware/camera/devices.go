package camera

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ListDevices returns the V4L2 video devices (/dev/video*), with the names
// their drivers give in sysfs, in number order. It returns an empty list
// and no error when there are none, as on a machine without a camera. A USB
// webcam often shows up twice (a capture node and a metadata node); only
// the capture node can be opened.
func ListDevices() ([]Device, error) {
	return listDevices("/dev", "/sys/class/video4linux")
}

var videoNode = regexp.MustCompile(`^video([0-9]+)$`)

func listDevices(devDir, sysDir string) ([]Device, error) {
	entries, err := os.ReadDir(devDir)
	if err != nil {
		return nil, fmt.Errorf("camera: list devices: %w", err)
	}
	type numbered struct {
		n int
		d Device
	}
	var found []numbered
	for _, e := range entries {
		m := videoNode.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1]) // the pattern admits digits only
		found = append(found, numbered{n, Device{Path: filepath.Join(devDir, e.Name()), Name: deviceName(sysDir, e.Name())}})
	}
	sort.Slice(found, func(i, j int) bool { return found[i].n < found[j].n })
	devs := make([]Device, 0, len(found))
	for _, f := range found {
		devs = append(devs, f.d)
	}
	return devs, nil
}

// deviceName reads the driver's name for a node, or returns the node's own
// name when sysfs has none.
func deviceName(sysDir, node string) string {
	b, err := os.ReadFile(filepath.Join(sysDir, node, "name"))
	if name := strings.TrimSpace(string(b)); err == nil && name != "" {
		return name
	}
	return node
}
