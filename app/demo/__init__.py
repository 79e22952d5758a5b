"""The demo organization: its shape and texts, six months of generated 1:1s, and the loader that
writes them through the services. A client of the service layer; nothing in `app.services`
imports it."""
