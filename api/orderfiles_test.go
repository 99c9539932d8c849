package api_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"gongkai/web"
)

// upload sends a file as the form field "file".
func (c *client) upload(path, name string, content []byte) response {
	c.h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if c.cookie != "" {
		req.Header.Set("Cookie", web.Cookie+"="+c.cookie)
	}
	res, err := c.h.app.Test(req, -1)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return response{res.StatusCode, out.Bytes(), res.Header}
}

// TestOrderFiles: the operator keeps a photograph with an order; the file
// is checked as a publication's (a text file named .png is refused,
// naming it); the handling unit reads it, another unit and the public do
// not; it lives apart from publications' files.
func TestOrderFiles(t *testing.T) {
	h := newAPI(t)
	operator := h.login("zhengfuban-clerk")
	var o orderJSON
	r := operator.do("POST", "/api/v1/orders", map[string]any{"channel": "mailbox", "category": "report", "caller_name": "钱八",
		"caller_phone": "13605630000", "title": "河道倾倒垃圾", "content": "徽水河东岸有人倾倒建筑垃圾，附照片。"})
	if r.status != 201 {
		t.Fatalf("intake: %d %s", r.status, r.body)
	}
	r.decode(t, &o)
	var pic bytes.Buffer
	png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 8, 8)))
	if r := operator.upload("/api/v1/orders/"+o.Number+"/files", "照片.png", []byte("not a picture at all")); r.status != 400 || !strings.Contains(string(r.body), "照片.png") {
		t.Errorf("a fake picture: %d %s", r.status, r.body)
	}
	if r := h.login("sanxi-clerk").upload("/api/v1/orders/"+o.Number+"/files", "照片.png", pic.Bytes()); r.status != 403 {
		t.Errorf("another unit attaches: %d", r.status)
	}
	r = operator.upload("/api/v1/orders/"+o.Number+"/files", "照片.png", pic.Bytes())
	if r.status != 201 {
		t.Fatalf("attach: %d %s", r.status, r.body)
	}
	var a struct {
		ID     int64  `json:"id"`
		SHA256 string `json:"sha256"`
	}
	r.decode(t, &a)
	path := "/api/v1/order-files/" + strconv.FormatInt(a.ID, 10)
	if r := h.anon().do("GET", path, nil); r.status != 401 {
		t.Errorf("anyone reads the file: %d", r.status)
	}
	if r := operator.do("POST", "/api/v1/orders/"+o.Number+"/transfer", map[string]any{"unit": "shengtai"}); r.status != 200 {
		t.Fatalf("transfer: %d %s", r.status, r.body)
	}
	if r := h.login("shengtai-clerk").do("GET", path, nil); r.status != 200 || !bytes.Equal(r.body, pic.Bytes()) || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("the handling unit reads it: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := h.login("sanxi-clerk").do("GET", path, nil); r.status != 403 {
		t.Errorf("another unit reads it: %d", r.status)
	}
	var shown struct {
		Files []struct{ Name string } `json:"files"`
	}
	operator.do("GET", "/api/v1/orders/"+o.Number, nil).decode(t, &shown)
	if len(shown.Files) != 1 || shown.Files[0].Name != "照片.png" {
		t.Errorf("the order lists %v", shown.Files)
	}
}
