"""The reads of bookings, one module per kind of answer: `availability` (the engine's inputs and
the offered slots), `actions` (what may happen to a booking now), `bookings`, `clients`,
`calendar`, `dashboard` and `service_listing` (the owner's pages), and `waitlist` (places in
line). Views, the API and tasks call these, never the ORM directly."""
