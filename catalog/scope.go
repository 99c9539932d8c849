package catalog

import (
	"context"
	"slices"
	"sync"
)

// A page that only reads may ask for the units from several places — the
// 工作台 does from three: the person's units, their notices and the names
// of the open requests' units. ReadScope marks a request's context so that
// the units are read once in it.
type unitsScope struct {
	once  sync.Once
	units []Unit
	err   error
}

type unitsScopeKey struct{}

// ReadScope is ctx in which UnitsOnce reads the units at most once. Only
// for a request that changes no unit: it would not see its own change.
func ReadScope(ctx context.Context) context.Context {
	return context.WithValue(ctx, unitsScopeKey{}, &unitsScope{})
}

// WithoutReadScope is ctx without its ReadScope: for work whose result
// outlives the request, such as a report kept under the revision read
// when it starts, which must not reuse units the request read before.
func WithoutReadScope(ctx context.Context) context.Context {
	if ctx.Value(unitsScopeKey{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, unitsScopeKey{}, (*unitsScope)(nil))
}

// UnitsOnce is read's units, read once per ReadScope (every time outside
// one). Each caller gets its own slice.
func UnitsOnce(ctx context.Context, read func() ([]Unit, error)) ([]Unit, error) {
	sc, _ := ctx.Value(unitsScopeKey{}).(*unitsScope)
	if sc == nil {
		return read()
	}
	sc.once.Do(func() { sc.units, sc.err = read() })
	if sc.err != nil {
		return nil, sc.err
	}
	return slices.Clone(sc.units), nil
}
