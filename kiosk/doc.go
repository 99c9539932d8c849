// Package kiosk serves the resident-facing pages of the touch-screen terminals
// at the service halls (政府信息公开查询点): units, their catalogues and what
// they have published. Templates and assets are embedded (the hall may be
// offline). It depends only on the small interfaces it declares.
package kiosk
