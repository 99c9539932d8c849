// Package admin is the back office at /admin where clerks, unit leaders, the
// county office and inspectors work: sign-in, a dashboard per role, the unit's
// catalogue with its freshness, the publication editor and the three-level
// review (三级审核) with its queues. Pages are server-rendered in Chinese;
// templates and assets are embedded. Forms keep what was typed when they are
// refused and name the field at fault.
//
// It depends on the catalog services and the rbac middleware; the server
// wires it and supplies sign-in, sign-out and attachment storage.
package admin
