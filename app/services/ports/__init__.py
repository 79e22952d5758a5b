"""What the services need from storage, as protocols: the unit of work (`unit_of_work`) and
the stores it holds, by area. app.persistence.unit_of_work.UnitOfWork (SQLAlchemy) is one
implementation; the unit tests run use cases on an in-memory one (tests/fakes)."""
