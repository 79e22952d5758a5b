"""Use cases: load through repositories, apply domain rules, save. One transaction each."""
