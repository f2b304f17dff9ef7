package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCommittedCSVIsCurrent fails when the table was edited without
// regenerating assets/demo/products.csv (or the file was edited by hand).
func TestCommittedCSVIsCurrent(t *testing.T) {
	got, err := generate()
	if err != nil {
		t.Fatalf("generate() error: %v", err)
	}
	want, err := os.ReadFile("../../demo/products.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("assets/demo/products.csv is stale: run go run ./assets/internal/gendemo -o assets/demo/products.csv")
	}
}

func TestWeighedCode(t *testing.T) {
	if got, want := weighedCode(1), "2110001000003"; got != want {
		t.Errorf("weighedCode(1) = %s, want %s", got, want)
	}
}
