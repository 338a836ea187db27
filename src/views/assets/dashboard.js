// The dashboard's only script besides htmx. It does three things:
// 1. turns the server's event stream (/hangfire/events) into DOM events on <body> — cj:jobs,
//    cj:job-<id>, cj:rec-<id>, cj:tick — which htmx elements listen for to fetch fresh HTML;
// 2. "select all" checkboxes and confirmations for dangerous buttons (data-confirm);
// 3. keeps a running job's log scrolled to its end.
// Without it every page still works: links, forms and POST actions are plain HTML.
(function () {
  "use strict";
  var body = document.body;
  var live = document.getElementById("live");
  var url = (document.querySelector('meta[name="dashboard-events"]') || {}).content;

  function fire(name, detail) {
    body.dispatchEvent(new CustomEvent(name, { detail: detail || {} }));
  }

  function setLive(state, text) {
    if (!live) return;
    live.className = "live " + state;
    live.title = text;
  }

  // Tables of moving jobs refresh when jobs change, unless the user is selecting rows. Returns
  // the tables that will refresh: their rows need no refresh of their own.
  function refreshTables() {
    var refreshed = [];
    var tables = document.querySelectorAll("[data-refresh-on-jobs]");
    for (var i = 0; i < tables.length; i++) {
      if (!tables[i].querySelector("input[type=checkbox]:checked")) {
        tables[i].dispatchEvent(new CustomEvent("cj:refresh")); // its <i class="refresh"> listens
        refreshed.push(tables[i]);
      }
    }
    return refreshed;
  }

  function insideAny(el, containers) {
    for (var i = 0; i < containers.length; i++) if (containers[i].contains(el)) return true;
    return false;
  }

  function ids(e) {
    try {
      return JSON.parse(e.data);
    } catch (err) {
      return {};
    }
  }

  if (url && window.EventSource) {
    setLive("connecting", "Live updates: connecting…");
    var es = new EventSource(url);
    es.addEventListener("open", function () {
      setLive("on", "Live updates: connected");
    });
    es.addEventListener("error", function () {
      setLive("off", "Live updates: reconnecting…");
    });
    es.addEventListener("jobs", function (e) {
      var d = ids(e);
      var refreshed = refreshTables();
      (d.ids || []).forEach(function (id) {
        var row = document.getElementById("job-row-" + id);
        if (!row || !insideAny(row, refreshed)) fire("cj:job-" + id);
      });
      fire("cj:jobs", d);
    });
    es.addEventListener("progress", function (e) {
      (ids(e).ids || []).forEach(function (id) {
        fire("cj:job-" + id);
      });
    });
    es.addEventListener("recurring", function (e) {
      (ids(e).ids || []).forEach(function (id) {
        fire("cj:rec-" + id);
      });
    });
    es.addEventListener("tick", function () {
      setLive("on", "Live updates: connected");
      fire("cj:tick");
    });
    window.addEventListener("pagehide", function () {
      es.close();
    });
  } else {
    setLive("off", "Live updates need EventSource; reload to refresh");
  }

  // Select all rows of a batch form.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t || !t.matches || !t.matches("[data-check-all]")) return;
    var form = t.closest("form");
    if (!form) return;
    var boxes = form.querySelectorAll('input[type=checkbox][name="jobs"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = t.checked;
  });

  // Confirmation for dangerous buttons and a hint when a batch button has nothing selected.
  // Capture phase, so a cancelled submit never reaches htmx's boosted-form handler.
  document.addEventListener(
    "submit",
    function (e) {
      var button = e.submitter;
      if (!button) return;
      if (button.hasAttribute("data-needs-selection")) {
        var form = button.closest("form");
        if (form && !form.querySelector('input[type=checkbox][name="jobs"]:checked')) {
          e.preventDefault();
          e.stopPropagation();
          form.classList.add("nothing-selected");
          setTimeout(function () {
            form.classList.remove("nothing-selected");
          }, 1500);
          return;
        }
      }
      var question = button.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        e.preventDefault();
        e.stopPropagation();
      }
    },
    true,
  );

  // A log at its end stays at its end as lines arrive.
  function stickLogs(root) {
    var logs = (root || document).querySelectorAll("[data-stick-bottom]");
    for (var i = 0; i < logs.length; i++) logs[i].scrollTop = logs[i].scrollHeight;
  }
  // On a phone the state tabs scroll sideways: bring the current one into view.
  function showActiveTab() {
    var tab = document.querySelector(".tabs .tab.active");
    var bar = tab && tab.parentNode;
    if (bar && bar.scrollWidth > bar.clientWidth) bar.scrollLeft = tab.offsetLeft - bar.offsetLeft - (bar.clientWidth - tab.offsetWidth) / 2;
  }
  stickLogs();
  showActiveTab();
  body.addEventListener("htmx:afterSwap", function (e) {
    stickLogs(e.detail && e.detail.elt && e.detail.elt.parentNode ? e.detail.elt.parentNode : document);
    if (e.detail && e.detail.target && e.detail.target.id === "main") {
      window.scrollTo(0, 0);
      showActiveTab();
    }
  });

  // Errors htmx does not swap (403 after a restart, 500): say so instead of doing nothing.
  body.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail && e.detail.xhr;
    var text = "The request failed" + (xhr ? " (" + xhr.status + ")" : "") + ".";
    try {
      var data = JSON.parse(xhr.responseText);
      if (data && data.error && data.error.message) text = data.error.message;
    } catch (err) {
      /* not JSON */
    }
    toast(text);
  });
  body.addEventListener("htmx:sendError", function () {
    toast("The server did not answer. Is it running?");
  });

  function toast(text) {
    var el = document.createElement("div");
    el.className = "toast";
    el.setAttribute("role", "alert");
    el.textContent = text;
    body.appendChild(el);
    setTimeout(function () {
      el.remove();
    }, 6000);
  }
})();
