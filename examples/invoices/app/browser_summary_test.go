package app_test

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// summaryStreams clicks the invoice page's Summarize and checks that the
// summary arrives in several steps, as its Server-Sent Events come, and
// ends whole. With JavaScript off the link shows the whole summary as
// text.
func (b *browser) summaryStreams(want string) {
	b.t.Helper()
	if !b.htmx() {
		path := b.path()
		// Following the link, as a click does with JavaScript off.
		var href string
		b.eval(`document.querySelector("a[data-summary]").href`, &href)
		b.run(chromedp.Navigate(href))
		b.waitJS(`document.body && document.body.innerText.includes(`+jsString(want)+`)`, "the summary as text")
		b.open(path)
		return
	}
	var got struct {
		Steps []int
		Text  string
	}
	b.run(chromedp.Evaluate(`(async () => {
		const out = document.getElementById("summary-text");
		const link = document.querySelector("a[data-summary]");
		const steps = [];
		link.click();
		for (const t0 = Date.now(); Date.now() - t0 < 10000; ) {
			const n = out.textContent.length;
			if (n && steps[steps.length - 1] !== n) steps.push(n);
			if (n && !link.hasAttribute("aria-busy")) break;
			await new Promise(r => setTimeout(r, 10));
		}
		return {steps, text: out.textContent};
	})()`, &got, await))
	if len(got.Steps) < 5 {
		b.fail("the summary arrived in %d steps %v, want it streamed in many", len(got.Steps), got.Steps)
	}
	if !strings.HasPrefix(got.Text, want) || !strings.HasSuffix(got.Text, ".") && !strings.HasSuffix(got.Text, `"`) {
		b.fail("the summary reads %q, want it whole, starting %q", got.Text, want)
	}
}
