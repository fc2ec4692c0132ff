// Package browser starts a headless Chromium for tests that look at a
// report as a person does: layout at a given width, filters that hide and
// show rows, the printed page count. It drives Chromium with chromedp
// (the DevTools protocol) and uses the distribution's browser
// (/usr/bin/chromium on Debian; $CHROMIUM names another). A test calls
// Start: without a browser it is skipped with a clear message, unless it
// runs in CI (CI=true), where a missing browser fails the test — .ci/run
// installs Chromium from the Debian packages.
package browser

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// candidates are the executables tried in order, after $CHROMIUM.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "headless-shell"}

// Path finds the browser: $CHROMIUM, else the first of the usual names on
// PATH; "" when there is none.
func Path() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one headless Chromium process; each Tab is a new tab in it.
type Browser struct {
	ctx context.Context
}

// Start launches Chromium for the test and stops it when the test ends.
// Without a browser the test is skipped, or fails when CI=true.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := Path()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found (/usr/bin/chromium, $CHROMIUM): CI must install it (.ci/run does: apt-get install chromium)")
		}
		t.Skip("no Chromium found (/usr/bin/chromium, $CHROMIUM): the browser test is skipped; install it with apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The first call starts the browser, which lives as long as the
	// context of that call: it must have no deadline.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return &Browser{ctx: ctx}
}

// Tab is one page of the browser.
type Tab struct {
	t   testing.TB
	ctx context.Context
}

// Viewport is a window size; Mobile makes the page honour its viewport
// meta tag as a phone does.
type Viewport struct {
	Width, Height int64
	Mobile        bool
}

// Desktop and Phone are the widths the report is checked at: a laptop and
// an iPhone 12–15 (390 CSS pixels).
var (
	Desktop = Viewport{Width: 1280, Height: 900}
	Phone   = Viewport{Width: 390, Height: 844, Mobile: true}
)

// Open opens url in a new tab of the given size, with or without
// JavaScript, and waits for the page to load. The tab closes with the test.
func (b *Browser) Open(t testing.TB, url string, vp Viewport, scripts bool) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	var opts []chromedp.EmulateViewportOption
	if vp.Mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(3))
	}
	// The first call on a tab's context opens the tab, which lives as
	// long as the context of that call: it must have no deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser: open a tab: %v", err)
	}
	tab := &Tab{t: t, ctx: ctx}
	tab.Do(
		chromedp.EmulateViewport(vp.Width, vp.Height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !scripts})
			return err
		}),
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
	)
	return tab
}

// Do runs actions in the tab, failing the test on error; each call has
// two minutes.
func (tab *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tab.t.Fatalf("browser: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the tab and returns its value,
// failing the test on error.
func Eval[T any](tab *Tab, expr string) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tab.t.Fatalf("browser: evaluate %.60q: %v", expr, err)
	}
	return v
}

// PrintPages prints the page to PDF as Chromium's print dialog would (the
// page's @page size, backgrounds on) and returns the number of pages and
// the PDF.
func (tab *Tab) PrintPages() (int, []byte) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Minute)
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), func(p *page.PrintToPDFParams) {
		yes := true
		p.PreferCSSPageSize = &yes
	}))
	if err != nil {
		tab.t.Fatalf("browser: print: %v", err)
	}
	return CountPDFPages(pdf), pdf
}

// pageObject matches a page object of a PDF (/Type /Page, not /Pages).
var pageObject = regexp.MustCompile(`/Type\s*/Page\b`)

// CountPDFPages counts the page objects of a PDF as Chromium writes it
// (Skia's PDF backend writes each page as a plain object).
func CountPDFPages(pdf []byte) int { return len(pageObject.FindAll(pdf, -1)) }
