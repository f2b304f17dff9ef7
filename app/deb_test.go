package app

import (
	"bytes"
	"debug/elf"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The .deb that make package builds (make test points ZHANGGUI_DEB at it):
// its control fields and files, unpacked into a throwaway root, where the
// packaged binary must run; its Depends must cover every library the binary
// links, and apt must be able to install it on this machine.

func TestDebPackage(t *testing.T) {
	deb := os.Getenv("ZHANGGUI_DEB")
	if deb == "" {
		t.Skip("ZHANGGUI_DEB is not set (make test builds the package and sets it)")
	}
	control := debControl(t, deb)
	if control["Package"] != "zhanggui" || control["Version"] == "" {
		t.Fatalf("control: %v", control)
	}
	t.Run("files", func(t *testing.T) { debFiles(t, deb) })
	root := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, out)
	}
	t.Run("version", func(t *testing.T) {
		out, err := exec.Command(filepath.Join(root, "usr", "bin", "zhanggui"), "version").Output()
		if want := "zhanggui " + control["Version"] + "\n"; err != nil || string(out) != want {
			t.Errorf("installed zhanggui version: %q, %v; want %q", out, err, want)
		}
	})
	t.Run("desktop entry", func(t *testing.T) { debDesktop(t, root) })
	t.Run("depends", func(t *testing.T) { debDepends(t, root, control["Depends"]) })
	t.Run("apt can install it", func(t *testing.T) {
		abs, _ := filepath.Abs(deb)
		if out, err := exec.Command("apt-get", "install", "-s", "--no-install-recommends", abs).CombinedOutput(); err != nil {
			t.Errorf("apt-get install -s %s: %v\n%s", abs, err, out)
		}
	})
}

// debControl reads the control fields with dpkg-deb -I.
func debControl(t *testing.T, deb string) map[string]string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "-I", deb, "control").Output()
	if err != nil {
		t.Fatalf("dpkg-deb -I: %v", err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, " ") {
			fields[k] = v
		}
	}
	return fields
}

// debFiles checks the listing of dpkg-deb -c: what must be there, root's.
func debFiles(t *testing.T, deb string) {
	out, err := exec.Command("dpkg-deb", "-c", deb).Output()
	if err != nil {
		t.Fatalf("dpkg-deb -c: %v", err)
	}
	listed := map[string]string{} // path → "mode owner"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 {
			listed[f[len(f)-1]] = f[0] + " " + f[1]
		}
	}
	for path, want := range map[string]string{
		"./usr/bin/zhanggui":                                  "-rwxr-xr-x root/root",
		"./usr/share/applications/zhanggui.desktop":           "-rw-r--r-- root/root",
		"./usr/share/icons/hicolor/256x256/apps/zhanggui.png": "-rw-r--r-- root/root",
		"./usr/share/doc/zhanggui/README":                     "-rw-r--r-- root/root",
		"./usr/share/doc/zhanggui/copyright":                  "-rw-r--r-- root/root",
	} {
		if got := listed[path]; got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}

// debDesktop checks the menu entry: the Chinese name, the command, an icon
// that is the app's, and notes that say how to set up readers and printers.
func debDesktop(t *testing.T, root string) {
	b, err := os.ReadFile(filepath.Join(root, "usr", "share", "applications", "zhanggui.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Desktop Entry]\n", "\nType=Application\n", "\nName=掌柜\n", "\nExec=zhanggui\n", "\nIcon=zhanggui\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("desktop entry lacks %q:\n%s", want, b)
		}
	}
	icon, err := os.ReadFile(filepath.Join(root, "usr", "share", "icons", "hicolor", "256x256", "apps", "zhanggui.png"))
	if err != nil || !bytes.HasPrefix(icon, []byte("\x89PNG")) {
		t.Errorf("icon: %d bytes, %v", len(icon), err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "usr", "share", "doc", "zhanggui", "README"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pcscd", "usermod -aG lp", "udev", "blacklist pn533"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README under /usr/share/doc/zhanggui says nothing of %q", want)
		}
	}
}

// debDepends checks that each library the binary links (DT_NEEDED) comes
// from a package Depends names, asking dpkg which package owns it here.
// GLFW also opens libXcursor, libXi, libXinerama and libXxf86vm at run time;
// those are in Depends by hand.
func debDepends(t *testing.T, root, depends string) {
	f, err := elf.Open(filepath.Join(root, "usr", "bin", "zhanggui"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range strings.Split(depends, ",") {
		names = append(names, strings.Fields(d)[0])
	}
	owners := libraryPackages(t, libs)
	for _, lib := range libs {
		if pkg := owners[lib]; !slices.Contains(names, pkg) {
			t.Errorf("%s is from package %q, which Depends (%s) does not name", lib, pkg, depends)
		}
	}
}

// libraryPackages maps each library to the package that owns its file here,
// found through the linker cache and one dpkg -S.
func libraryPackages(t *testing.T, libs []string) map[string]string {
	t.Helper()
	ldcache, err := exec.Command("ldconfig", "-p").Output()
	if err != nil {
		t.Fatalf("ldconfig -p: %v", err)
	}
	paths := map[string]string{} // file → library
	for _, lib := range libs {
		m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(lib) + ` \(libc6,x86-64\) => (\S+)$`).FindSubmatch(ldcache)
		if m == nil {
			t.Errorf("%s: not in the linker cache", lib)
			continue
		}
		real, err := filepath.EvalSymlinks(string(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		paths[string(m[1])], paths["/usr"+string(m[1])], paths[real] = lib, lib, lib // merged /usr: dpkg knows one
	}
	out, _ := exec.Command("dpkg", append([]string{"-S"}, slices.Sorted(maps.Keys(paths))...)...).Output() // exits 1 for the names it does not know
	owners := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		pkgs, file, ok := strings.Cut(line, ": ")
		if lib := paths[file]; ok && lib != "" {
			pkg, _, _ := strings.Cut(pkgs, ":") // libc6:amd64
			owners[lib] = pkg
		}
	}
	return owners
}
