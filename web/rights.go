package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"gongkai/foi"
	"gongkai/rbac"
)

// RequestUnit is the unit that answers the disclosure request the route's
// :number names, for rbac's Require.
func RequestUnit(find func(ctx context.Context, number string) (*foi.Request, error)) rbac.UnitFrom {
	return func(c *fiber.Ctx) (string, error) {
		r, err := find(c.UserContext(), c.Params("number"))
		if err != nil {
			return "", err
		}
		return r.UnitCode, nil
	}
}

// RequestStepRight is the right a request's step (the route's :action)
// needs: an extension (the section head's approval) and a merge (a request
// closed without its own answer) are the leader's decisions (the publish
// right), the rest the right to write.
func RequestStepRight(c *fiber.Ctx) (rbac.Action, error) {
	if a := c.Params("action"); a == foi.ActExtend || a == foi.ActMerge || a == foi.ActDelay || a == foi.ActFee {
		return rbac.ActPublish, nil
	}
	return rbac.ActWrite, nil
}
