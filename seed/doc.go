// Package seed holds Jingde county's reference and demo data — its 39 units,
// the 26 national domains and the county rubric's columns (附件2, 附件3), the
// standard catalogue templates (with the real rows of DOMAIN.md §2.3), every
// unit's catalogue, a year of 2020 publications, requests and filings
// shaped by the county's quarterly bulletins so that the inspection finds
// what they found, and the demo accounts — and the loader that writes them. Loading is idempotent: every row has a stable seed key.
package seed
