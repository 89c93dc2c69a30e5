/* The owner's calendar: FullCalendar's global bundle fed by /app/calendar/events/.
 *
 * Why timeZone "UTC": the events endpoint sends the business's wall-clock times WITHOUT an
 * offset ("2026-12-03T10:00:00"). FullCalendar reads offset-less times in its own time zone and,
 * in "UTC", shows them unchanged, so the owner sees the business's clock whatever zone the
 * browser is in, and a 10:00 session stays at 10:00 on both sides of a DST change. The other
 * choices are wrong here: "local" shifts every event for an owner whose browser is elsewhere
 * (travelling, or managing a studio abroad), and a named zone such as "Europe/London" needs
 * the luxon or moment-timezone plugin, without which FullCalendar treats it as UTC anyway while
 * still applying offsets it does not know. The same "UTC" frame makes FullCalendar send
 * start/end as e.g. "2026-11-30T00:00:00Z", whose wall-clock part the endpoint reads in the
 * business's zone. "Today" and the now line need the business's clock too: see businessNow.
 */
(function () {
  "use strict";

  // The business's current wall clock as an offset-less ISO string, for FullCalendar's `now`.
  function businessNow(zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit"
      }).formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
      return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute + ":" + parts.second;
    } catch (error) {
      return new Date().toISOString().slice(0, 19);
    }
  }

  function isoDate(date) {
    return date.toISOString().slice(0, 10);  // a date in the UTC frame is the business's date
  }

  function init() {
    var element = document.getElementById("calendar");
    if (!element || !window.FullCalendar) return;
    element.classList.remove("hidden");
    var data = element.dataset;
    var narrow = window.matchMedia("(max-width: 639px)").matches;
    var clock = { hour: "2-digit", minute: "2-digit", hour12: false };
    var dateInput = document.getElementById("id_date");
    var initialView = data.view || (narrow ? "listWeek" : "timeGridWeek");
    // The week grid scrolls inside a fixed height (opening at 07:00); month and list grow with their content.
    function heightFor(view) { return view === "timeGridWeek" ? (narrow ? 560 : 720) : "auto"; }

    var calendar = new window.FullCalendar.Calendar(element, {
      timeZone: "UTC",  // see the comment at the top
      now: function () { return businessNow(data.zone); },
      initialView: initialView,
      initialDate: data.date || undefined,
      firstDay: 1,
      headerToolbar: narrow
        ? { left: "prev,next", center: "title", right: "today" }
        : { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,listWeek" },
      footerToolbar: narrow ? { center: "dayGridMonth,timeGridWeek,listWeek" } : false,
      buttonText: { today: "Today", month: "Month", week: "Week", list: "List" },
      buttonHints: { prev: "Previous $0", next: "Next $0", today: "This $0" },
      eventTimeFormat: clock,
      slotLabelFormat: clock,
      scrollTime: "07:00:00",
      nowIndicator: true,
      allDaySlot: false,
      height: heightFor(initialView),
      views: {
        timeGridWeek: { dayHeaderFormat: narrow ? { weekday: "narrow", day: "numeric" } : { weekday: "short", day: "numeric", month: "short", omitCommas: true } },
        dayGridMonth: { dayMaxEvents: 3 }
      },
      viewDidMount: function (info) { calendar.setOption("height", heightFor(info.view.type)); },
      noEventsContent: "Nothing on the calendar this week.",
      events: {
        url: data.eventsUrl,
        failure: function () { document.getElementById("calendar-error").classList.remove("hidden"); },
        success: function () { document.getElementById("calendar-error").classList.add("hidden"); }
      },
      eventDidMount: function (info) {
        // A readable name for screen readers and a tooltip on hover: time, title, kind.
        var props = info.event.extendedProps;
        var label = info.timeText + " " + info.event.title + (props.kind === "pending" ? " (waiting for your answer)" : "")
          + (props.kind === "waitlist" ? " (waitlist: the place is held for the first in line)" : "");
        info.el.setAttribute("aria-label", label);
        info.el.setAttribute("title", label);
        // The list view (phones' default) gets a link to a session's waitlist beside its title; elsewhere
        // the event is itself a link, and the booking or bookings page it opens links the waitlist.
        var cell = props.kind === "session" && props.waitlist_url && info.el.querySelector(".fc-list-event-title");
        if (cell) {
          var link = document.createElement("a");
          link.href = props.waitlist_url;
          link.className = "fk-waitlist-link";
          link.textContent = "Waitlist (" + props.waiting + ")";
          // FullCalendar opens the event's url on a click anywhere in its row: this link goes to its own.
          link.addEventListener("click", function (event) { event.stopPropagation(); });
          cell.appendChild(link);
        }
        // A session with a free place: "Add a client" books one into it (the phone booking page).
        var title = props.add_client_url && info.el.querySelector(".fc-list-event-title");
        if (title) {
          var add = document.createElement("a");
          add.href = props.add_client_url;
          add.className = "fk-waitlist-link";
          add.textContent = "Add a client";
          add.setAttribute("aria-label", "Add a client to " + info.event.title);
          add.addEventListener("click", function (event) { event.stopPropagation(); });
          title.appendChild(add);
        }
      },
      datesSet: function (info) {
        // Keep the address on what is shown, so a reload or a shared link opens the same place.
        var start = isoDate(info.view.currentStart);
        var today = businessNow(data.zone).slice(0, 10);
        var inView = today >= start && today < isoDate(info.view.currentEnd);
        var url = new URL(window.location.href);
        url.searchParams.set("date", start);
        url.searchParams.set("view", info.view.type);
        window.history.replaceState(window.history.state, "", url);
        // The "add a session" form starts on the day in view (today when it is in view).
        if (dateInput && !dateInput.dataset.touched) dateInput.value = inView ? today : start;
      }
    });
    if (dateInput) dateInput.addEventListener("input", function () { dateInput.dataset.touched = "1"; });
    calendar.render();
    // The arrow buttons are named by their title ("Previous week"); their icon font glyph is decoration,
    // but FullCalendar marks it role="img" without a name, which screen readers announce as an unnamed image.
    element.querySelectorAll(".fc-icon[role='img']").forEach(function (icon) { icon.setAttribute("aria-hidden", "true"); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
