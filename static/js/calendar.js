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

  var VIEW_UNITS = { timeGridDay: "day", timeGridWeek: "week", dayGridMonth: "month", listWeek: "list" };

  // FullCalendar's own words, as the page translated them (#calendar-texts), with "{n}" for a number.
  function pageTexts(locale) {
    var texts = document.getElementById("calendar-texts").dataset;
    var plural = new Intl.PluralRules(locale || undefined);
    function counted(one, other) {
      return function (n) { return (plural.select(n) === "one" ? one : other).replace("{n}", n); };
    }
    function byUnit(prefix) {
      return function (_text, unit) { return texts[prefix + unit.charAt(0).toUpperCase() + unit.slice(1)] || _text; };
    }
    return {
      buttonText: { today: texts.today, month: texts.month, week: texts.week, day: texts.day, list: texts.list },
      buttonHints: { prev: byUnit("previous"), next: byUnit("next"), today: byUnit("this") },
      viewHint: function (_text, view) { return texts[VIEW_UNITS[view] + "View"] || _text; },
      allDayText: texts.allDay,
      noEventsText: texts.noEvents,
      moreLinkText: counted(texts.moreOne, texts.moreOther),
      moreLinkHint: counted(texts.moreHintOne, texts.moreHintOther),
      closeHint: texts.close,
      timeHint: texts.time,
      eventHint: texts.event
    };
  }

  function showError(shown) {
    return function () { document.getElementById("calendar-error").classList.toggle("hidden", !shown); };
  }

  function init() {
    var element = document.getElementById("calendar");
    if (!element || !window.FullCalendar) return;
    element.classList.remove("hidden");
    var data = element.dataset;
    var narrow = window.matchMedia("(max-width: 639px)").matches;
    // 12- or 24-hour, as the page says (calendar_conventions in calendar_pages.py decides).
    var clock = data.hour12 === "true"
      ? { hour: "numeric", minute: "2-digit", hour12: true, meridiem: "short" }
      : { hour: "2-digit", minute: "2-digit", hour12: false };
    var dateInput = document.getElementById("id_date");
    var initialView = data.view || (narrow ? "listWeek" : "timeGridWeek");
    var views = "dayGridMonth,timeGridWeek,timeGridDay,listWeek";
    // The time grids scroll inside a fixed height (opening at 07:00); month and list grow with their content.
    function heightFor(view) { return view.indexOf("timeGrid") === 0 ? (narrow ? 560 : 720) : "auto"; }

    var calendar = new window.FullCalendar.Calendar(element, Object.assign(pageTexts(data.locale), {
      timeZone: "UTC",  // see the comment at the top
      locale: data.locale || undefined,  // dates and weekday names by the browser's Intl in the page's language
      now: function () { return businessNow(data.zone); },
      initialView: initialView,
      initialDate: data.date || undefined,
      firstDay: Number(data.firstDay),  // the page decides (calendar_conventions)
      headerToolbar: narrow
        ? { left: "prev,next", center: "title", right: "today" }
        : { left: "prev,next today", center: "title", right: views },
      footerToolbar: narrow ? { center: views } : false,
      eventTimeFormat: clock,
      slotLabelFormat: clock,
      scrollTime: "07:00:00",
      nowIndicator: true,
      // The all-day row carries a date's note: "Day off", "Changed hours: …" (from the hours feed).
      allDaySlot: true,
      height: heightFor(initialView),
      views: {
        timeGridWeek: { dayHeaderFormat: narrow ? { weekday: "narrow", day: "numeric" } : { weekday: "short", day: "numeric", month: "short", omitCommas: true } },
        timeGridDay: { dayHeaderFormat: { weekday: "long", day: "numeric", month: "long" } },
        dayGridMonth: { dayMaxEvents: 3 }
      },
      viewDidMount: function (info) { calendar.setOption("height", heightFor(info.view.type)); },
      // The sessions and requests (their loading clears an earlier error), and each date's working hours and note.
      eventSources: [
        { url: data.eventsUrl, failure: showError(true), success: showError(false) },
        { url: data.hoursUrl, failure: showError(true) }
      ],
      eventDidMount: function (info) {
        var props = info.event.extendedProps;
        if (!props.description) return;  // shading: decoration, its words are in the all-day row
        // A readable name for screen readers and a tooltip on hover: time, then the feed's translated description.
        var label = (info.timeText ? info.timeText + " " : "") + props.description;
        info.el.setAttribute("aria-label", label);
        info.el.setAttribute("title", label);
        // The list view shows no stripes: a hand-added session says so in words there.
        var title = props.created_by_owner && info.el.querySelector(".fc-list-event-title");
        if (title) {
          var tag = document.createElement("span");
          tag.className = "fk-hand-added-tag";
          tag.textContent = document.getElementById("calendar-texts").dataset.handAdded;
          title.appendChild(tag);
        }
        // The list view (phones' default) gets a link to a session's waitlist beside its title; elsewhere
        // the event is itself a link, and the booking or bookings page it opens links the waitlist.
        var cell = props.kind === "session" && props.waitlist_url && info.el.querySelector(".fc-list-event-title");
        if (cell) {
          var link = document.createElement("a");
          link.href = props.waitlist_url;
          link.className = "fk-waitlist-link";
          link.textContent = props.waitlist_label;
          // FullCalendar opens the event's url on a click anywhere in its row: this link goes to its own.
          link.addEventListener("click", function (event) { event.stopPropagation(); });
          cell.appendChild(link);
        }
        // A session with a free place: "Add a client" books one into it (the phone booking page).
        var addCell = props.add_client_url && info.el.querySelector(".fc-list-event-title");
        if (addCell) {
          var add = document.createElement("a");
          add.href = props.add_client_url;
          add.className = "fk-waitlist-link";  // the waitlist link's look: a 44 px underlined link
          add.textContent = props.add_client_label;
          add.setAttribute("aria-label", props.add_client_label + " (" + props.description + ")");
          add.addEventListener("click", function (event) { event.stopPropagation(); });
          addCell.appendChild(add);
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
    }));
    if (dateInput) dateInput.addEventListener("input", function () { dateInput.dataset.touched = "1"; });
    calendar.render();
    // The arrow buttons are named by their title ("Previous week"); their icon font glyph is decoration,
    // but FullCalendar marks it role="img" without a name, which screen readers announce as an unnamed image.
    element.querySelectorAll(".fc-icon[role='img']").forEach(function (icon) { icon.setAttribute("aria-hidden", "true"); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
