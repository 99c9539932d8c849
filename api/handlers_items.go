package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/web"
)

// handleItemIndex lists a unit's active items. It is the busiest public read
// (the portal and every kiosk ask it), so the encoded list is kept per unit and
// served again while the unit's catalogue revision in the database is the
// same; any instance's write changes the revision. Browsers get an ETag.
func (s *handlers) handleItemIndex(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	domain := c.Query("domain")
	rev, err := s.Units.CatalogRevision(c.UserContext(), code)
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`W/"items-%s-%d"`, code, rev)
	if domain == "" && c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	body, ok := s.itemLists.get(code, rev)
	if !ok || domain != "" {
		items, err := s.Items.FindItems(c.UserContext(), catalog.ItemFilter{UnitCode: code, DomainCode: domain})
		if err != nil {
			return err
		}
		if body, err = json.Marshal(items); err != nil {
			return err
		}
		if domain == "" {
			s.itemLists.put(code, rev, body)
		} else {
			etag = ""
		}
	}
	if etag != "" {
		c.Set(fiber.HeaderETag, etag)
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

// listCache keeps one encoded list per unit with the revision it was read at.
type listCache struct {
	mu sync.RWMutex
	m  map[string]cachedList
}

type cachedList struct {
	rev  int64
	body []byte
}

func (lc *listCache) get(unit string, rev int64) ([]byte, bool) {
	lc.mu.RLock()
	defer lc.mu.RUnlock()
	e, ok := lc.m[unit]
	return e.body, ok && e.rev == rev
}

func (lc *listCache) put(unit string, rev int64, body []byte) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.m == nil {
		lc.m = map[string]cachedList{}
	}
	if e, ok := lc.m[unit]; !ok || e.rev <= rev {
		lc.m[unit] = cachedList{rev, body}
	}
}

// itemInput is the JSON body of an item create or update: the standard
// columns, and for an update the reason recorded in the history. The
// read-only fields of an item's JSON are accepted and ignored, so a client
// may GET an item, change it and PUT it back.
type itemInput struct {
	catalog.Columns
	SortOrder int    `json:"sort_order"`
	Reason    string `json:"reason"`
	// Version is the one the form was made from; an older one is refused.
	Version int `json:"version"`
	readOnlyItemFields
}

type readOnlyItemFields struct {
	ID              json.RawMessage `json:"id"`
	UnitCode        json.RawMessage `json:"unit_code"`
	TemplateID      json.RawMessage `json:"template_id"`
	Status          json.RawMessage `json:"status"`
	RetiredReason   json.RawMessage `json:"retired_reason"`
	UpdatedAt       json.RawMessage `json:"updated_at"`
	UpdatedBy       json.RawMessage `json:"updated_by"`
	LastPublishedAt json.RawMessage `json:"last_published_at"`
}

func (s *handlers) handleItemCreate(c *fiber.Ctx) error {
	var in itemInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Units.FindUnit(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	in.Columns.ApplyDefaults(*u)
	it := catalog.Item{UnitCode: u.Code, Columns: in.Columns, SortOrder: in.SortOrder}
	if err := s.Items.CreateItem(c.UserContext(), &it, web.Actor(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

func (s *handlers) handleItemShow(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	it, err := s.Items.FindItem(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(it)
}

func (s *handlers) handleItemUpdate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in itemInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	old, err := s.Items.FindItem(c.UserContext(), id)
	if err != nil {
		return err
	}
	u, err := s.Units.FindUnit(c.UserContext(), old.UnitCode)
	if err != nil {
		return err
	}
	in.Columns.ApplyDefaults(*u)
	it := catalog.Item{ID: id, UnitCode: old.UnitCode, TemplateID: old.TemplateID, Columns: in.Columns, SortOrder: in.SortOrder, Version: in.Version}
	if err := s.Items.UpdateItem(c.UserContext(), &it, strings.TrimSpace(in.Reason), web.Actor(c)); err != nil {
		return err
	}
	return c.JSON(it)
}

type reasonInput struct {
	Reason string `json:"reason"`
}

// reason reads the reason of a retirement from a JSON body or ?reason=.
func reason(c *fiber.Ctx) (string, error) {
	if len(c.Body()) > 0 {
		var in reasonInput
		if err := web.DecodeJSON(c, &in); err != nil {
			return "", err
		}
		return strings.TrimSpace(in.Reason), nil
	}
	return strings.TrimSpace(c.Query("reason")), nil
}

func (s *handlers) handleItemRetire(c *fiber.Ctx) error {
	return retire(c, s.Items.RetireItem, s.Items.FindItem)
}

// retire withdraws the record the route names with the reason given, and
// answers with the record as it now is.
func retire[T any](c *fiber.Ctx, do func(context.Context, int64, string, catalog.Actor) error, find func(context.Context, int64) (*T, error)) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	why, err := reason(c)
	if err != nil {
		return err
	}
	if err := do(c.UserContext(), id, why, web.Actor(c)); err != nil {
		return err
	}
	v, err := find(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *handlers) handleItemHistory(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	vs, err := s.Items.ItemHistory(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(vs)
}
