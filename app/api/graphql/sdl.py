"""Write the schema's SDL to openapi/schema.graphql (`make graphql-schema`); a test fails
when the committed file and the schema disagree."""

from __future__ import annotations

from pathlib import Path

from app.api.graphql.schema import build_schema

SDL_PATH = Path(__file__).resolve().parents[3] / "openapi" / "schema.graphql"


def sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    SDL_PATH.write_text(sdl())
    print(f"wrote {SDL_PATH}")
