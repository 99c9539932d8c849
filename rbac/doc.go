// Package rbac is who may do what where: the Casbin model (RBAC with domains,
// a domain is a unit code), the role permissions defined once for all units,
// the enforcer with its policies in the database (casbin/gorm-adapter), and the
// Fiber middleware that checks (user, unit, object, action) on each route.
//
// Every subject, domain, object and action name is a typed constant or helper
// here; no policy string literal appears elsewhere.
package rbac
