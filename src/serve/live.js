// regionprofil serve: live reload. Injected only by `serve`, never into built sites.
(() => {
  "use strict";
  const script = document.currentScript;
  const version = new URL(script.src).searchParams.get("v");
  const scrollKey = "regionprofil-scroll:" + location.pathname;
  const OVERLAY_ID = "regionprofil-errors";

  // Keep the scroll position across reloads.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    addEventListener("load", () => scrollTo(0, Number(saved)));
  }
  const reload = () => {
    sessionStorage.setItem(scrollKey, String(scrollY));
    location.reload();
  };

  const showErrors = (text) => {
    let overlay = document.getElementById(OVERLAY_ID);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = OVERLAY_ID;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace";
      const title = document.createElement("h2");
      title.textContent = "The site has errors; this page is from the last good build.";
      title.style.cssText = "font:600 1.1rem system-ui,sans-serif;margin:0 0 1rem;color:#ff8a80";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.append(title, pre);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  };

  // A stylesheet changed: take the new stylesheet links from the page as it is now.
  const swapStylesheets = async () => {
    const response = await fetch(location.href, { cache: "no-store" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const pathOf = (href) => new URL(href, location.href).pathname;
    const newHrefs = new Map(
      [...fresh.querySelectorAll('link[rel="stylesheet"]')].map((l) => [pathOf(l.href), l.href]),
    );
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const next = new URL(newHrefs.get(pathOf(link.href)) || link.href, location.href);
      next.searchParams.set("live", String(Date.now()));
      link.href = next.href;
    }
  };

  const events = new EventSource("/__regionprofil/events");
  events.addEventListener("open", () => { document.documentElement.dataset.regionprofilLive = "connected"; });
  events.addEventListener("hello", (e) => {
    // Built again while this page was away (or the server restarted): it is stale.
    if (e.data !== version) reload();
  });
  events.addEventListener("reload", reload);
  events.addEventListener("css", () => swapStylesheets().catch(reload));
  events.addEventListener("errors", (e) => showErrors(e.data));
})();
