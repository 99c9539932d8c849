// Package notify tells the back office's staff what waits for them: a
// request newly assigned to their unit or near its statutory deadline, a
// publication returned to its drafter, publications waiting for review,
// catalogue items falling due, and rectification deadlines (a publication
// taken down, a quarter's bulletin naming the unit). The same notices are
// shown on the 工作台 and sent as a daily digest by e-mail, when an SMTP
// server is configured and the person has given an address.
//
// It is a domain package: it imports catalog, foi, inspect, account and
// workday, never HTTP, gorm, rbac or an SMTP library; who may do what is
// asked through Rights. Its digest claims are kept by notify/gormstore and
// the mail sent by notify/smtpmail.
package notify
