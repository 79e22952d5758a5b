"""Storage: tables, repositories, the unit of work and migrations. Imports the domain only."""
