// Package account holds the people who sign in (User) and their sessions.
// Passwords are hashed with bcrypt; session tokens are random and only their
// SHA-256 is stored, so a copy of the database cannot sign anyone in.
//
// Roles are not kept here: they are Casbin grouping policies (package rbac).
// It is a domain package: standard library and x/crypto only.
package account
