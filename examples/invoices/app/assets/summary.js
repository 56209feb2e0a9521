// Streams an invoice's summary into the page: a click on a link marked
// data-summary opens its Server-Sent Events and appends each token to the
// element the attribute names. Without JavaScript the link shows the
// whole summary as text. A page swap (an htmx action) ends the stream, so
// that no summary of the invoice as it was goes on growing on the page as
// it is now.
(function () {
  "use strict";
  var open = null;

  function stop() {
    if (!open) return;
    open.source.close();
    open.link.removeAttribute("aria-busy");
    open = null;
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-summary]");
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    var out = document.getElementById(link.dataset.summary);
    if (!out || !window.EventSource) return;
    e.preventDefault();
    stop();
    out.textContent = "";
    var source = new EventSource(link.href);
    open = { source: source, link: link };
    link.setAttribute("aria-busy", "true");
    source.addEventListener("token", function (ev) { out.textContent += ev.data; });
    source.addEventListener("done", stop);
    source.addEventListener("error", function () {
      // EventSource reconnects by itself; a stream that failed before its
      // end says so rather than wait in silence.
      if (source.readyState === EventSource.CLOSED || !out.textContent) {
        out.textContent = out.textContent || "The summary could not be loaded.";
        stop();
      }
    });
  });
  document.addEventListener("htmx:beforeSwap", stop);
})();
