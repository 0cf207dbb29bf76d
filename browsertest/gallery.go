package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The documentation's screenshots (docs/screenshots, README's gallery) are drawn by the walks
// themselves when PURSE_GALLERY names their folder, so that they show the pages as they are:
//
//	PURSE_REQUIRE_BROWSER=1 PURSE_GALLERY=$PWD/../docs/screenshots go test -run Walk ./browsertest
//
// Without it Gallery does nothing: CI's runs write no pictures into the tree.

// Desktop is the desktop size a gallery picture may be drawn at besides the phone's.
const (
	DesktopWidth  = 1280
	DesktopHeight = 800
	// galleryHeight caps a phone picture: the top of a long page tells what it is.
	galleryHeight = 1200
	// galleryColours is the palette's size: 32 keep purse's flat colours and its text legible, at
	// about 20 KB a picture.
	galleryColours = 32
)

// Sizes are the screen sizes a gallery picture is drawn at.
type Sizes int

const (
	Phone Sizes = 1 << iota
	Desktop
	PhoneAndDesktop = Phone | Desktop
)

// Gallery saves the page as the documentation's picture name-lang.png at a phone's size (at one
// device pixel per CSS pixel, reduced to a palette so the repository stays small), and as
// name-lang-desktop.png at the desktop size, as sizes says.
func (b *Browser) Gallery(name string, sizes Sizes) {
	b.T.Helper()
	dir := os.Getenv("PURSE_GALLERY")
	if dir == "" {
		return
	}
	lang := b.lang()
	if sizes&Phone != 0 {
		b.picture(filepath.Join(dir, name+"-"+lang+".png"), Width, Height, galleryHeight)
	}
	if sizes&Desktop != 0 {
		b.picture(filepath.Join(dir, name+"-"+lang+"-desktop.png"), DesktopWidth, DesktopHeight, DesktopHeight)
	}
}

// lang is the page's language.
func (b *Browser) lang() string {
	return value(b, "page language", chromedp.Evaluate[string](`document.documentElement.lang`))
}

// picture draws the page at width × height, clipped at most pixels down, into file, and puts the
// phone's viewport back.
func (b *Browser) picture(file string, width, height int64, most float64) {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	defer func() {
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll(".tabs").forEach(e => e.style.position = ""), true`))
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height, chromedp.EmulateScale(2))); err != nil {
			b.T.Fatalf("restore the viewport: %v", err)
		}
	}()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, chromedp.EmulateScale(1))); err != nil {
		b.T.Fatalf("gallery viewport: %v", err)
	}
	if most > float64(height) {
		// Drawn past the screen's bottom, the fixed tab bar would sit mid-picture: put it in the
		// flow for the picture, as Shot does.
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll(".tabs").forEach(e => e.style.position = "static"), true`))
	}
	full, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	if err != nil {
		b.T.Fatalf("gallery: page height: %v", err)
	}
	capture := chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{CaptureBeyondViewport: &yes,
			FromSurface: &yes, Clip: &page.Viewport{Width: float64(width), Height: min(full, most), Scale: 1}})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
	shot, err := chromedp.Run(ctx, capture)
	if err != nil {
		b.T.Fatalf("gallery: screenshot: %v", err)
	}
	small, err := paletted(shot)
	if err != nil {
		b.T.Fatalf("gallery: %v", err)
	}
	if err := os.WriteFile(file, small, 0o644); err != nil {
		b.T.Fatal(err)
	}
}

// paletted re-encodes a screenshot with its most used colours. purse's pages are flat colours and
// antialiased text: the most used colours cover them, and a picture shrinks to about a fifth.
func paletted(shot []byte) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		return nil, err
	}
	count := map[color.RGBA]int{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			count[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}]++
		}
	}
	colors := make([]color.RGBA, 0, len(count))
	for c := range count {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(i, j int) bool {
		if count[colors[i]] != count[colors[j]] {
			return count[colors[i]] > count[colors[j]]
		}
		a, b := colors[i], colors[j]
		return a.R < b.R || a.R == b.R && (a.G < b.G || a.G == b.G && a.B < b.B)
	})
	pal := make(color.Palette, 0, galleryColours)
	for _, c := range colors[:min(galleryColours, len(colors))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(bounds, pal)
	draw.Draw(out, bounds, img, bounds.Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
