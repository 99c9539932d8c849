package catalog

import (
	"context"
	"errors"
	"testing"
)

func TestUnitsOnceReadsOncePerScope(t *testing.T) {
	reads := 0
	read := func() ([]Unit, error) {
		reads++
		return []Unit{{Code: "a"}, {Code: "b"}}, nil
	}
	ctx := context.Background()
	for range 2 {
		if _, err := UnitsOnce(ctx, read); err != nil {
			t.Fatal(err)
		}
	}
	if reads != 2 {
		t.Fatalf("outside a scope: %d reads, want 2", reads)
	}
	scope := ReadScope(ctx)
	first, _ := UnitsOnce(scope, read)
	first[0].Code = "changed by the first caller"
	second, err := UnitsOnce(scope, read)
	if err != nil || reads != 3 {
		t.Fatalf("in a scope: %d reads (want 3), %v", reads, err)
	}
	if second[0].Code != "a" {
		t.Fatalf("a caller's change reached the next: %q", second[0].Code)
	}
	if again, _ := UnitsOnce(ReadScope(ctx), read); reads != 4 || len(again) != 2 {
		t.Fatalf("a new scope: %d reads, want 4", reads)
	}
}

func TestUnitsOnceKeepsTheError(t *testing.T) {
	scope := ReadScope(context.Background())
	boom := errors.New("boom")
	reads := 0
	for range 2 {
		if _, err := UnitsOnce(scope, func() ([]Unit, error) { reads++; return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
	}
	if reads != 1 {
		t.Fatalf("%d reads", reads)
	}
}

func TestWithoutReadScopeReadsAgain(t *testing.T) {
	reads := 0
	read := func() ([]Unit, error) { reads++; return nil, nil }
	scope := ReadScope(context.Background())
	UnitsOnce(scope, read)
	UnitsOnce(scope, read)
	out := WithoutReadScope(scope)
	UnitsOnce(out, read)
	UnitsOnce(out, read)
	if reads != 3 {
		t.Fatalf("%d reads, want 1 in the scope and 2 out of it", reads)
	}
	if plain := context.Background(); WithoutReadScope(plain) != plain {
		t.Error("a context without a scope should come back as it is")
	}
}
